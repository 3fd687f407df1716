"""Every page, export and API endpoint, generated from the URLconf, as every role.

A new URL whose parameters this file cannot fill fails the test, so it cannot be forgotten.
"""

import io
import json

import openpyxl
import pytest
from django.urls import reverse

from landcycle.imports import uploads as jobs
from landcycle.ledger import models as ledger
from landcycle.web.models import Profile, Role
from landcycle.web.permissions import Action, restricted
from tests.web.conftest import DRAFT_MARKER, client_for
from tests.web.permission_codes import KWARGS, OBJECT_KEYS, app_objects, url_patterns

ROLES = [
    "administrator",
    "evaluation_officer",
    "street_officer",
    "department_reader",
    "enterprise_user",
    "no_role",
    None,  # anonymous
]
# Query strings some endpoints need to do real work (without them they answer 400).
QUERIES = {
    "overview:map_parcels": [
        f"bbox=116.4,39.7,116.7,39.9&zoom=16&layer={layer}"
        for layer in ("parcels", "control_line", "available")
    ]
    + ["bbox=116.4,39.7,116.7,39.9&zoom=10"],
    "portal:available_geojson": ["bbox=116.4,39.7,116.7,39.9&zoom=16"],
    "evaluation:run_detail": ["", "class=D"],
}


def pk_values(name, world):
    """The objects a pk parameter of route ``name`` can name: in every scope and out of it."""
    w = world
    models = {
        "parcel": ledger.Parcel,
        "enterprise": ledger.Enterprise,
        "person": ledger.Person,
        "jurisdiction": ledger.Jurisdiction,
        "relation": ledger.Relation,
        "building": ledger.Building,
        "lease": ledger.Lease,
        "indicatorreport": ledger.IndicatorReport,
        "violation": ledger.Violation,
        "commitment": ledger.Commitment,
        "evaluationrun": type(w.run_final),
        "evaluationresult": type(w.run_final).results.rel.related_model,
        "run": type(w.run_final),
    }
    base = name.split(":")[1]
    for suffix in ("-detail", "_detail", "_export", "_compare", "_transition"):
        base = base.removesuffix(suffix)
    base = OBJECT_KEYS.get(name, base)
    if base in models:
        return list(models[base].objects.values_list("pk", flat=True))
    # Routes of the apps' row files (tests/<app>/matrix_*.py): their own and other objects.
    found = [objects[base].pk for objects in app_objects(world) if base in objects]
    if not found:
        raise AssertionError(f"{name}: no objects known for its pk; add them to its row file")
    return found


def urls_for(world, admin_job):
    urls = []
    for name, params in url_patterns():
        choices = [{}]
        for param in params:
            if param in KWARGS.get(name, {}):
                values = [KWARGS[name][param]]
            elif param == "pk":
                values = pk_values(name, world)
            elif param == "other":
                values = [world.run_final.pk, world.run_draft.pk]
            elif param in ("fmt",):
                values = ["csv", "xlsx"]
            elif param == "format":
                values = ["json"]
            elif param == "step":
                values = ["publish", "finalize"]
            elif param == "job_id":
                values = [admin_job]
            else:
                raise AssertionError(f"{name}: cannot fill parameter {param!r}; add it here")
            choices = [{**c, param: v} for c in choices for v in values]
        for kwargs in choices:
            url = reverse(name, kwargs=kwargs)
            for query in QUERIES.get(name, [""]):
                urls.append(f"{url}?{query}" if query else url)
    return urls


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def forbidden_strings(role, w):
    outside_a = [
        "B-0001",
        "B-DRAFTLIST",
        "乙化工有限公司",
        "乙租户贸易有限公司",
        "乙法人",
        "乙一号厂房",
    ]
    ids = [w.person_a.id_number, w.person_b.id_number]
    if role in ("administrator", "evaluation_officer"):
        return []
    if role == "department_reader":
        return [*ids, DRAFT_MARKER]
    if role == "street_officer":
        return [*outside_a, *ids, w.person_b.masked_id_number, DRAFT_MARKER]
    if role == "enterprise_user":
        return [*outside_a, "A1-0001", "甲一精密有限公司", *ids, DRAFT_MARKER]
    # anonymous or no role: only the public portal (available land, the published A list)
    return [
        *outside_a,
        "A1-0001",
        "甲一精密有限公司",
        "甲法人",
        *ids,
        w.person_a.masked_id_number,
        DRAFT_MARKER,
    ]


@pytest.fixture
def admin_job(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = jobs.Job.objects.create(
        user_id=world.users["administrator"].pk, paths=[], dry_run=True, state="succeeded"
    )
    return str(job.pk)


@pytest.mark.django_db
def test_url_list_covers_pages_exports_and_api(world, admin_job):
    urls = urls_for(world, admin_job)
    assert any(u.startswith("/parcels/export.xlsx") for u in urls)
    assert any(u.startswith("/api/parcels/") for u in urls)
    assert any(u.startswith("/portal/") for u in urls)
    assert len(urls) > 100


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_reaches_what_it_should_not(world, admin_job, role):
    user = world.users[role] if role else None
    client = client_for(user)
    forbidden = forbidden_strings(role, world)
    checked = 0
    for url in urls_for(world, admin_job):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404, 405), (url, response.status_code)
        if response.status_code != 200:
            continue
        checked += 1
        text = text_of(response)
        for secret in forbidden:
            assert secret not in text, f"{role} sees {secret!r} at {url}"
    assert checked > 0


