"""The permission matrix: role × URL × method, with the expected status in every cell.

Generated from the URLconf: a route without a row here fails (``test_matrix_covers_every_route``),
so a new page or endpoint cannot go in unexamined. Routes that name an object are tried with an
object inside the street officer's and the enterprise user's scope ("own") and one outside it
("other"); API routes are tried as JSON (the browsable page is checked for leaks in
``test_api_leaks.py``). ``test_matrix_turns_red_when_a_role_gains_an_action`` proves the
matrix can fail: it grants roles actions they must not have and sees cells change.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from landcycle.core import permissions
from landcycle.imports import uploads as jobs
from landcycle.ledger import models as ledger
from landcycle.web.models import Role
from tests import factories as f
from tests.web.conftest import client_for
from tests.web.permission_codes import (  # noqa: F401
    API,
    API_EVALUATORS_ONLY,
    API_NO_METHOD,
    API_OWN_ONLY,
    EVALUATORS_ONLY,
    EVERYONE,
    IMPORTERS,
    IMPORTERS_NO_METHOD,
    KWARGS,
    METHODS,
    NO_METHOD,
    OBJECT_KEYS,
    OWN_ONLY,
    PAGE,
    PAGE_NO_METHOD,
    ROLES,
    ROW_FILES,
    api,
    page,
    public,
    url_patterns,
)

# (route, object) → method → codes. "own" / "other" name the object a pk route is tried with.
MATRIX: dict[tuple[str, str], dict[str, str]] = {
    ("overview:dashboard", ""): page(),
    ("web:login", ""): {"GET": EVERYONE, "POST": EVERYONE, **dict.fromkeys(METHODS[2:], NO_METHOD)},
    ("web:logout", ""): {
        "POST": "302 302 302 302 302 302 302",
        **{m: NO_METHOD for m in METHODS if m != "POST"},
    },
    ("ledger:parcel_list", ""): page(),
    ("ledger:parcel_export", ""): page(),
    ("ledger:parcel_detail", "own"): page(),
    ("ledger:parcel_detail", "other"): page(OWN_ONLY),
    ("ledger:enterprise_list", ""): page(),
    ("ledger:enterprise_export", ""): page(),
    ("ledger:enterprise_detail", "own"): page(),
    ("ledger:enterprise_detail", "other"): page(OWN_ONLY),
    ("overview:map", ""): page(),
    ("overview:map_parcels", ""): page(),
    ("overview:map_streets", ""): page(),
    ("imports:import", ""): {
        "GET": IMPORTERS,
        "POST": IMPORTERS,  # an empty upload: the form shown again with its error
        **dict.fromkeys(METHODS[2:], IMPORTERS_NO_METHOD),
    },
    # The job belongs to the administrator: another importer is told it does not exist.
    ("imports:import_job", ""): {
        "GET": "200 404 403 403 403 403 302",
        **dict.fromkeys(METHODS[1:], IMPORTERS_NO_METHOD),
    },
    ("imports:import_commit", ""): {
        "POST": "404 404 403 403 403 403 302",  # the job has nothing validated to commit
        **{m: IMPORTERS_NO_METHOD for m in METHODS if m != "POST"},
    },
    # Only an interrupted job can be run again: this one finished, so it is not found.
    ("imports:import_retry", ""): {
        "POST": "404 404 403 403 403 403 302",
        **{m: IMPORTERS_NO_METHOD for m in METHODS if m != "POST"},
    },
    ("evaluation:run_list", ""): page(),
    # Adopting a policy: administrators only (an empty form goes back to the runs with a message).
    ("evaluation:run_adopt", ""): {
        "POST": "302 403 403 403 403 403 302",
        **{m: PAGE_NO_METHOD for m in METHODS if m != "POST"},
    },
    ("evaluation:run_detail", "own"): page(),
    ("evaluation:run_detail", "other"): page(EVALUATORS_ONLY),
    ("evaluation:run_export", "own"): page(),
    ("evaluation:run_export", "other"): page(EVALUATORS_ONLY),
    ("evaluation:run_compare", "own"): page(),
    ("evaluation:run_compare", "other"): page(EVALUATORS_ONLY),
    # Publishing the draft run for notice: only the evaluating roles may, by POST.
    ("evaluation:run_transition", "other"): {
        "POST": "302 302 403 403 403 403 302",
        **{m: "405 405 403 403 403 403 302" for m in METHODS if m != "POST"},
    },
    ("portal:index", ""): public(),
    ("portal:available_geojson", ""): public(),
    ("api:api-root", ""): api(),
    ("api:schema", ""): public(),
    ("api:token", ""): {
        "POST": "400 400 400 400 400 400 400",  # no credentials given
        **{m: NO_METHOD for m in METHODS if m != "POST"},
    },
    **{
        (f"api:{name}-list", ""): api()
        for name in (
            "jurisdiction",
            "parcel",
            "enterprise",
            "person",
            "relation",
            "building",
            "lease",
            "indicatorreport",
            "violation",
            "commitment",
            "evaluationrun",
            "evaluationresult",
        )  # fmt: skip
    },
    **{
        (f"api:{name}-detail", "own"): api()
        for name in (
            "jurisdiction",
            "parcel",
            "enterprise",
            "person",
            "relation",
            "building",
            "lease",
            "indicatorreport",
            "violation",
            "commitment",
            "evaluationrun",
            "evaluationresult",
        )  # fmt: skip
    },
    **{
        (f"api:{name}-detail", "other"): api(API_OWN_ONLY)
        for name in (
            "jurisdiction",
            "parcel",
            "enterprise",
            "person",
            "relation",
            "building",
            "lease",
            "indicatorreport",
            "violation",
            "commitment",
            "evaluationresult",
        )  # fmt: skip
    },
    ("api:evaluationrun-detail", "other"): api(API_EVALUATORS_ONLY),
}

CHANGES_STATE = {"evaluation:run_transition", "imports:import_commit", "imports:import_retry"}


# Query strings routes need to do real work.
QUERIES = {
    "overview:map_parcels": "bbox=116.4,39.7,116.7,39.9&zoom=16",
    "portal:available_geojson": "bbox=116.4,39.7,116.7,39.9&zoom=16",
}


for _rows in ROW_FILES:
    _clash = set(MATRIX) & set(_rows.ROWS)
    assert not _clash, f"{_rows.__name__}: rows given twice: {sorted(_clash)}"
    MATRIX.update(_rows.ROWS)
    QUERIES.update(getattr(_rows, "QUERIES", {}))
    CHANGES_STATE |= set(getattr(_rows, "CHANGES_STATE", ()))


@pytest.fixture
def matrix_world(world, settings, tmp_path):
    """The shared world plus an object of every kind inside street A / enterprise A's scope."""
    w = world
    settings.DATA_DIR = tmp_path
    job = jobs.Job.objects.create(
        user_id=w.users["administrator"].pk, paths=[], dry_run=True, state="succeeded"
    )
    own = {
        "jurisdiction": w.street_a,
        "parcel": w.parcel_a,
        "enterprise": w.ent_a,
        "person": w.person_a,
        "relation": ledger.Relation.objects.get(subject=w.ent_a),
        "building": ledger.Building.objects.create(parcel=w.parcel_a, name="甲一号厂房"),
        "lease": f.LeaseFactory(parcel=w.parcel_a, tenant=w.ent_a),
        "indicatorreport": ledger.IndicatorReport.objects.filter(enterprise=w.ent_a).first(),
        "violation": f.ViolationFactory(parcel=w.parcel_a, enterprise=w.ent_a),
        "commitment": f.CommitmentFactory(parcel=w.parcel_a, enterprise=w.ent_a),
        "run": w.run_final,
        "evaluationrun": w.run_final,
        "evaluationresult": w.run_final.results.get(parcel=w.parcel_a),
    }
    other = {
        "jurisdiction": w.street_b,
        "parcel": w.parcel_b,
        "enterprise": w.ent_b,
        "person": w.person_b,
        "relation": ledger.Relation.objects.get(subject=w.ent_b),
        "building": ledger.Building.objects.get(parcel=w.parcel_b),
        "lease": ledger.Lease.objects.get(parcel=w.parcel_b),
        "indicatorreport": ledger.IndicatorReport.objects.filter(enterprise=w.ent_b).first(),
        "violation": ledger.Violation.objects.get(parcel=w.parcel_b),
        "commitment": ledger.Commitment.objects.get(parcel=w.parcel_b),
        "run": w.run_draft,
        "evaluationrun": w.run_draft,
        "evaluationresult": w.run_final.results.get(parcel=w.parcel_b),
    }
    for rows in ROW_FILES:
        if hasattr(rows, "objects"):
            extra = rows.objects(w)
            own.update(extra.get("own", {}))
            other.update(extra.get("other", {}))
    return w, {"own": own, "other": other}, str(job.pk)


