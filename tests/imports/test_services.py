import copy
import datetime as dt

import pytest

from landcycle.core.models import ChangeRecord
from landcycle.imports.models import ImportBatch
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .workbooks import district, person_id, square, uscc, write_csvs, write_xlsx

pytestmark = pytest.mark.django_db


def test_import_workbook_creates_the_ledger_in_canonical_units(tmp_path):
    result = run_import([write_xlsx(tmp_path / "d.xlsx", district(3))])
    assert result.ok, [p.line() for p in result.errors]
    assert result.counts["parcels"].created == 3
    parcel = ledger.Parcel.objects.get(code="BL0000")
    assert parcel.registered_area_m2 == pytest.approx(16.65 * 10_000 / 15)  # 亩 → m²
    assert parcel.jurisdiction.name == "新碶街道"
    assert parcel.jurisdiction.parent.name == "辖区"  # a root created for the new streets
    assert parcel.jurisdiction.path == f"/{parcel.jurisdiction.parent_id}/{parcel.jurisdiction_id}/"
    assert parcel.holder.uscc == uscc(0)
    assert parcel.term_start == dt.date(2015, 1, 1)
    assert parcel.in_control_line is True
    assert parcel.supply_method == "tender_auction"
    assert parcel.computed_area_m2 == pytest.approx(10_710, rel=0.01)
    assert parcel.min_lon == pytest.approx(121.80) and parcel.max_lat == pytest.approx(29.901)
    assert not parcel.area_mismatch
    assert ledger.Parcel.objects.get(code="BL0001").extra == {"备注": "备注1"}
    enterprise = ledger.Enterprise.objects.get(uscc=uscc(0))
    assert enterprise.tags == ["上市公司", "行业龙头"]
    assert enterprise.scale == "below"
    assert enterprise.extra == {"联系电话": "0574-88000000"}
    relation = ledger.Relation.objects.get(subject__uscc=uscc(0), kind="shareholder")
    assert relation.party_enterprise.uscc == uscc(3) and relation.share_percent == 40
    assert ledger.Relation.objects.get(
        subject__uscc=uscc(1), kind="legal_representative"
    ).party_person.id_number == person_id(1)
    report = ledger.IndicatorReport.objects.get(enterprise__uscc=uscc(1), year=2024)
    assert (
        report.parcel.code == "BL0001" and report.tax_10k_cny == 1500.5 and report.employees == 120
    )
    commitment = ledger.Commitment.objects.get()
    assert (commitment.value, commitment.unit) == (30_000, "10k_cny/ha")
    building = ledger.Building.objects.get()
    assert (building.floor_area_m2, building.floors, building.completed_on) == (
        8_000,
        3,
        dt.date(2018, 6, 30),
    )
    assert ledger.Lease.objects.get().approved is False
    batch = ImportBatch.objects.get()
    assert batch.status == "succeeded" and batch.files == ["d.xlsx"]
    assert batch.counts["parcels"] == {"created": 3, "updated": 0, "unchanged": 0}
    records = ChangeRecord.objects.filter(source="import d.xlsx")
    assert records.filter(action="create").count() == 3 + 4 + 3 + 6 + 1 + 6 + 1 + 1 + 1 + 3
    parcel_record = records.get(object_id=parcel.pk, content_type__model="parcel")
    assert parcel_record.after["code"] == "BL0000" and parcel_record.before is None


