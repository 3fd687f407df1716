"""The national boundary-point coordinate file (界址点坐标 of 建设用地报批 / 勘测定界)."""

import pytest
import shapely

from landcycle.imports.readers import read_inputs
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .geofiles import (
    EPSG_ZONE,
    gauss_kruger,
    parcels_csv,
    square_points,
    write_boundary,
)

pytestmark = pytest.mark.django_db

# Parcel A: a 200 m square whose south-west corner lies on the central meridian (117°E) at
# 31.85°N, with a 50 m square hole; parcel B: a 100 m square 1 km further east.
EAST_A, NORTH_A = gauss_kruger(117.0, 31.85)
EAST_B, NORTH_B = gauss_kruger(117.0105, 31.85)
PARCELS = [
    {
        "code": "DK-01",
        "name": "金港一号地块",
        "area_ha": "3.7500",  # 200 × 200 − 50 × 50 m² = 37 500 m²
        "rings": [
            square_points(EAST_A, NORTH_A, 200),
            square_points(EAST_A + 75, NORTH_A + 75, 50)[::-1],
        ],
    },
    {
        "code": "DK-02",
        "name": "金港二号地块",
        "area_ha": "1.0000",
        "rings": [square_points(EAST_B, NORTH_B, 100)],
    },
]


def _ledger_csv(tmp_path, encoding="gbk"):
    return parcels_csv(
        tmp_path / "宗地.csv",
        [("DK-01", "金港一号", "金港街道", 3.75), ("DK-02", "金港二号", "金港街道", 1.0)],
        encoding=encoding,
    )


def _stored(code):
    parcel = ledger.Parcel.objects.get(code=code)
    return parcel, shapely.from_wkt(parcel.geometry_wkt)


def test_east_on_central_meridian_is_117_degrees():
    # The fixture itself: independent of the reader, easting 500 000 m is the central meridian.
    assert EAST_A == pytest.approx(500_000, abs=0.001)


@pytest.mark.parametrize("prefix_zone", [True, False], ids=["zone-prefixed", "bare-easting"])
def test_boundary_file_with_parcel_sheet_stores_geometry_in_cgcs2000(tmp_path, prefix_zone):
    boundary = write_boundary(tmp_path / "报批坐标.txt", PARCELS, prefix_zone=prefix_zone)
    result = run_import([_ledger_csv(tmp_path), boundary])
    assert result.ok, [p.line() for p in result.errors]
    a, geometry = _stored("DK-01")
    assert geometry.geom_type == "Polygon" and len(geometry.interiors) == 1
    # The south-west corner: on 117°E and 31.85°N within ~1 m (1e-5° ≈ 1 m).
    west, south = geometry.bounds[:2]
    assert west == pytest.approx(117.0, abs=1e-5)
    assert south == pytest.approx(31.85, abs=1e-5)
    assert a.computed_area_m2 == pytest.approx(37_500, rel=0.003)
    assert a.name == "金港一号"  # the sheet's name; the file's kept beside it
    assert a.extra["地块名称"] == "金港一号地块"
    assert a.extra["地块面积"] == "3.7500"
    b, geometry_b = _stored("DK-02")
    assert geometry_b.bounds[0] == pytest.approx(117.0105, abs=1e-5)
    assert b.computed_area_m2 == pytest.approx(10_000, rel=0.003)
    assert not [w for w in result.warnings if "面积" in w.reason]


def test_boundary_file_alone_updates_stored_parcels_and_refuses_unknown(tmp_path):
    assert run_import([_ledger_csv(tmp_path, "utf-8-sig")]).ok
    assert ledger.Parcel.objects.get(code="DK-01").geometry_wkt in ("", None)
    result = run_import([write_boundary(tmp_path / "a.txt", PARCELS)])
    assert result.ok, [p.line() for p in result.errors]
    assert _stored("DK-01")[1].bounds[0] == pytest.approx(117.0, abs=1e-5)
    # A parcel neither stored nor in a 宗地 sheet: an error on its line, nothing written.
    other = [dict(PARCELS[1], code="DK-99")]
    result = run_import([write_boundary(tmp_path / "b.txt", other)])
    assert not result.ok
    (error,) = result.errors
    assert error.row == 13 and error.value == "DK-99" and "宗地不存在" in error.reason
    assert not ledger.Parcel.objects.filter(code="DK-99").exists()


