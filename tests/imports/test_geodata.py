import json

import numpy as np
import pyogrio
import pytest
import shapely

from landcycle.core.geometry import to_cgcs2000
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db


def _without_geometry(sheets):
    rows = sheets["宗地"]
    index = rows[0].index("几何")
    for row in rows:
        del row[index]
    return sheets


def _squares_4549(n):
    """Squares given in CGCS2000 / 3-degree GK CM 120E (EPSG:4549), metres, near Ningbo."""
    geometries = np.array(
        [shapely.box(700_000 + 200 * i, 3_310_000, 700_105 + 200 * i, 3_310_105) for i in range(n)],
        dtype=object,
    )
    return geometries


def test_gpkg_with_declared_crs_is_reprojected(tmp_path):
    sheets = _without_geometry(district(3))
    path = tmp_path / "parcels.gpkg"
    geometries = _squares_4549(3)
    pyogrio.raw.write(
        path,
        geometry=shapely.to_wkb(geometries),
        field_data=[
            np.array(["BL0000", "BL0001", "BL0002"], dtype=object),
            np.array(["甲", "乙", "丙"], dtype=object),
        ],
        fields=["宗地编号", "测绘单位"],
        geometry_type="Polygon",
        crs="EPSG:4549",
        driver="GPKG",
    )
    result = run_import([write_xlsx(tmp_path / "d.xlsx", sheets), path])
    assert result.ok, [p.line() for p in result.errors]
    parcel = ledger.Parcel.objects.get(code="BL0001")
    expected = to_cgcs2000(geometries[1:2], 4549)[0]
    assert shapely.equals_exact(shapely.from_wkt(parcel.geometry_wkt), expected, tolerance=1e-7)
    assert parcel.computed_area_m2 == pytest.approx(105 * 105, rel=0.002)
    assert 121 < parcel.min_lon < 123 and 29 < parcel.min_lat < 31
    assert parcel.extra["测绘单位"] == "乙"
    # 11,025 m² drawn vs 11,100 m² registered: within 5 %, no warning.
    assert not result.warnings
    # Again: nothing changes.
    again = run_import([write_xlsx(tmp_path / "d.xlsx", sheets), path])
    assert again.counts["geometry"].updated == 0 and again.counts["geometry"].unchanged == 3


def test_geojson_without_crs_takes_the_crs_option(tmp_path):
    run_import([write_xlsx(tmp_path / "d.xlsx", _without_geometry(district(2)))])
    features = [
        {
            "type": "Feature",
            "properties": {"宗地编号": f"BL000{i}"},
            "geometry": shapely.geometry.mapping(g),
        }
        for i, g in enumerate(_squares_4549(2))
    ]
    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    # As degrees the metres are nowhere: the error says so.
    bad = run_import([path])
    assert not bad.ok and "not longitude/latitude" in bad.errors[0].reason
    assert bad.errors[0].sheet == "parcels.geojson" and bad.errors[0].row == 1
    result = run_import([path], crs=4549)
    assert result.ok, [p.line() for p in result.errors]
    assert result.counts["geometry"].updated == 2
    assert ledger.Parcel.objects.get(code="BL0000").computed_area_m2 == pytest.approx(
        11_025, rel=0.002
    )


def test_geodata_for_an_unknown_parcel_is_an_error(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"宗地编号": "NOPE"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[121.8, 29.9], [121.801, 29.9], [121.801, 29.901], [121.8, 29.9]]],
            },
        }
    ]
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = run_import([path])
    assert [(p.sheet, p.row, p.value) for p in result.errors] == [("p.geojson", 1, "NOPE")]
