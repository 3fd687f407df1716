import numpy as np
import pytest
import shapely

from landcycle.core.geometry import check_geographic_china, projected_areas_m2
from landcycle.demo.geography import STREETS, layout_parcels, street_counts


def polygons(parcels):
    coords = np.stack([parcels.lon, parcels.lat], axis=2)
    return np.array(
        [
            shapely.Polygon(c if five else c[:4])
            for c, five in zip(coords, parcels.pentagon, strict=True)
        ]
    )


@pytest.fixture(scope="module")
def parcels():
    return layout_parcels(2000, np.random.default_rng(2024))


def test_the_twelve_streets_of_seed_002():
    shorts = {s.short for s in STREETS}
    assert shorts == set("新碶 小港 大碶 柴桥 霞浦 戚家山 春晓 梅山 白峰 郭巨 保税 大榭".split())


def test_street_counts_sum_exactly():
    for n in (20, 2000, 99_999):
        counts = street_counts(n)
        assert counts.sum() == n and (counts >= 0).all()


def test_polygons_are_valid_and_never_overlap(parcels):
    shapes = polygons(parcels)
    assert shapely.is_valid(shapes).all()
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    touching = left != right
    assert touching.sum() == 0, f"{touching.sum()} pairs of parcels touch or overlap"


def test_parcels_lie_in_their_street_and_in_beilun(parcels):
    shapes = polygons(parcels)
    bounds = shapely.bounds(shapes)
    box = parcels.extents[parcels.street]
    eps = 1e-9
    assert (bounds[:, 0] >= box[:, 0] - eps).all() and (bounds[:, 2] <= box[:, 2] + eps).all()
    assert (bounds[:, 1] >= box[:, 1] - eps).all() and (bounds[:, 3] <= box[:, 3] + eps).all()
    assert bounds[:, 0].min() > 121.6 and bounds[:, 2].max() < 122.2
    assert bounds[:, 1].min() > 29.75 and bounds[:, 3].max() < 30.0
    for shape in shapes[:50]:
        check_geographic_china(shape)


def test_areas_are_half_to_fifteen_hectares_skewed_small_and_measured(parcels):
    ha = parcels.area_m2 / 10_000
    assert ha.min() >= 0.5 and ha.max() <= 15
    assert np.median(ha) < ha.mean() and (ha < 3).mean() > 0.6  # skewed toward small
    measured = projected_areas_m2(polygons(parcels))
    assert np.abs(measured / parcels.area_m2 - 1).max() < 1e-4
    assert 0 < parcels.pentagon.mean() < 0.2


def test_large_layouts_spread_streets_apart_without_overlap():
    big = layout_parcels(60_000, np.random.default_rng(7))
    boxes = big.extents
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            apart = (
                boxes[i, 2] < boxes[j, 0]
                or boxes[j, 2] < boxes[i, 0]
                or boxes[i, 3] < boxes[j, 1]
                or boxes[j, 3] < boxes[i, 1]
            )
            assert apart, (STREETS[i].name, STREETS[j].name)
    assert (np.diff(big.seq)[np.diff(big.street) == 0] == 1).all()