def _url(route: str, variant: str, objects: dict, job_id: str) -> str:
    kwargs = {}
    base = route.split(":")[1]
    for suffix in ("-detail", "-list", "_detail", "_export", "_compare", "_transition"):
        base = base.removesuffix(suffix)
    base = OBJECT_KEYS.get(route, base)
    for name in dict(url_patterns())[route]:
        if name in KWARGS.get(route, {}):
            kwargs[name] = KWARGS[route][name]
        elif name == "pk":
            kwargs["pk"] = objects[variant][base].pk
        elif name == "other":
            kwargs["other"] = objects["own"]["run"].pk
        elif name == "fmt":
            kwargs["fmt"] = "csv"
        elif name == "step":
            kwargs["step"] = "publish"
        elif name == "job_id":
            kwargs["job_id"] = job_id
        elif name == "format":
            continue  # the .json suffix routes: the same views, checked without it
        else:
            raise AssertionError(f"{route}: cannot fill {name!r}; add it to _url")
    url = reverse(route, kwargs=kwargs)
    return f"{url}?{QUERIES[route]}" if route in QUERIES else url


def mismatches(world_and_objects, first_only: bool = False) -> list[str]:
    """Every cell whose answer differs from the matrix, as readable lines (or the first)."""
    w, objects, job_id = world_and_objects
    clients = {role: client_for(None if role == "anonymous" else w.users[role]) for role in ROLES}
    wrong = []
    # Routes that change state go last (publishing the draft run makes it public).
    cells = sorted(MATRIX.items(), key=lambda item: item[0][0] in CHANGES_STATE)
    for (route, variant), methods in cells:
        url = _url(route, variant, objects, job_id)
        for method in METHODS:
            expected = methods.get(method)
            assert expected is not None, f"{route} {variant}: no row for {method}"
            for role, code in zip(ROLES, expected.split(), strict=True):
                if method == "POST" and route == "web:logout":
                    clients[role] = client_for(None if role == "anonymous" else w.users[role])
                response = getattr(clients[role], method.lower())(url)
                if method == "POST" and route in ("web:logout", "web:login"):
                    clients[role] = client_for(None if role == "anonymous" else w.users[role])
                if str(response.status_code) != code:
                    wrong.append(f"{role} {method} {url}: {response.status_code}, expected {code}")
                    if first_only:
                        return wrong
    return wrong