def test_reader_recognises_the_file_by_content_and_reports_the_encoding(tmp_path):
    inputs = read_inputs([write_boundary(tmp_path / "坐标.txt", PARCELS)])
    (layer,) = inputs.layers
    assert layer.crs_epsg == EPSG_ZONE
    assert layer.attributes["宗地编号"].to_list() == ["DK-01", "DK-02"]
    assert layer.attributes["地块用途"].to_list() == ["工业用地", "工业用地"]
    assert layer.attributes["_row"].to_list() == [13, 24]  # the parcel lines
    assert [p.value for p in inputs.problems if p.warning] == ["GB18030/GBK"]
    # Coordinates in metres (easting first) before validation reprojects them.
    assert layer.geometries[1].bounds[0] == pytest.approx(39_000_000 + EAST_B, abs=0.001)


def _errors(tmp_path, text_or_parcels, **options):
    path = tmp_path / "x.txt"
    if isinstance(text_or_parcels, str):
        path.write_text(text_or_parcels, encoding="gbk")
    else:
        write_boundary(path, text_or_parcels, **options)
    inputs = read_inputs([path])
    assert not inputs.layers
    return [p for p in inputs.problems if not p.warning]


def test_xian80_is_refused_not_shifted(tmp_path):
    (error,) = _errors(tmp_path, PARCELS, system="1980西安坐标系")
    assert error.column == "坐标系" and "2000" in error.reason


def test_zone_header_contradicting_the_eastings_is_refused(tmp_path):
    (error,) = _errors(tmp_path, PARCELS, zone="40")
    assert error.column == "带号" and "39" in error.reason


def test_bare_eastings_need_zone_and_width(tmp_path):
    (error,) = _errors(tmp_path, PARCELS, prefix_zone=False, width="")
    assert error.column == "带号"


def test_point_count_must_match_the_point_lines(tmp_path):
    from .geofiles import boundary_text

    text = boundary_text(PARCELS).replace("5,1.0000,DK-02", "6,1.0000,DK-02")
    (error,) = _errors(tmp_path, text)
    assert error.row == 24 and error.column == "界址点数" and error.value == "6"


def test_malformed_point_line_names_its_line(tmp_path):
    from .geofiles import boundary_text

    lines = boundary_text(PARCELS).split("\r\n")
    lines[14] = "J2,1,3525000.1"
    errors = _errors(tmp_path, "\r\n".join(lines))
    assert any(e.row == 15 and "点号,圈号,X,Y" in e.reason for e in errors)


def test_declared_area_far_from_the_coordinates_is_a_warning(tmp_path):
    parcels = [dict(PARCELS[1], area_ha="2.0000")]  # 20 000 m² declared, 10 000 m² drawn
    inputs = read_inputs([write_boundary(tmp_path / "x.txt", parcels)])
    assert inputs.layers
    (warning,) = [p for p in inputs.problems if p.column == "地块面积"]
    assert warning.warning and warning.row == 13 and "20,000" in warning.reason


def test_rings_outside_the_first_are_further_parts_and_zipped_files_are_read(tmp_path):
    from .test_file_kinds import _zip

    two_parts = [
        dict(
            PARCELS[1],
            rings=[square_points(EAST_B, NORTH_B, 100), square_points(EAST_B + 300, NORTH_B, 100)],
        )
    ]
    text = write_boundary(tmp_path / "x.txt", two_parts).read_bytes()
    archive = _zip(tmp_path / "报批.zip", {"报批材料/界址点坐标.txt": text})
    assert run_import([_ledger_csv(tmp_path)]).ok
    result = run_import([archive])
    assert result.ok, [p.line() for p in result.errors]
    parcel, geometry = _stored("DK-02")
    assert geometry.geom_type == "MultiPolygon" and len(geometry.geoms) == 2
    assert parcel.computed_area_m2 == pytest.approx(20_000, rel=0.003)