def test_reimport_changes_nothing_and_writes_no_change_records(tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", district(3))
    run_import([path])
    before = ChangeRecord.objects.count()
    result = run_import([path])
    assert result.ok
    assert all(c.created == 0 and c.updated == 0 for c in result.counts.values())
    assert result.counts["indicators"].unchanged == 6
    assert ChangeRecord.objects.count() == before


def test_csv_folder_gives_the_same_as_the_workbook(tmp_path, snapshot):
    run_import([write_xlsx(tmp_path / "d.xlsx", district(3))])
    from_xlsx = snapshot()
    before = ChangeRecord.objects.count()
    result = run_import([write_csvs(tmp_path / "csv", district(3), bom=False)])
    assert result.ok and ChangeRecord.objects.count() == before
    assert snapshot() == from_xlsx


def test_corrected_workbook_updates_by_natural_key_with_before_and_after(tmp_path):
    sheets = district(3)
    run_import([write_xlsx(tmp_path / "a.xlsx", sheets)])
    corrected = copy.deepcopy(sheets)
    corrected["宗地"][1][6] = 30  # 亩
    corrected["宗地"][1][13] = "新备注"
    corrected["年度指标"][1][4] = 2_000
    corrected["企业"][1][5] = None  # unknown column emptied: the extra key goes
    result = run_import([write_xlsx(tmp_path / "b.xlsx", corrected)])
    assert result.ok
    assert result.counts["parcels"].as_dict() == {"created": 0, "updated": 1, "unchanged": 2}
    assert result.counts["indicators"].updated == 1
    assert ledger.Parcel.objects.count() == 3 and ledger.IndicatorReport.objects.count() == 6
    parcel = ledger.Parcel.objects.get(code="BL0000")
    assert parcel.registered_area_m2 == pytest.approx(20_000)
    assert parcel.extra == {"备注": "新备注"}
    assert ledger.Enterprise.objects.get(uscc=uscc(0)).extra == {}
    record = ChangeRecord.objects.get(
        source="import b.xlsx", content_type__model="parcel", object_id=parcel.pk
    )
    assert record.action == "update"
    assert record.before["registered_area_m2"] == pytest.approx(11_100)
    assert record.after["registered_area_m2"] == pytest.approx(20_000)
    assert record.after["extra"] == {"备注": "新备注"}


def test_sheets_in_any_subset_refer_to_stored_records(tmp_path):
    run_import([write_xlsx(tmp_path / "a.xlsx", district(3))])
    only = {
        "年度指标": [["统一社会信用代码", "年度", "实缴税金 (亿元)"], [uscc(2), 2022, 0.5]],
        "租赁": [
            ["宗地编号", "承租方统一社会信用代码", "起始日期"],
            ["BL0002", uscc(0), "2023-01-01"],
        ],
    }
    result = run_import([write_xlsx(tmp_path / "b.xlsx", only)])
    assert result.ok, [p.line() for p in result.errors]
    report = ledger.IndicatorReport.objects.get(enterprise__uscc=uscc(2), year=2022)
    assert report.parcel is None and report.tax_10k_cny == pytest.approx(5_000)
    assert ledger.Lease.objects.filter(parcel__code="BL0002", tenant__uscc=uscc(0)).exists()


def test_english_headers_and_boolean_and_date_spellings(tmp_path):
    sheets = {
        "parcels": [
            ["code", "jurisdiction", "area (ha)", "in_control_line", "actual_start", "far"],
            ["E1", "新碶街道", 2, "Y", 44197, "1.2"],
            ["E2", "新碶街道", "1,000 ", "false", "2021/3/4", None],
        ]
    }
    result = run_import([write_xlsx(tmp_path / "e.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]
    e1, e2 = ledger.Parcel.objects.order_by("code")
    assert (e1.registered_area_m2, e1.in_control_line, e1.actual_start) == (
        20_000,
        True,
        dt.date(2021, 1, 1),
    )
    assert (e2.registered_area_m2, e2.in_control_line, e2.actual_start) == (
        10_000_000,
        False,
        dt.date(2021, 3, 4),
    )


def test_dry_run_counts_but_writes_nothing(tmp_path, snapshot):
    result = run_import([write_xlsx(tmp_path / "d.xlsx", district(3))], dry_run=True)
    assert result.ok and result.counts["parcels"].created == 3
    assert ledger.Parcel.objects.count() == 0 and ChangeRecord.objects.count() == 0
    assert ImportBatch.objects.get().status == "validated"


def test_progress_callback_reaches_the_end(tmp_path):
    seen = []
    run_import([write_xlsx(tmp_path / "d.xlsx", district(2))], progress=lambda *a: seen.append(a))
    assert seen[0][1] == 0 and seen[-1][1] == seen[-1][2] and len(seen) > 5


def test_district_column_builds_the_tree(tmp_path):
    root = ledger.Jurisdiction.objects.create(name="北仑区", kind="district")
    ledger.Jurisdiction.objects.create(name="镇海区", kind="district")
    sheets = {
        "宗地": [
            ["宗地编号", "所属街道", "所属区县", "用地面积 (公顷)"],
            ["J1", "新碶街道", "北仑区", 1],
            ["J2", "新碶街道", "北仑区", 1],
            ["J3", "蛟川街道", "镇海区", 1],
            ["J4", "庄市街道", "江北区", 1],
        ]
    }
    result = run_import([write_xlsx(tmp_path / "j.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]
    street = ledger.Parcel.objects.get(code="J1").jurisdiction
    assert street.parent == root and street.path == f"{root.path}{street.pk}/"
    assert ledger.Parcel.objects.get(code="J2").jurisdiction == street
    assert ledger.Parcel.objects.get(code="J4").jurisdiction.parent.name == "江北区"
    assert ledger.Parcel.objects.get(code="J4").jurisdiction.parent.parent is None
    # Without a 所属区县 column a new street cannot choose among several districts.
    bad = {"宗地": [["宗地编号", "所属街道", "用地面积 (公顷)"], ["J5", "大碶街道", 1]]}
    result = run_import([write_xlsx(tmp_path / "k.xlsx", bad)])
    assert [(p.row, p.column) for p in result.errors] == [(2, "所属街道")]


def test_area_mismatch_is_a_warning_and_visible_on_the_parcel(tmp_path):
    sheets = {
        "宗地": [
            ["宗地编号", "所属街道", "用地面积 (平方米)", "几何"],
            ["M1", "新碶街道", 5_000, square(121.8, 29.9)],
        ]
    }
    result = run_import([write_xlsx(tmp_path / "m.xlsx", sheets)])
    assert result.ok
    assert [(p.sheet, p.row, p.value) for p in result.warnings] == [("宗地", 2, "M1")]
    assert ledger.Parcel.objects.get().area_mismatch
    assert ImportBatch.objects.get().warnings[0]["row"] == 2


def test_geojson_geometry_in_the_cell(tmp_path):
    geojson = (
        '{"type": "Polygon", "coordinates": [[[121.8, 29.9], [121.801, 29.9], '
        "[121.801, 29.901], [121.8, 29.901], [121.8, 29.9]]]}"
    )
    sheets = {
        "宗地": [
            ["宗地编号", "所属街道", "用地面积 (平方米)", "几何"],
            ["G1", "新碶街道", 11_100, geojson],
        ]
    }
    assert run_import([write_xlsx(tmp_path / "g.xlsx", sheets)]).ok
    assert ledger.Parcel.objects.get().geometry_wkt.startswith("POLYGON ((121.8 29.9")


def _count_queries(tmp_path, n, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = write_xlsx(tmp_path / name, district(n))
    with CaptureQueriesContext(connection) as queries:
        result = run_import([path])
    assert result.ok
    return len(queries)


def test_query_count_does_not_grow_with_rows(tmp_path):
    small = _count_queries(tmp_path, 10, "small.xlsx")
    for model in (ledger.Parcel, ledger.Relation, ledger.Enterprise, ledger.Person):
        model.objects.all().delete()
    ledger.Jurisdiction.objects.filter(parent__isnull=False).delete()
    ledger.Jurisdiction.objects.all().delete()
    large = _count_queries(tmp_path, 1000, "large.xlsx")
    assert large == small
    assert small < 80


def test_lease_without_start_column_is_its_own_record(tmp_path):
    run_import([write_xlsx(tmp_path / "a.xlsx", district(2))])
    lease = {
        "租赁": [
            ["宗地编号", "承租方统一社会信用代码", "租赁面积 (平方米)"],
            ["BL0000", uscc(2), 500],
        ]
    }
    result = run_import([write_xlsx(tmp_path / "b.xlsx", lease)])
    assert result.ok and result.counts["leases"].created == 1
    starts = sorted(str(s) for s in ledger.Lease.objects.values_list("start", flat=True))
    assert starts == ["2022-01-01", "None"]
    assert ledger.Lease.objects.get(start__isnull=False).area_m2 == 1200


def test_a_failure_while_writing_marks_the_batch_failed(tmp_path, monkeypatch):
    import landcycle.imports.services as services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_write", broken)
    with pytest.raises(RuntimeError):
        run_import([write_xlsx(tmp_path / "d.xlsx", district(2))])
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "disk full" in batch.errors[0]["reason"]
    assert ledger.Parcel.objects.count() == 0


def test_reimport_without_extras_finds_exactly_the_changed_rows(tmp_path):
    enterprises = [["统一社会信用代码", "企业名称", "企业标签"]] + [
        [uscc(i), f"企业{i}", "上市公司"] for i in range(5)
    ]
    figures = [["统一社会信用代码", "年度", "实缴税金 (万元)"]] + [
        [uscc(i), 2023, 100.0 + i] for i in range(5)
    ]
    run_import([write_xlsx(tmp_path / "a.xlsx", {"企业": enterprises, "年度指标": figures})])
    enterprises[2][2] = "上市公司,行业龙头"
    figures[1][2] = 100.0 * (1 + 1e-14)  # within what a workbook keeps: unchanged
    figures[4][2] = 104.5
    result = run_import(
        [write_xlsx(tmp_path / "b.xlsx", {"企业": enterprises, "年度指标": figures})]
    )
    assert result.counts["enterprises"].as_dict() == {"created": 0, "updated": 1, "unchanged": 4}
    assert result.counts["indicators"].as_dict() == {"created": 0, "updated": 1, "unchanged": 4}
    assert ledger.Enterprise.objects.get(uscc=uscc(1)).tags == ["上市公司", "行业龙头"]
    assert ledger.IndicatorReport.objects.get(enterprise__uscc=uscc(3)).tax_10k_cny == 104.5


def test_created_rows_are_logged_with_who_and_every_value(tmp_path, django_user_model):
    user = django_user_model.objects.create(username="officer")
    result = run_import([write_xlsx(tmp_path / "d.xlsx", district(3))], user_id=user.pk)
    assert result.ok
    records = ChangeRecord.objects.filter(action="create", source="import d.xlsx")
    assert set(records.values_list("user_id", flat=True)) == {user.pk}
    for model in (ledger.Enterprise, ledger.Parcel, ledger.IndicatorReport, ledger.Lease):
        logged = dict(
            records.filter(content_type__model=model._meta.model_name).values_list(
                "object_id", "after"
            )
        )
        assert set(logged) == set(model.objects.values_list("id", flat=True))
    enterprise = ledger.Enterprise.objects.get(uscc=uscc(0))
    after = records.get(content_type__model="enterprise", object_id=enterprise.pk).after
    assert after["uscc"] == uscc(0) and after["tags"] == ["上市公司", "行业龙头"]
    assert after["extra"] == {"联系电话": "0574-88000000"}
    parcel = ledger.Parcel.objects.get(code="BL0000")
    after = records.get(content_type__model="parcel", object_id=parcel.pk).after
    assert after["term_start"] == "2015-01-01" and after["in_control_line"] is True
    assert after["registered_area_m2"] == pytest.approx(parcel.registered_area_m2)
    assert after["holder_id"] == parcel.holder_id and after["extra"] == {}
