"""The 辖区 sheet: jurisdictions with their real outlines (边界), imported, stored, exported and
imported again; a bad outline refused with sheet, row, column and value (issue 12 point 6)."""

import pytest
import shapely

from landcycle.core.models import ChangeRecord
from landcycle.imports.export import export_ledger, ledger_frames
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .test_export import _empty_the_ledger
from .workbooks import DAQI_OUTLINE, XINQI_OUTLINE, district, square, write_csvs, write_xlsx

pytestmark = pytest.mark.django_db

J = ledger.Jurisdiction


def outline(name: str) -> str:
    """The stored outline of the jurisdiction ``name`` ("" without one)."""
    found = ledger.JurisdictionBoundary.objects.filter(jurisdiction__name=name)
    return found.values_list("wkt", flat=True).first() or ""


def tree() -> list:
    return sorted(
        (name, kind, parent, outline(name))
        for name, kind, parent in J.objects.values_list("name", "kind", "parent__name")
    )


def _import(tmp_path, sheets, name="d.xlsx", **options):
    return run_import([write_xlsx(tmp_path / name, sheets)], **options)


def _same_shape(wkt_a: str, wkt_b: str) -> bool:
    return shapely.equals_exact(shapely.from_wkt(wkt_a), shapely.from_wkt(wkt_b), 1e-9)


def test_outlines_are_stored_on_the_tree_the_parcels_use(tmp_path):
    result = _import(tmp_path, district(2))
    assert result.ok, [p.line() for p in result.errors]
    assert result.counts["jurisdictions"].as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    root = J.objects.get(name="辖区")
    xinqi, daqi = J.objects.get(name="新碶街道"), J.objects.get(name="大碶街道")
    assert J.objects.count() == 3  # the 宗地 rows name the same streets: created once
    assert (root.parent, root.kind, outline("辖区")) == (None, "district", "")
    assert (xinqi.parent_id, xinqi.kind) == (root.pk, "street")
    assert xinqi.path == f"{root.path}{xinqi.pk}/"
    assert _same_shape(outline("新碶街道"), XINQI_OUTLINE)
    assert _same_shape(outline("大碶街道"), DAQI_OUTLINE)
    assert ledger.Parcel.objects.get(code="BL0000").jurisdiction == xinqi
    assert ledger.Parcel.objects.get(code="BL0001").jurisdiction == daqi
    # Importing the same workbook again changes nothing.
    again = _import(tmp_path, district(2), "again.xlsx")
    assert again.counts["jurisdictions"].as_dict() == {"created": 0, "updated": 0, "unchanged": 3}


@pytest.mark.parametrize("target", ["out.xlsx", "out"])
def test_export_writes_the_outlines_and_they_import_again(tmp_path, target):
    assert _import(tmp_path, district(2)).ok
    frame = ledger_frames()["辖区"]
    assert frame.columns == ["名称", "所属区县", "类型", "边界"]
    rows = {r["名称"]: r for r in frame.iter_rows(named=True)}
    assert rows["辖区"]["所属区县"] is None and rows["辖区"]["类型"] == "区县"
    assert rows["新碶街道"]["所属区县"] == "辖区" and rows["新碶街道"]["类型"] == "街道"
    assert _same_shape(rows["新碶街道"]["边界"], XINQI_OUTLINE)
    before = tree()
    export_ledger(tmp_path / target)
    _empty_the_ledger()
    result = run_import([tmp_path / target])
    assert result.ok, [p.line() for p in result.errors]
    after = tree()
    assert after == before


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("LINESTRING (121.8 29.9, 121.9 29.95)", "多边形"),
        ("POLYGON ((121.8 29.9, 121.9 29.9, 121.8 29.95, 121.9 29.95, 121.8 29.9))", "无效"),
        ("POLYGON ((1.8 2.9, 1.9 2.9, 1.9 2.95, 1.8 2.9))", "中国"),
        ("街道的边界", None),
    ],
)
def test_a_bad_outline_is_refused_with_where_and_nothing_is_written(tmp_path, cell, reason):
    sheets = district(2)
    sheets["辖区"][2][3] = cell  # row 3 of the sheet: 新碶街道
    result = _import(tmp_path, sheets)
    assert not result.ok
    (problem,) = [p for p in result.errors if p.sheet == "辖区"]
    assert (problem.sheet, problem.row, problem.column) == ("辖区", 3, "边界")
    assert problem.value and problem.value.startswith(cell[:20])
    if reason:
        assert reason in problem.reason, problem.reason
    assert J.objects.count() == 0 and ledger.Parcel.objects.count() == 0


