"""Geodata as GIS staff deliver it: shapefiles whose .dbf is GBK without a .cpg, pinyin field
names, projected coordinates with the zone prefixed or northing first, zipped shapefiles."""

import json
import warnings
import zipfile

import numpy as np
import pyogrio
import pytest
import shapely

from landcycle.cli import main
from landcycle.imports.readers import read_inputs
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .geofiles import EPSG_ZONE, gauss_kruger, parcels_csv

pytestmark = pytest.mark.django_db

# Parcel corners: on the central meridian of zone 39 (117°E) and 0.01° east of it.
CORNERS = [(117.0, 31.85), (117.01, 31.86)]
ROWS = [("ZD-01", "一号", "金港街道", 1.0), ("ZD-02", "二号", "金港街道", 1.0)]


def _squares(prefix_zone=True, northing_first=False, side=100.0):
    """100 m squares at CORNERS in Gauss–Krüger metres (zone 39), as surveyors write them."""
    shapes = []
    for lon, lat in CORNERS:
        east, north = gauss_kruger(lon, lat)
        east += 39_000_000 if prefix_zone else 0
        box = shapely.box(east, north, east + side, north + side)
        shapes.append(shapely.transform(box, lambda xy: xy[:, ::-1]) if northing_first else box)
    return np.array(shapes, dtype=object)


def _shapefile(folder, fields: dict[str, list[str]], geometries, crs=None, encoding="GBK"):
    """A shapefile written in ``encoding``, then stripped of its .cpg (and .prj when no crs)."""
    folder.mkdir(exist_ok=True)
    path = folder / "宗地.shp"
    with warnings.catch_warnings():  # no CRS / laundered (cut) names: both wanted here
        warnings.simplefilter("ignore")
        _write(path, fields, geometries, crs, encoding)
    for suffix in (".cpg",) + (() if crs else (".prj",)):
        path.with_suffix(suffix).unlink(missing_ok=True)
    assert path.with_suffix(".dbf").read_bytes()[29] == 0  # no language driver byte either
    return path


def _write(path, fields, geometries, crs, encoding):
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(geometries),
        field_data=[np.array(v, dtype=object) for v in fields.values()],
        fields=list(fields),
        geometry_type="Polygon",
        crs=crs,
        encoding=encoding,
        driver="ESRI Shapefile",
    )


def _gis_fields():
    return {
        "ZDDM": ["ZD-01", "ZD-02"],
        "ZDMC": ["金港一号地块", "锦丰二号地块"],
        "QLR": ["张家港某某机械有限公司", "苏州某某科技有限公司"],
    }


def _corner(code):
    parcel = ledger.Parcel.objects.get(code=code)
    return parcel, shapely.from_wkt(parcel.geometry_wkt).bounds[:2]


def test_gbk_dbf_without_cpg_and_zone_prefixed_metres_without_prj(tmp_path):
    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares())
    result = run_import([parcels_csv(tmp_path / "宗地.csv", ROWS), shp])
    assert result.ok, [p.line() for p in result.errors]
    parcel, (west, south) = _corner("ZD-01")
    assert (west, south) == pytest.approx(CORNERS[0], abs=1e-5)  # ~1 m
    assert _corner("ZD-02")[1] == pytest.approx(CORNERS[1], abs=1e-5)
    assert parcel.computed_area_m2 == pytest.approx(10_000, rel=0.003)
    assert parcel.extra["ZDMC"] == "金港一号地块"
    assert parcel.extra["QLR"] == "张家港某某机械有限公司"
    notes = [w.reason for w in result.warnings]
    assert any("GB18030/GBK" in n for n in notes)  # the encoding said
    assert any(f"EPSG:{EPSG_ZONE}" in n and "39" in n for n in notes)  # the zone said


@pytest.mark.parametrize(
    "encoding, names",
    [("GBK", ["宗地编号", "宗地名称"]), ("UTF-8", ["宗地编", "宗地名"])],  # UTF-8: cut at 10 bytes
)
def test_chinese_field_names_in_gbk_and_utf8_dbf(tmp_path, encoding, names):
    fields = {"宗地编号": ["ZD-01", "ZD-02"], "宗地名称": ["金港一号地块", "锦丰二号地块"]}
    shp = _shapefile(tmp_path / encoding, fields, _squares(), encoding=encoding)
    (layer,) = read_inputs([shp]).layers
    assert layer.fields == names
    assert layer.attributes[names[1]].to_list() == ["金港一号地块", "锦丰二号地块"]
    # The cut name still finds the parcels (gis profile: 10-byte-cut names).
    result = run_import([parcels_csv(tmp_path / "宗地.csv", ROWS), shp])
    assert result.ok, [p.line() for p in result.errors]
    assert _corner("ZD-01")[1] == pytest.approx(CORNERS[0], abs=1e-5)