def get_text(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text_of(response)


@pytest.mark.django_db
def test_scoped_roles_see_their_own(world):
    w = world
    street = client_for(w.users["street_officer"])
    listing = get_text(street, reverse("ledger:parcel_list"))
    assert "A-0001" in listing and "A1-0001" in listing  # the town below the street too
    assert street.get(reverse("ledger:parcel_detail", args=[w.parcel_b.pk])).status_code == 404
    enterprise = client_for(w.users["enterprise_user"])
    assert "A-0001" in get_text(enterprise, "/api/parcels/")
    assert enterprise.get(reverse("ledger:parcel_detail", args=[w.parcel_a1.pk])).status_code == 404


@pytest.mark.django_db
def test_personal_data_masked_unless_role_allows(world):
    w = world
    url = reverse("api:person-detail", args=[w.person_a.pk])
    evaluator = get_text(client_for(w.users["evaluation_officer"]), url)
    assert w.person_a.id_number in evaluator
    street = get_text(client_for(w.users["street_officer"]), url)
    assert w.person_a.masked_id_number in street and w.person_a.id_number not in street
    graph = get_text(
        client_for(w.users["department_reader"]),
        reverse("ledger:enterprise_detail", args=[w.ent_a.pk]),
    )
    assert w.person_a.masked_id_number in graph


@pytest.mark.django_db
def test_unpublished_run_only_for_evaluators(world):
    w = world
    url = reverse("evaluation:run_detail", args=[w.run_draft.pk])
    assert DRAFT_MARKER in get_text(client_for(w.users["evaluation_officer"]), url)
    assert client_for(w.users["department_reader"]).get(url).status_code == 404
    runs = get_text(client_for(w.users["department_reader"]), "/api/evaluation-runs/")
    assert f'"id": {w.run_final.pk}' in runs and f'"id": {w.run_draft.pk}' not in runs


@pytest.mark.django_db
def test_role_change_applies_on_next_request(world):
    w = world
    user = w.users["street_officer"]
    client = client_for(user)
    url = reverse("ledger:parcel_detail", args=[w.parcel_b.pk])
    assert client.get(url).status_code == 404
    Profile.objects.filter(user=user).update(role=Role.EVALUATION_OFFICER, jurisdiction=None)
    assert client.get(url).status_code == 200
    Profile.objects.filter(user=user).update(role=Role.ENTERPRISE_USER, enterprise=w.ent_b)
    assert client.get(url).status_code == 200
    assert client.get(reverse("ledger:parcel_detail", args=[w.parcel_a.pk])).status_code == 404


@pytest.mark.django_db
def test_restrict_by_action(world):
    w = world
    reader = w.users["department_reader"]
    assert restricted(ledger.Parcel, reader, Action.VIEW).count() == 5
    assert restricted(ledger.Parcel, reader, Action.CHANGE).count() == 0
    assert restricted(ledger.Parcel, w.users["street_officer"]).count() == 2
    # a user without a role is the public: the published available land only
    assert [p.code for p in restricted(ledger.Parcel, w.users["no_role"])] == ["B-FREE"]
    assert restricted(ledger.Enterprise, w.users["no_role"]).count() == 0
    assert set(restricted(ledger.Enterprise, w.users["street_officer"])) == {w.ent_a, w.ent_a1}


@pytest.mark.django_db
def test_the_public_sees_only_published_lists(world):
    from django.contrib.auth.models import AnonymousUser

    from landcycle.evaluation.models import EvaluationResult, EvaluationRun

    public = AnonymousUser()
    assert list(restricted(ledger.Parcel, public).values_list("code", flat=True)) == ["B-FREE"]
    assert list(restricted(EvaluationRun, public)) == [world.run_final]
    assert set(restricted(EvaluationResult, public).values_list("parcel_code", "klass")) == {
        ("A-0001", "A")
    }
    assert restricted(ledger.Parcel, public, Action.EXPORT).count() == 0
    assert restricted(ledger.Person, public).count() == 0


@pytest.mark.django_db
def test_lifecycle_lists_by_scope(world):
    from django.contrib.auth.models import AnonymousUser

    from landcycle.lifecycle.models import AvailableLandEntry

    def codes(user):
        return sorted(restricted(AvailableLandEntry, user).values_list("parcel__code", flat=True))

    assert codes(AnonymousUser()) == ["B-FREE"]  # the published list only
    assert codes(world.users["evaluation_officer"]) == ["B-DRAFTLIST", "B-FREE"]
    assert codes(world.users["street_officer"]) == []  # both parcels lie in street B
    assert codes(world.users["enterprise_user"]) == ["B-FREE"]
