"""The shortcuts that keep pages cheap must not change what they show."""

import re
import threading

import pytest
from django.template import Context, Template
from django.urls import reverse

from landcycle.ledger import models as ledger
from landcycle.ledger.filtersets import EnterpriseFilterSet, ParcelFilterSet
from landcycle.web import cache
from landcycle.web import maps as mapdata
from landcycle.web.permissions import restricted
from landcycle.web.tables import filter_form_html
from tests import factories as f
from tests.web.conftest import client_for, parcel

DJANGO_FORM = Template(
    "{% for field in form %}<label>{{ field.label }} {{ field }}</label>{% endfor %}"
)


def _normal(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").replace(" >", ">").strip()


def test_filter_form_html_is_what_django_renders(world):
    user = world.users["street_officer"]
    cases = [
        {},
        {
            "q": 'a"<b>&',
            "jurisdiction": str(world.street_a.pk),
            "in_control_line": "true",
            "supply_method": "not-a-choice",  # invalid: marked aria-invalid by both
            "min_area_m2": "12.5",
        },
    ]
    for data in cases:
        form = ParcelFilterSet(data, queryset=restricted(ledger.Parcel, user), user=user).form
        form.is_valid()
        assert _normal(filter_form_html(form)) == _normal(
            DJANGO_FORM.render(Context({"form": form}))
        )
    form = EnterpriseFilterSet({"scale": "x"}, queryset=ledger.Enterprise.objects.all()).form
    form.is_valid()
    assert _normal(filter_form_html(form)) == _normal(DJANGO_FORM.render(Context({"form": form})))
    # the street officer is offered only their own streets
    assert "乙街道" not in filter_form_html(
        ParcelFilterSet({}, queryset=restricted(ledger.Parcel, user), user=user).form
    )


def _codes(page: bytes) -> list[str]:
    return re.findall(r'<td><a href="/parcels/\d+/">([^<]+)</a></td>', page.decode())


def test_sorted_list_follows_a_write_at_once(world):
    client = client_for(world.users["evaluation_officer"])
    url = reverse("ledger:parcel_list")

    def in_database_order():
        rows = ledger.Parcel.objects.order_by("holder__name", "pk").values_list("code", flat=True)
        return list(rows)

    before = _codes(client.get(url, {"sort": "holder"}).content)
    assert before == in_database_order()
    assert _codes(client.get(url, {"sort": "holder"}).content) == before  # served from cache
    world.ent_b.name = "龙化工有限公司"  # 乙… sorts first, 龙… after 甲…
    world.ent_b.save()  # a single save leaves a change record
    after = _codes(client.get(url, {"sort": "holder"}).content)
    assert after == in_database_order() and after != before


def test_sorted_ids_are_kept_per_restriction(world):
    street = client_for(world.users["street_officer"])
    officer = client_for(world.users["evaluation_officer"])
    url = reverse("ledger:parcel_list")
    assert "B-0001" in _codes(officer.get(url, {"sort": "street"}).content)
    street_codes = _codes(street.get(url, {"sort": "street"}).content)
    assert street_codes and "B-0001" not in street_codes


def test_data_version_moves_with_ledger_writes(world):
    version = cache.data_version()
    f.EnterpriseFactory(name="新企业")
    assert cache.data_version() > version


def test_map_finds_a_wide_parcel_reaching_into_the_view(world):
    """The lower bound on min_lon comes from the widest parcel, so a long parcel starting far
    west of the view is still drawn."""
    client = client_for(world.users["evaluation_officer"])
    url = reverse("overview:map_parcels")
    view = {"bbox": "116.70,39.79,116.72,39.81", "zoom": 16}
    assert client.get(url, view).json()["features"] == []
    wide = parcel("W-0001", world.street_b, None, 116.40, 39.80)
    wide.max_lon = 116.705  # bounding box only: from 116.40 into the view
    wide.save()
    codes = [x["properties"]["code"] for x in client.get(url, view).json()["features"]]
    assert codes == ["W-0001"]


def test_map_coordinates_are_rounded():
    geometry = mapdata.simplified(
        "POLYGON((116.123456789 39.1, 116.2 39.1, 116.2 39.2, 116.123456789 39.1))", 18
    )
    flat = [v for ring in geometry["coordinates"] for point in ring for v in point]
    assert 116.1234568 in flat
    assert all(round(v, mapdata.COORDINATE_DECIMALS) == v for v in flat)


def test_map_etag_revalidates_until_the_data_changes(world):
    officer = client_for(world.users["evaluation_officer"])
    url = reverse("overview:map_parcels")
    view = {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16}
    first = officer.get(url, view)
    tag = first["ETag"]
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    again = officer.get(url, view, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    street = client_for(world.users["street_officer"])  # another scope, another version
    assert street.get(url, view, HTTP_IF_NONE_MATCH=tag).status_code == 200
    world.parcel_b.name = "改名"
    world.parcel_b.save()
    changed = officer.get(url, view, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    world.run_final.status = "notice"  # publishing state changes the classes shown
    world.run_final.save()
    assert officer.get(url, view, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200
    gzipped = officer.get(url, view, HTTP_ACCEPT_ENCODING="gzip")
    assert gzipped["Content-Encoding"] == "gzip"


def test_cache_computes_a_missing_value_once_for_concurrent_requests():
    import threading
    import time

    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return "value"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache._remember(("k",), 7, slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["value"] * 8 and len(calls) == 1
    assert cache._remember(("k",), 8, slow) == "value" and len(calls) == 2  # new version


def test_a_page_reads_the_data_version_and_the_current_run_once(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = client_for(world.users["evaluation_officer"])
    view = {"bbox": "116.4,39.7,116.7,39.9", "zoom": 16}
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(reverse("overview:map_parcels"), view).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("core_changerecord" in s for s in sql) == 1
    # the runs' signature, then the policy book's runs (kept for the next requests)
    assert sum('FROM "evaluation_evaluationrun"' in s for s in sql) == 2
    assert not any('FROM "web_profile"' in s for s in sql)  # loaded with the user
    with CaptureQueriesContext(connection) as queries:
        other = {"bbox": "116.4,39.7,116.7,39.8", "zoom": 16}
        assert officer.get(reverse("overview:map_parcels"), other).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("core_changerecord" in s for s in sql) == 1
    assert sum('FROM "evaluation_evaluationrun"' in s for s in sql) == 1  # the signature
    assert not any('FROM "evaluation_policyadoption"' in s for s in sql)
    # outside a request nothing is remembered: a write shows at once
    version = cache.data_version()
    f.EnterpriseFactory(name="又一家")
    assert cache.data_version() > version


def test_current_run_prefers_the_latest_final_run(world):
    from landcycle.evaluation.current import current_run

    officer = world.users["evaluation_officer"]
    assert current_run(officer) == world.run_final  # a later draft exists, the final wins
    world.run_final.status = "notice"
    world.run_final.save()
    latest = restricted(type(world.run_final), officer).order_by("-year", "-id").first()
    assert current_run(officer) == latest


def test_list_rows_and_export_show_choice_labels(world):
    officer = client_for(world.users["evaluation_officer"])
    world.parcel_a.supply_method = ledger.Parcel.SupplyMethod.AGREEMENT
    world.parcel_a.save()
    page = officer.get(reverse("ledger:parcel_list"), {"q": world.parcel_a.code}).content.decode()
    label = str(ledger.Parcel.SupplyMethod.AGREEMENT.label)
    assert f"<td>{label}</td>" in page
    export = officer.get(reverse("ledger:parcel_export", args=["csv"]), {"q": world.parcel_a.code})
    assert label in export.content.decode("utf-8-sig")


def test_change_history_cell_is_what_the_template_filters_gave():
    from landcycle.core.models import ChangeRecord
    from landcycle.web.history import with_diff as _with_diff

    template = Template(
        "{% for field, change in c.diff.items %}{{ field }}: "
        '{{ change.0|default_if_none:""|truncatechars:40 }} → '
        '{{ change.1|default_if_none:""|truncatechars:40 }}'
        "{% if not forloop.last %}; {% endif %}{% endfor %}"
    )
    record = _with_diff(
        ChangeRecord(
            before={"a": "x" * 50, "b": None, "c": 1.5, "d": ["<b>"], "e": False, "f": "é" * 41},
            after={"a": "y", "b": 3, "c": None, "d": {"k": "<v>"}, "e": True, "f": "a\u0301" * 30},
        )
    )
    assert Template("{{ c.diff_text }}").render(Context({"c": record})) == template.render(
        Context({"c": record})
    )


def test_workers_of_one_server_share_sorted_ids(
    world, tmp_path, monkeypatch, django_assert_num_queries
):
    monkeypatch.setenv(cache.SHARED_DIR_ENV, str(tmp_path))
    parcels = ledger.Parcel.objects.order_by("holder__name", "pk")
    cache.clear()
    first = list(cache.ordered_ids(parcels, 41))
    assert len(list(tmp_path.glob("*-41.ids"))) == 1
    cache.clear()  # another worker: its own memory is empty, the file is there
    with django_assert_num_queries(0):
        assert list(cache.ordered_ids(parcels, 41)) == first
    cache.clear()
    with django_assert_num_queries(1):  # a new data version is sorted again
        assert list(cache.ordered_ids(parcels, 42)) == first


def test_workers_of_one_server_share_kept_sums(world, tmp_path, monkeypatch):
    monkeypatch.setenv(cache.SHARED_DIR_ENV, str(tmp_path))
    calls = []

    def total():
        calls.append(1)
        return {"parcels": ledger.Parcel.objects.count(), "frame": [1.5, None]}

    parcels = ledger.Parcel.objects.all()
    cache.clear()
    first = cache.value("sum", parcels, 41, total)
    assert len(list(tmp_path.glob("*-41.pkl"))) == 1 and not list(tmp_path.glob("*-41.ids"))
    cache.clear()  # another worker: its memory is empty, the other's answer is on disk
    assert cache.value("sum", parcels, 41, total) == first and len(calls) == 1
    cache.clear()
    cache.value("sum", parcels, 42, total)  # a new data version is summed again
    assert len(calls) == 2
    cache.clear()
    kept = cache.value("unpicklable", parcels, 41, lambda: threading.Lock())  # kept in memory
    assert cache.value("unpicklable", parcels, 41, total) is kept


def test_a_shared_value_loads_with_the_collector_paused_and_restored(monkeypatch):
    import gc
    import pickle

    seen = []
    real = pickle.loads
    monkeypatch.setattr(cache.pickle, "loads", lambda b: seen.append(gc.isenabled()) or real(b))
    payload = pickle.dumps([{"n": i} for i in range(1000)])
    assert gc.isenabled()
    assert cache._loads(payload)[999] == {"n": 999} and gc.isenabled()
    gc.disable()  # paused by someone else: left paused
    try:
        cache._loads(payload)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]


def test_without_a_server_directory_nothing_is_written(world, tmp_path, monkeypatch):
    monkeypatch.delenv(cache.SHARED_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    cache.clear()
    cache.ordered_ids(ledger.Parcel.objects.order_by("code"), 5)
    assert not list(tmp_path.iterdir())


def test_a_stale_or_broken_shared_file_is_not_read(tmp_path):
    from array import array

    stale = tmp_path / "x-1.ids"
    stale.write_bytes(array("q", [3, 1, 2]).tobytes())
    assert list(cache._read_ids(stale)) == [3, 1, 2]
    broken = tmp_path / "y-1.ids"
    broken.write_bytes(b"\x00" * 5)  # not a whole number of ids
    assert cache._read_ids(broken) is None
    import os

    old = stale.stat().st_mtime - 2 * cache.MAX_AGE_S
    os.utime(stale, (old, old))
    assert cache._read_ids(stale) is None


# ---- pages summing many rows are kept per data version and current runs --------------------


def _second_zone(world):
    """A second zone that adopted another policy: its parcel's current run is not run_final."""
    from django.utils import timezone

    from landcycle.core.context import changes_by
    from landcycle.evaluation.models import PolicyAdoption
    from tests.web.factories import EvaluationResultFactory, EvaluationRunFactory

    other = f.JurisdictionFactory(name="宁海县", kind=ledger.Jurisdiction.Kind.DISTRICT)
    street = f.JurisdictionFactory(name="跃龙街道", parent=other)
    nh = parcel("NH-0001", street, world.ent_b, 116.70, 39.80)
    # as adopted before run_final became final (adopt() now refuses a change for 2024)
    with changes_by(source="test"):
        PolicyAdoption.objects.create(
            zone=other, year=2024, policy_name="zhejiang-mujun", reason="亩均",
            adopted_at=timezone.now(),
        )  # fmt: skip
    mujun = EvaluationRunFactory(year=2024, status="final", policy_name="zhejiang-mujun")
    for run, klass in ((world.run_final, "A"), (mujun, "C")):
        EvaluationResultFactory(run=run, parcel=nh, klass=klass)
    EvaluationResultFactory(run=mujun, parcel=world.parcel_a, klass="D")  # not its zone's
    return nh


def test_card_takes_the_current_result_from_the_parcels_results(world):
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from landcycle.evaluation.current import current_results
    from landcycle.evaluation.views.panels import parcel_evaluations

    nh = _second_zone(world)
    parcels = [world.parcel_a, world.parcel_a1, world.parcel_b, nh]
    shown = {}
    for role, user in world.users.items():
        for p in parcels:
            request = RequestFactory().get("/")
            request.user = user
            with cache.request_scope():
                panel = parcel_evaluations(request, p)
                before = current_results(user).filter(parcel_id=p.pk).first()  # the old query
            assert panel["current"] == before, (role, p.code)
            shown[(role, p.code)] = panel["current"] and panel["current"].klass
    assert shown[("evaluation_officer", "A-0001")] == "A"
    assert shown[("evaluation_officer", "NH-0001")] == "C"  # its own zone's run
    assert shown[("street_officer", "NH-0001")] is None  # outside the street
    officer = client_for(world.users["evaluation_officer"])
    with CaptureQueriesContext(connection) as queries:
        page = officer.get(reverse("ledger:parcel_detail", args=[nh.pk])).content.decode()
    assert 'data-current-class="C"' in page
    sql = [q["sql"] for q in queries.captured_queries]
    rows = [s for s in sql if 'FROM "evaluation_evaluationresult"' in s and "COUNT(" not in s]
    assert len(rows) == 1  # the parcel's results, read once
    # The 共 N of the ranks (a count per run) is kept: a second view counts nothing.
    with CaptureQueriesContext(connection) as again:
        officer.get(reverse("ledger:parcel_detail", args=[nh.pk]))
    assert not any(
        "COUNT(" in q["sql"] for q in again.captured_queries if "evaluationresult" in q["sql"]
    )


def test_dashboard_is_kept_and_equals_a_fresh_sum_after_each_change(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.overview import services

    officer_user = world.users["evaluation_officer"]
    officer = client_for(officer_user)
    street = client_for(world.users["street_officer"])
    url = reverse("overview:dashboard")

    def shown(client, user):
        response = client.get(url)
        assert response.status_code == 200
        with cache.request_scope():
            fresh = services._dashboard(user)
        assert response.context["data"] == fresh
        return fresh

    first = shown(officer, officer_user)
    assert first["total_count"] == 5 and {r["klass"] for r in first["by_class"]} == {"A", "B", "D"}
    with CaptureQueriesContext(connection) as queries:
        assert officer.get(url).context["data"] is not None
    assert not any("SUM(" in q["sql"] for q in queries.captured_queries)  # kept
    # another scope sums its own rows
    assert shown(street, world.users["street_officer"])["total_count"] == 2
    # a ledger write (change-logged) shows on the next request
    world.parcel_a.registered_area_m2 += 10_000
    world.parcel_a.save()
    after = shown(officer, officer_user)
    assert after["total_area_ha"] == round(first["total_area_ha"] + 1.0, 2)
    # the current runs change (another zone adopts, its run is final): the sums follow
    _second_zone(world)
    moved = shown(officer, officer_user)
    assert moved["total_count"] == 6 and moved != after
    # a run's status changed without the change log shows too
    world.run_final.status = "superseded"
    world.run_final.save()
    assert shown(officer, officer_user)["by_class"] != moved["by_class"]


def test_portal_a_list_is_kept_and_renders_as_the_template_did(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.core.permissions import restricted as restricted_to
    from landcycle.evaluation import services as evaluation
    from landcycle.evaluation.adoption import current_results_q
    from landcycle.evaluation.models import EvaluationResult
    from landcycle.overview.portal import PUBLIC

    old_loop = Template(
        "{% for row in a_list %}<tr><td>{{ row.parcel_code }}</td><td>{{ row.holder }}</td>"
        "<td>{{ row.street }}</td></tr>{% endfor %}"
    )

    def before():  # the A list as the portal built it from result instances
        found = evaluation.current_runs()
        results = (
            restricted_to(EvaluationResult, PUBLIC)
            .filter(current_results_q(found))
            .select_related("holder", "parcel__jurisdiction", "run")
            .order_by("parcel_code")
        )
        rows = [
            {
                "parcel_code": r.parcel_code,
                "holder": r.holder.name if r.holder else "",
                "street": r.parcel.jurisdiction.name if r.parcel else "",
                "year": r.run.year,
            }
            for r in results
        ]
        return old_loop.render(Context({"a_list": rows}))

    def tbody(page: str) -> str:
        return re.findall(r"<tbody>(.*?)</tbody>", page, re.S)[1]

    world.ent_a.name = "甲&<b>\"制造'</b>"  # escaped like the template escaped it
    world.ent_a.save()
    _second_zone(world)
    extra = parcel("A-0002", world.street_a, None, 116.52, 39.78)  # no holder
    from tests.web.factories import EvaluationResultFactory

    EvaluationResultFactory(run=world.run_final, parcel=extra, klass="A")
    url = reverse("portal:index")
    page = client.get(url).content.decode()
    assert tbody(page) == before() and "&lt;b&gt;&quot;" in tbody(page)
    assert "A-0002</td><td></td>" in tbody(page)
    expected = before()
    with CaptureQueriesContext(connection) as queries:
        assert tbody(client.get(url).content.decode()) == expected
    assert not any("evaluation_evaluationresult" in q["sql"] for q in queries.captured_queries)
    world.ent_a.name = "甲制造有限公司（更名）"  # a ledger write: the next request shows it
    world.ent_a.save()
    assert "（更名）" in tbody(client.get(url).content.decode())
    world.run_final.status = "superseded"  # no current run: the empty list's row
    world.run_final.save()
    assert tbody(client.get(url).content.decode()).startswith('<tr><td colspan="3">')


# Queries of a second view of a parcel card with no case, document, objection or decision, per
# role: the parcel, its figures, buildings and changes, the session's user, ONE probe for every
# usually empty part (web.probes: leases, commitments, violations, objections, decisions, cases,
# documents), the evaluation panel (results, runs, data version). Stop 9 had 24, 24, 23, 22, 23;
# stop 10 16, 16, 16, 15, 17.
CARD_QUERIES = {
    "administrator": 9,
    "evaluation_officer": 9,
    "street_officer": 10,  # + whether the parcel is in its streets (may it add documents)
    "department_reader": 9,
    "enterprise_user": 11,  # + its parcel ids, read once (ledger.permissions.parcels_of)
}


def test_the_card_stays_within_its_query_budget_for_every_role(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for role, user in world.users.items():
        if role == "no_role":  # 403, tested by the permission matrix
            continue
        client = client_for(user)
        url = reverse("ledger:parcel_detail", args=[world.parcel_a.pk])
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert "一地一档" in page
        # The session is read from the state database on SQLite, from this one on PostgreSQL.
        counts[role] = sum("django_session" not in q["sql"] for q in queries.captured_queries)
    assert counts == CARD_QUERIES


def test_run_page_sums_once_per_scope_and_pages_as_the_query_did(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.core.permissions import restricted as restricted_to
    from landcycle.evaluation import summaries
    from landcycle.evaluation.models import EvaluationResult

    url = reverse("evaluation:run_detail", args=[world.run_final.pk])
    seen = {}
    for role in ("evaluation_officer", "street_officer"):
        user = world.users[role]
        client = client_for(user)
        first = client.get(url)
        fresh = restricted_to(EvaluationResult, user).filter(run=world.run_final)
        assert first.context["distribution"] == summaries.class_distribution(fresh)
        assert first.context["moves"] == summaries.class_moves(fresh)
        with CaptureQueriesContext(connection) as queries:
            again = client.get(url)
        sums = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        assert sums == [], role  # kept: the run's results never change
        assert again.context["distribution"] == first.context["distribution"]
        seen[role] = sum(row["count"] for row in first.context["distribution"])
        # every order pages the same rows as ORDER BY … LIMIT did
        for sort in ("parcel_code", "-score", "klass", "-rank"):
            page = client.get(url, {"sort": sort}).context["page"]
            field = {"-rank": "-rank_jurisdiction"}.get(sort, sort)
            expected = list(fresh.order_by(field, "pk").values_list("pk", flat=True)[:50])
            assert [r.pk for r in page.object_list] == expected, (role, sort)
    assert seen == {"evaluation_officer": 3, "street_officer": 2}  # the street's own parcels


@pytest.mark.parametrize("asked", ["1", "2", "3", "last", "abc", "999", None])
def test_paged_by_cached_ids_is_the_paginator_over_the_query(world, asked):
    from django.core.paginator import Paginator
    from django.test import RequestFactory

    from landcycle.ledger.models import Parcel
    from landcycle.web.tables import paged

    queryset = Parcel.objects.order_by("-code", "pk")
    request = RequestFactory().get("/", {"page": asked} if asked else {})
    with cache.request_scope():
        page = paged(request, queryset, lambda ids: Parcel.objects.filter(pk__in=ids), size=2)
    expected = Paginator(queryset, 2).get_page(asked)
    assert [p.pk for p in page.object_list] == [p.pk for p in expected.object_list]
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )


def test_kept_values_are_bounded_by_count_and_by_the_bytes_of_id_lists(monkeypatch):
    from array import array

    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    monkeypatch.setattr(cache, "MAX_ID_BYTES", 3 * 8 * 1000)
    cache.clear()
    for i in range(3):  # three id lists of 1000 ids fit
        cache._remember(("ids", i), 1, lambda: array("q", range(1000)), share=False)
    cache._remember(("sum",), 1, lambda: 5, share=False)
    assert len(cache._entries) == 4
    cache._remember(("ids", 3), 1, lambda: array("q", range(1000)), share=False)
    assert ("ids", 0) not in cache._entries  # the oldest list went: bytes and count
    assert ("sum",) in cache._entries and len(cache._entries) == 4
    cache._remember(("ids", 4), 1, lambda: array("q", range(3000)), share=False)
    kept = [k for k in cache._entries if k[0] == "ids"]
    assert kept == [("ids", 4)]  # 3000 ids fill the byte budget alone
    cache.clear()