def test_mojibake_is_never_stored(tmp_path):
    # A .cpg that lies (says Latin-1 for GBK bytes): the text reads as ÕÅ¼Ò…, refused.
    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares())
    shp.with_suffix(".cpg").write_text("ISO-8859-1")
    inputs = read_inputs([shp])
    assert not inputs.layers
    assert "乱码" in inputs.problems[0].reason


def test_zipped_shapefile_with_gbk_member_names(tmp_path):
    from .test_file_kinds import _zip

    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares())
    members = {
        f"宗地图层/{p.name}": p.read_bytes() for p in shp.parent.iterdir() if p.stem == "宗地"
    }
    archive = _zip(tmp_path / "测绘成果.zip", members)
    assert run_import([parcels_csv(tmp_path / "宗地.csv", ROWS)]).ok
    result = run_import([archive])  # geometry of stored parcels
    assert result.ok, [p.line() for p in result.errors]
    parcel, corner = _corner("ZD-02")
    assert corner == pytest.approx(CORNERS[1], abs=1e-5)
    assert parcel.extra["ZDMC"] == "锦丰二号地块"


def test_bare_metres_are_refused_naming_the_crs_that_fits(tmp_path, capsys):
    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares(prefix_zone=False))
    csv = parcels_csv(tmp_path / "宗地.csv", ROWS)
    assert main(["import", str(csv), str(shp)]) != 0
    err = capsys.readouterr().err
    assert "不带带号" in err and "--crs" in err and "4548" in err
    assert not ledger.Parcel.objects.exists()
    # Given the CRS, the same file goes in.
    assert main(["import", str(csv), str(shp), "--crs", "4548"]) == 0
    assert _corner("ZD-01")[1] == pytest.approx(CORNERS[0], abs=1e-5)


def test_northing_first_with_declared_crs_is_swapped(tmp_path):
    shp = _shapefile(
        tmp_path / "shp", _gis_fields(), _squares(northing_first=True), crs=f"EPSG:{EPSG_ZONE}"
    )
    result = run_import([parcels_csv(tmp_path / "宗地.csv", ROWS), shp])
    assert result.ok, [p.line() for p in result.errors]
    assert _corner("ZD-01")[1] == pytest.approx(CORNERS[0], abs=1e-5)
    assert any("northing-first" in w.reason for w in result.warnings)


def test_northing_first_zone_prefixed_geojson(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"宗地代码": code},
            "geometry": shapely.geometry.mapping(geometry),
        }
        for code, geometry in zip(("ZD-01", "ZD-02"), _squares(northing_first=True), strict=True)
    ]
    path = tmp_path / "宗地.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    result = run_import([parcels_csv(tmp_path / "宗地.csv", ROWS), path])
    assert result.ok, [p.line() for p in result.errors]
    assert _corner("ZD-02")[1] == pytest.approx(CORNERS[1], abs=1e-5)


def test_wkt_column_with_zone_prefixed_metres(tmp_path):
    wkt = shapely.to_wkt(_squares(), rounding_precision=3)
    lines = ["宗地编号,所属街道,用地面积,几何"]
    lines += [f'{code},金港街道,1,"{w}"' for (code, *_), w in zip(ROWS, wkt, strict=True)]
    path = tmp_path / "宗地.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]
    assert _corner("ZD-01")[1] == pytest.approx(CORNERS[0], abs=1e-5)


def test_layer_without_a_code_field_lists_fields_found_and_names_accepted(tmp_path):
    fields = {"BH": ["ZD-01", "ZD-02"], "MC": ["一号", "二号"]}
    shp = _shapefile(tmp_path / "shp", fields, _squares())
    result = run_import([parcels_csv(tmp_path / "宗地.csv", ROWS), shp])
    (error,) = result.errors
    assert error.value == "BH、MC"
    assert "ZDDM" in error.reason and "宗地代码" in error.reason and "宗地编号" in error.reason
    assert not ledger.Parcel.objects.exists()


def test_zip_with_shapefile_parts_only(tmp_path):
    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares())
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shp.parent.iterdir():
            out.write(part, part.name)  # UTF-8 names with the flag, at the top level
    (layer,) = read_inputs([archive]).layers
    assert layer.attributes["ZDMC"].to_list() == ["金港一号地块", "锦丰二号地块"]


def test_encoding_option_overrides_a_lying_cpg(tmp_path):
    shp = _shapefile(tmp_path / "shp", _gis_fields(), _squares())
    shp.with_suffix(".cpg").write_text("ISO-8859-1")
    (layer,) = read_inputs([shp], encoding="GBK").layers
    assert layer.attributes["ZDMC"].to_list() == ["金港一号地块", "锦丰二号地块"]