def test_the_sheet_alone_outlines_stored_streets_and_is_logged(tmp_path):
    sheets = district(2)
    for row in sheets["辖区"]:
        row[3] = None if row[3] != "边界" else row[3]
    assert _import(tmp_path, sheets).ok
    street = J.objects.get(name="新碶街道")
    assert outline("新碶街道") == ""
    rows = [["名称", "所属区县", "边界"], ["新碶街道", "辖区", XINQI_OUTLINE]]
    result = run_import([write_csvs(tmp_path / "outline", {"辖区": rows})])
    assert result.ok, [p.line() for p in result.errors]
    assert result.counts["jurisdictions"].as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    street.refresh_from_db()
    assert _same_shape(outline("新碶街道"), XINQI_OUTLINE) and street.kind == "street"
    record = ChangeRecord.objects.filter(object_id=street.pk, action="update").latest("pk")
    assert record.before == {"boundary_wkt": ""} and "POLYGON" in record.after["boundary_wkt"]
    # An empty cell in a present 边界 column clears the outline.
    rows[1][2] = None
    assert run_import([write_csvs(tmp_path / "clear", {"辖区": rows})]).ok
    assert outline("新碶街道") == ""
    assert not ledger.JurisdictionBoundary.objects.filter(jurisdiction=street).exists()


def test_a_new_zone_with_its_streets_and_parcels_is_created_once(tmp_path):
    sheets = {
        "辖区": [
            ["名称", "所属区县", "类型", "边界"],
            ["北仑区", None, "区县", None],
            ["新碶街道", "北仑区", "街道", XINQI_OUTLINE],
            ["大榭开发区", "北仑区", "园区/开发区", DAQI_OUTLINE],
        ],
        "宗地": [
            ["宗地编号", "所属区县", "所属街道", "用地面积 (公顷)", "几何"],
            ["A1", "北仑区", "新碶街道", 1.07, square(121.80, 29.90)],
            ["A2", None, "大榭开发区", 1.07, square(121.81, 29.86)],  # found by name
        ],
    }
    result = _import(tmp_path, sheets)
    assert result.ok, [p.line() for p in result.errors]
    assert sorted(J.objects.values_list("name", "kind", "parent__name")) == [
        ("北仑区", "district", None),
        ("大榭开发区", "zone", "北仑区"),
        ("新碶街道", "street", "北仑区"),
    ]
    zone = J.objects.get(name="大榭开发区")
    assert ledger.Parcel.objects.get(code="A2").jurisdiction == zone
    assert _same_shape(outline(zone.name), DAQI_OUTLINE)


def test_outlines_in_geojson_and_in_projected_metres_are_read_like_parcels(tmp_path):
    geojson = shapely.to_geojson(shapely.from_wkt(XINQI_OUTLINE))
    # Gauss–Krüger metres with the zone prefixed (zone 41: 123°E), as a surveyor's file has them.
    metres = "POLYGON ((41400000 3310000, 41402000 3310000, 41402000 3312000, 41400000 3310000))"
    sheets = district(2)
    sheets["辖区"][2][3] = geojson
    sheets["辖区"][3][3] = metres
    result = _import(tmp_path, sheets)
    assert result.ok, [p.line() for p in result.errors]
    assert _same_shape(outline("新碶街道"), XINQI_OUTLINE)
    daqi = shapely.from_wkt(outline("大碶街道"))
    lon, lat = daqi.centroid.x, daqi.centroid.y
    assert 121 < lon < 123 and 29 < lat < 31
    assert any("带号41" in w.reason for w in result.warnings)


def test_the_sheet_is_refused_without_its_name_column(tmp_path):
    sheets = district(2)
    sheets["辖区"] = [row[1:] for row in sheets["辖区"]]
    result = _import(tmp_path, sheets)
    assert not result.ok
    assert any("缺少必填列「名称」" in p.reason for p in result.errors)
    assert J.objects.count() == 0


def test_a_sheet_of_names_and_kinds_under_another_name_is_not_taken_for_it(tmp_path):
    """名称 / 类型 columns are common in any list: only a sheet named 辖区 (or jurisdictions) is
    read as one, never Sheet1 by its headers (it would create jurisdictions)."""
    sheets = district(2)
    sheets["Sheet1"] = [["名称", "所属区县", "类型"], ["某某项目", "某区", "街道"]]
    result = _import(tmp_path, sheets)
    assert result.ok, [p.line() for p in result.errors]
    assert not J.objects.filter(name="某某项目").exists()
    assert any(p.sheet == "Sheet1" and p.warning for p in result.problems)
