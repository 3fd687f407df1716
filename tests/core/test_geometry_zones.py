"""Gauss–Krüger coordinates as surveyors write them: zone prefix, northing first, bare metres."""

import numpy as np
import pytest
import shapely
from pyproj import CRS

from landcycle.core import geometry as geo


@pytest.mark.parametrize("zone, epsg", [(25, 4513), (39, 4527), (45, 4533), (13, 4491), (23, 4501)])
def test_zone_epsg_matches_the_registry(zone, epsg):
    assert geo.zone_epsg(zone) == epsg
    crs = CRS.from_epsg(epsg)
    assert "CGCS2000" in crs.name and f"zone {zone}" in crs.name
    false_easting = next(p.value for p in crs.coordinate_operation.params if "easting" in p.name)
    assert false_easting == zone * 1_000_000 + 500_000


@pytest.mark.parametrize("zone", [0, 12, 24, 46, 99])
def test_numbers_that_are_no_cgcs2000_zone(zone):
    assert geo.zone_epsg(zone) is None


BOX = (39_512_000.0, 3_310_000.0, 39_512_100.0, 3_310_100.0)  # zone 39, ~29.9°N 117.1°E


@pytest.mark.parametrize(
    "bounds, epsg, swapped",
    [
        (BOX, 4527, False),
        ((BOX[1], BOX[0], BOX[3], BOX[2]), 4527, True),  # X = northing first
        ((20_512_000.0, 4_410_000.0, 20_512_100.0, 4_410_100.0), 4498, False),  # 6° zone 20
    ],
)
def test_zone_prefixed_metres_are_recognised(bounds, epsg, swapped):
    guess = geo.guess_projected(bounds)
    assert (guess.epsg, guess.swapped) == (epsg, swapped)
    assert f"EPSG:{epsg}" in guess.reason


@pytest.mark.parametrize(
    "bounds, words",
    [
        ((512_000.0, 3_310_000.0, 512_100.0, 3_310_100.0), ["不带带号", "--crs", "4534"]),
        ((3_310_000.0, 512_000.0, 3_310_100.0, 512_100.0), ["northing first", "--crs"]),
        ((1e9, 1.0, 2e9, 2.0), ["--crs", "not longitude/latitude"]),
    ],
)
def test_metres_without_zone_are_refused_saying_what_fits(bounds, words):
    guess = geo.guess_projected(bounds)
    assert guess.epsg is None and all(w in guess.reason for w in words)


def test_degrees_are_left_alone():
    assert geo.guess_projected((117.0, 31.0, 117.1, 31.1)) is None


def test_recognise_projection_converts_each_geometry_on_its_own():
    degrees = shapely.box(117.0, 31.0, 117.001, 31.001)
    metres = shapely.box(*BOX)
    northing_first = shapely.box(BOX[1], BOX[0], BOX[3], BOX[2])
    bare = shapely.box(512_000, 3_310_000, 512_100, 3_310_100)
    geometries = np.array([degrees, metres, northing_first, bare], dtype=object)
    out, notes, refused = geo.recognise_projection(geometries, geo.CGCS2000)
    assert out[0] is degrees
    assert shapely.hausdorff_distance(out[1], out[2]) < 1e-9  # same square either order
    west, south = out[1].bounds[:2]
    # Easting 512 000 m in zone 39 lies 12 km east of 117°E: ~0.124° at 29.9°N.
    assert 117.12 < west < 117.13 and 29.9 < south < 29.91
    assert list(refused) == [3] and "--crs" in refused[3]
    assert len(notes) == 2  # one per zone and axis order


def test_projected_crs_with_swapped_axes_is_swapped():
    square = shapely.box(512_000, 3_310_000, 512_100, 3_310_100)
    swapped = geo.swap_xy(np.array([square], dtype=object))
    out, notes, refused = geo.recognise_projection(swapped, 4548)
    assert shapely.hausdorff_distance(out[0], square) < 1e-6
    assert notes and not refused
    out, notes, _ = geo.recognise_projection(np.array([square], dtype=object), 4548)
    assert out[0] is square and not notes
