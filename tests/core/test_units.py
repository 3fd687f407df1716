import pytest

from landcycle.core import units


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("用地面积 (公顷)", ("用地面积", "公顷")),
        ("用地面积（亩）", ("用地面积", "亩")),
        ("用地面积", ("用地面积", None)),
        ("area (m2)", ("area", "m2")),
    ],
)
def test_split_header(header, expected):
    assert units.split_header(header) == expected


def test_area_conversions():
    assert units.to_canonical(1, units.HECTARE) == 10_000
    assert units.convert(1, units.HECTARE, units.MU) == pytest.approx(15)
    assert units.convert(15, units.MU, units.SQUARE_METRE) == pytest.approx(10_000)


def test_money_conversions():
    assert units.to_canonical(1, units.YI_YUAN) == 10_000
    assert units.to_canonical(10_000, units.YUAN) == pytest.approx(1)


def test_rate_unit_conversion():
    per_ha = units.parse_unit("万元/公顷")
    per_mu = units.parse_unit("万元/亩")
    assert per_ha.convert_to(3000, per_mu) == pytest.approx(200)
    assert units.parse_unit("亿元/公顷").convert_to(3, per_ha) == pytest.approx(30_000)


def test_unknown_unit():
    with pytest.raises(units.UnknownUnit):
        units.unit_named("斤")
    with pytest.raises(ValueError):
        units.convert(1, units.MU, units.YUAN)
