import io
import json
import os
import re
import subprocess
import sys

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from landcycle.web.auth import is_locked
from tests.web.conftest import client_for
from tests.web.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("ledger:parcel_list"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_then_lockout_after_repeated_failures(world, client, settings):
    settings.LANDCYCLE_LOGIN_MAX_FAILURES = 3
    ok = client.post(reverse("web:login"), {"username": "street_a", "password": PASSWORD})
    assert ok.status_code == 302
    client.post(reverse("web:logout"))
    for _ in range(3):
        bad = client.post(reverse("web:login"), {"username": "street_a", "password": "wrong"})
        assert bad.status_code in (200, 429)
    assert is_locked("street_a")
    locked = client.post(reverse("web:login"), {"username": "street_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    token = client.post("/api/auth/token/", {"username": "street_a", "password": PASSWORD})
    assert token.status_code == 429
    assert not is_locked("evaluator")  # other users are not affected


def test_api_token_auth(world, client):
    response = client.post("/api/auth/token/", {"username": "ent_a", "password": PASSWORD})
    token = response.json()["token"]
    parcels = client.get("/api/parcels/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert [p["code"] for p in parcels["results"]] == ["A-0001"]
    assert client.get("/api/parcels/").status_code == 403  # no token, no session


def test_api_filtering_and_pagination(world):
    client = client_for(world.users["evaluation_officer"])
    data = client.get("/api/parcels/?limit=2&ordering=-code").json()
    assert data["count"] == 5 and len(data["results"]) == 2
    assert data["results"][0]["code"] == "B-FREE"
    filtered = client.get(f"/api/parcels/?jurisdiction={world.street_a.pk}").json()
    assert [p["code"] for p in filtered["results"]] == ["A-0001"]
    assert client.get("/api/parcels/?q=A1").json()["count"] == 1


def test_openapi_schema_is_public(world, client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/parcels/" in response.content


def test_parcel_list_sort_filter_and_export(world):
    client = client_for(world.users["evaluation_officer"])
    page = client.get(reverse("ledger:parcel_list"), {"sort": "-code"}).content.decode()
    assert page.index("B-FREE") < page.index("A-0001")
    street = client.get(reverse("ledger:parcel_list"), {"jurisdiction": world.street_b.pk})
    assert "B-0001" in street.content.decode() and "A-0001" not in street.content.decode()
    csv = client.get(reverse("ledger:parcel_export", args=["csv"]), {"q": "A"}).content
    assert csv.startswith("\ufeff".encode()) and b"A-0001" in csv and b"B-0001" not in csv
    xlsx = client.get(reverse("ledger:parcel_export", args=["xlsx"])).content
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert rows[0][0] == "宗地编号" and len(rows) == 6
    assert client.get(reverse("ledger:parcel_export", args=["pdf"])).status_code == 404


def test_parcel_card_shows_everything(world):
    w = world
    client = client_for(w.users["evaluation_officer"])
    page = client.get(reverse("ledger:parcel_detail", args=[w.parcel_b.pk])).content.decode()
    for expected in (
        "乙化工有限公司",
        "乙租户贸易有限公司",
        "乙一号厂房",
        "output_per_ha",
        "涉法涉诉",
    ):
        assert expected in page
    assert "新增" in page  # the change history (created)
    assert 'id="parcel-geometry"' in page and "Polygon" in page


def test_enterprise_graph_links_persons_and_related_enterprises(world):
    client = client_for(world.users["evaluation_officer"])
    page = client.get(reverse("ledger:enterprise_detail", args=[world.ent_b.pk])).content.decode()
    marker = 'id="relation-graph" type="application/json">'
    start = page.index(marker) + len(marker)
    graph = json.loads(page[start : page.index("</script>", start)])
    names = {n["name"] for n in graph["nodes"]}
    assert "乙租户贸易有限公司" in names  # related through the shared controller
    assert any("乙法人" in n for n in names) and "B-0001" in names


def test_map_bbox_detail_and_grid(world):
    client = client_for(world.users["street_officer"])
    url = reverse("overview:map_parcels")
    detail = client.get(url, {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16}).json()
    assert detail["kind"] == "parcels"
    assert {f["properties"]["code"] for f in detail["features"]} == {"A-0001", "A1-0001"}
    classes = {f["properties"]["code"]: f["properties"]["class"] for f in detail["features"]}
    assert classes == {"A-0001": "A", "A1-0001": "B"}  # the final run, not the draft
    empty = client.get(url, {"bbox": "117,40,117.1,40.1", "zoom": 16}).json()
    assert empty["features"] == []
    grid = client.get(url, {"bbox": "116.4,39.7,116.7,39.9", "zoom": 9}).json()
    assert grid["kind"] == "grid" and sum(f["properties"]["count"] for f in grid["features"]) == 2
    control = client.get(
        url, {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16, "layer": "control_line"}
    )
    assert [f["properties"]["code"] for f in control.json()["features"]] == ["A-0001"]
    assert client.get(url, {"bbox": "a,b,c"}).status_code == 400
    assert client.get(url, {"bbox": "116.4,39.7,116.7,39.9", "layer": "x"}).status_code == 400


def test_portal_shows_public_fields_only(world, client):
    page = client.get(reverse("portal:index")).content.decode()
    assert "B-FREE" in page and "净地" in page
    assert "A-0001" in page and "甲制造有限公司" in page  # the published A list
    assert "B-0001" not in page and "A1-0001" not in page
    assert "B-DRAFTLIST" not in page  # on a list not yet published
    features = client.get(
        reverse("portal:available_geojson"), {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16}
    ).json()["features"]
    assert [f["properties"]["parcel_code"] for f in features] == ["B-FREE"]
    assert features[0]["properties"]["conditions"] == "净地"
    assert "holder" not in features[0]["properties"]


def test_language_switches(world):
    client = client_for(world.users["evaluation_officer"])
    assert "总览" in client.get(reverse("overview:dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Dashboard" in client.get(reverse("overview:dashboard")).content.decode()


def test_run_pages(world):
    w = world
    client = client_for(w.users["evaluation_officer"])
    page = client.get(reverse("evaluation:run_detail", args=[w.run_final.pk])).content.decode()
    assert "B-0001" in page and "A-0001" in page
    compare = client.get(reverse("evaluation:run_compare", args=[w.run_final.pk, w.run_draft.pk]))
    assert "3" in compare.content.decode()
    csv = client.get(reverse("evaluation:run_export", args=[w.run_final.pk, "csv"]), {"class": "D"})
    assert b"B-0001" in csv.content and b"A-0001" not in csv.content


def test_run_results_sort_by_figures_and_cards_show_ranks(world):
    from landcycle.evaluation.models import EvaluationResult

    w = world
    results = EvaluationResult.objects.filter(run=w.run_final)
    codes = list(results.order_by("parcel_code").values_list("parcel_code", flat=True))
    for rank, code in enumerate(codes, start=1):  # output per ha rises with the code
        results.filter(parcel_code=code).update(
            output_10k_cny_per_ha=1000.0 * rank, rank_jurisdiction=rank, rank_industry=10 + rank
        )
    client = client_for(w.users["evaluation_officer"])
    url = reverse("evaluation:run_detail", args=[w.run_final.pk])
    page = client.get(url, {"sort": "-output_per_ha"}).content.decode()
    shown = [c for c in re.findall(r">([A-Z]\d?-\d{4})</a>", page) if c in codes]
    assert shown == codes[::-1]
    assert "地均产值" in page and "街道内排名" in page
    parcel_a = results.get(parcel_code=codes[0]).parcel_id
    card = client.get(reverse("ledger:parcel_detail", args=[parcel_a])).content.decode()
    assert "排名 (街道 / 行业)" in card and "1 / 11" in card


def test_security_headers(world, client):
    response = client.get(reverse("portal:index"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "LANDCYCLE_SECRET_KEY": "k" * 30 + "-not-a-real-key-but-long-and-varied-0123456789",
        "LANDCYCLE_ALLOWED_HOSTS": "land.example.org",
        "LANDCYCLE_HTTPS": "1",
        "LANDCYCLE_DEBUG": "0",
        "LANDCYCLE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "landcycle.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@override_settings(LANDCYCLE_WEB_SYNC_JOBS=True)
def test_import_shows_errors_before_writing(world, tmp_path):
    from landcycle.ledger.models import Parcel

    workbook = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    sheet.append(["NEW-1", "甲街道", 1.5])
    sheet.append(["NEW-2", "甲街道", "not a number"])
    book.save(workbook)
    client = client_for(world.users["evaluation_officer"])
    before = Parcel.objects.count()
    with workbook.open("rb") as handle:
        response = client.post(reverse("imports:import"), {"workbook": handle}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="list errors"' in page and "not a number" in page
    assert Parcel.objects.count() == before
    assert (
        client_for(world.users["street_officer"]).get(reverse("imports:import")).status_code == 403
    )


@override_settings(LANDCYCLE_WEB_SYNC_JOBS=True)
def test_import_valid_workbook_then_commit(world, tmp_path):
    from landcycle.ledger.models import Parcel

    workbook = tmp_path / "good.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    sheet.append(["NEW-1", "甲街道", 1.5])
    book.save(workbook)
    client = client_for(world.users["evaluation_officer"])
    with workbook.open("rb") as handle:
        checked = client.post(reverse("imports:import"), {"workbook": handle}, follow=True)
    assert not Parcel.objects.filter(code="NEW-1").exists()  # checked, not written
    job_url = checked.redirect_chain[-1][0]
    commit_url = job_url + "commit/"
    assert commit_url.encode() in checked.content
    other = client_for(world.users["administrator"])
    assert other.post(commit_url).status_code == 404  # another user's job
    client.post(commit_url, follow=True)
    assert Parcel.objects.get(code="NEW-1").registered_area_m2 == pytest.approx(15_000)


def test_officer_map_available_layer_includes_draft_lists(world):
    client = client_for(world.users["evaluation_officer"])
    layer = client.get(
        reverse("overview:map_parcels"),
        {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16, "layer": "available"},
    ).json()
    assert {f["properties"]["code"] for f in layer["features"]} == {"B-FREE", "B-DRAFTLIST"}


def test_publish_a_draft_run_only_with_the_publish_action(world):
    w = world
    url = reverse("evaluation:run_transition", args=[w.run_draft.pk, "publish"])
    assert client_for(w.users["department_reader"]).post(url).status_code == 403
    client = client_for(w.users["evaluation_officer"])
    client.post(url)
    w.run_draft.refresh_from_db()
    assert w.run_draft.status == "notice"
    # now published: the department reader sees it, and a second publish is refused politely
    reader = client_for(w.users["department_reader"])
    assert reader.get(reverse("evaluation:run_detail", args=[w.run_draft.pk])).status_code == 200
    page = client.post(url, follow=True).content.decode()
    assert "notice" in page or "公示" in page


def test_api_bbox_filter(world):
    client = client_for(world.users["street_officer"])
    inside = client.get("/api/parcels/", {"bbox": "116.505,39.779,116.52,39.79"}).json()
    assert [p["code"] for p in inside["results"]] == ["A1-0001"]
    bad = client.get("/api/parcels/", {"bbox": "1,2,3"})
    assert bad.status_code == 400 and "bbox" in bad.json()


def test_dashboard_output_by_class_and_street(world):
    from landcycle.evaluation.models import EvaluationResult
    from landcycle.overview import services

    EvaluationResult.objects.filter(run=world.run_final, parcel=world.parcel_a).update(
        output_10k_cny=30_000.0
    )
    EvaluationResult.objects.filter(run=world.run_final, parcel=world.parcel_b).update(
        output_10k_cny=5_000.0
    )
    data = services.dashboard(world.users["evaluation_officer"])
    by_class = {r["klass"]: r["output_100m_cny"] for r in data["by_class"]}
    assert by_class == {"A": 3.0, "B": 0.0, "D": 0.5}  # 万元 → 亿元
    by_street = {r["jurisdiction__name"]: r.get("output_100m_cny") for r in data["by_street"]}
    assert by_street["甲街道"] == 3.0 and by_street["乙街道"] == 0.5
    street = services.dashboard(world.users["street_officer"])
    assert {r["klass"] for r in street["by_class"]} == {"A", "B"}  # its own parcels only


def test_api_results_read_class_and_keep_klass_as_deprecated_alias(world):
    client = client_for(world.users["evaluation_officer"])
    url = f"/api/evaluation-results/?run={world.run_final.pk}&ordering=parcel_code"
    rows = client.get(url).json()["results"]
    assert [(r["parcel_code"], r["class"]) for r in rows] == [
        ("A-0001", "A"),
        ("A1-0001", "B"),
        ("B-0001", "D"),
    ]
    assert all(r["klass"] == r["class"] for r in rows)
    assert list(rows[0]).index("class") < list(rows[0]).index("klass")
    for parameter in ("class", "klass"):
        only_d = client.get(f"{url}&{parameter}=D").json()["results"]
        assert [r["parcel_code"] for r in only_d] == ["B-0001"]
    schema = client.get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["EvaluationResult"]["properties"]
    assert "class" in fields and "Deprecated" in fields["klass"]["description"]
