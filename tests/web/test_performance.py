"""The shortcuts that keep pages cheap must not change what they show."""

import re

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
    assert sum('FROM "evaluation_evaluationrun"' in s for s in sql) == 1
    assert not any('FROM "web_profile"' in s for s in sql)  # loaded with the user
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
