import numpy as np
import pytest
from shapely.geometry import Polygon, box

from landcycle.core import geometry


def test_gauss_kruger_zone():
    assert geometry.gauss_kruger_epsg(121.85) == 4550  # CM 123E
    assert geometry.gauss_kruger_epsg(116.4) == 4548  # CM 117E (Beijing)


def test_projected_area_of_a_hectare():
    # ~100 m × ~100 m near Ningbo: 0.00104° of longitude ≈ 100 m at 29.9°N
    square = box(121.85, 29.9, 121.85 + 0.001036, 29.9 + 0.000902)
    assert geometry.projected_area_m2(square) == pytest.approx(10_000, rel=0.01)


def test_vectorised_areas_match_single():
    shapes = np.array(
        [box(121.8, 29.9, 121.801, 29.901), box(116.3, 39.9, 116.301, 39.901)], dtype=object
    )
    areas = geometry.projected_areas_m2(shapes)
    assert areas[0] == pytest.approx(geometry.projected_area_m2(shapes[0]))
    assert areas[1] < areas[0]  # a degree of longitude is shorter further north


def test_invalid_polygon_rejected():
    bowtie = Polygon([(121.8, 29.9), (121.81, 29.91), (121.81, 29.9), (121.8, 29.91)])
    with pytest.raises(geometry.GeometryError, match=r"几何无效：边自相交 \[121\.8"):
        geometry.check_polygon(bowtie)


def test_projected_coordinates_rejected():
    metres = box(40_500_000, 3_300_000, 40_500_100, 3_300_100)
    with pytest.raises(geometry.GeometryError, match="projected"):
        geometry.check_geographic_china(metres)


def test_point_outside_china_rejected():
    with pytest.raises(geometry.GeometryError, match="outside China"):
        geometry.check_geographic_china(box(2.35, 48.85, 2.36, 48.86))  # Paris


def test_parse_wkt_and_geojson():
    assert geometry.parse_geometry("POINT (121.8 29.9)").geom_type == "Point"
    gj = '{"type": "Polygon", "coordinates": [[[121.8, 29.9], [121.81, 29.9], [121.81, 29.91], [121.8, 29.9]]]}'
    assert geometry.parse_geometry(gj).geom_type == "Polygon"
    with pytest.raises(geometry.GeometryError):
        geometry.parse_geometry("POLYGON ((1 2")


def test_area_differs():
    assert geometry.area_differs(10_000, 10_600)
    assert not geometry.area_differs(10_000, 10_400)
    assert not geometry.area_differs(10_000, None)