def test_matrix_covers_every_route():
    routes = {name for name, params in url_patterns()}
    in_matrix = {route for route, _variant in MATRIX}
    assert sorted(routes - in_matrix) == [], "routes without a row in the permission matrix"
    assert sorted(in_matrix - routes) == [], "rows for routes that no longer exist"
    for name, params in url_patterns():
        variants = {v for route, v in MATRIX if route == name}
        expected = (
            {"own", "other"} if "pk" in params and name != "evaluation:run_transition" else None
        )
        if expected:
            assert variants == expected, f"{name}: try an object in scope and one outside it"


@pytest.mark.django_db
def test_every_cell_of_the_matrix(matrix_world):
    assert mismatches(matrix_world) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, first_wrong_cell",
    [
        ("street_officer_may_publish", r"street_officer GET /runs/\d+/publish/: 405"),
        ("enterprise_user_may_import", "enterprise_user GET /imports/"),
        ("administrator_may_do_nothing", "administrator GET /: 403"),
    ],
)
def test_matrix_turns_red_when_a_role_gains_or_loses_actions(
    matrix_world, monkeypatch, change, first_wrong_cell
):
    actions = dict(permissions.ROLE_ACTIONS)
    if change == "street_officer_may_publish":
        actions[Role.STREET_OFFICER] = actions[Role.STREET_OFFICER] | {permissions.Action.PUBLISH}
    elif change == "enterprise_user_may_import":
        actions[Role.ENTERPRISE_USER] = actions[Role.ENTERPRISE_USER] | {permissions.Action.IMPORT}
    else:
        actions[Role.ADMINISTRATOR] = frozenset()
    monkeypatch.setattr(permissions, "ROLE_ACTIONS", actions)
    wrong = mismatches(matrix_world, first_only=True)
    assert len(wrong) == 1 and re.match(first_wrong_cell, wrong[0]), wrong
