"""Units of area and money, and conversion to the ledger's canonical units.

The ledger stores every quantity in one canonical unit per dimension, and the field name says
which (``_m2``, ``_10k_cny``, ``_tce``, ``_t``). Conversions happen at the edges: imports read
the unit from a header such as ``用地面积 (公顷)``; exports and pages choose the unit to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    AREA = "area"
    MONEY = "money"
    ENERGY = "energy"
    MASS = "mass"
    COUNT = "count"
    RATIO = "ratio"
    ELECTRICITY = "electricity"
    VOLUME = "volume"
    TIME = "time"


@dataclass(frozen=True)
class Unit:
    key: str  # English key used in policy files and code
    dimension: Dimension
    factor: float  # multiply a value in this unit by factor to get the canonical unit
    names: tuple[str, ...]  # spellings accepted in headers (Chinese first)

    @property
    def label(self) -> str:
        return self.names[0]


# Canonical units: m2 for area, 万元 (10k CNY) for money, tce for energy, tonne for mass.
SQUARE_METRE = Unit("m2", Dimension.AREA, 1.0, ("平方米", "m2", "m²", "sqm", "㎡"))
MU = Unit("mu", Dimension.AREA, 10_000 / 15, ("亩", "mu"))
HECTARE = Unit("ha", Dimension.AREA, 10_000.0, ("公顷", "ha", "hectare"))
SQUARE_KILOMETRE = Unit("km2", Dimension.AREA, 1_000_000.0, ("平方公里", "km2", "km²"))
YUAN = Unit("yuan", Dimension.MONEY, 1e-4, ("元", "yuan", "cny"))
WAN_YUAN = Unit("10k_cny", Dimension.MONEY, 1.0, ("万元", "10k_cny", "wan_yuan", "10k cny"))
YI_YUAN = Unit("100m_cny", Dimension.MONEY, 10_000.0, ("亿元", "100m_cny", "yi_yuan", "100m cny"))
TCE = Unit("tce", Dimension.ENERGY, 1.0, ("吨标准煤", "tce", "吨标煤"))
TONNE = Unit("t", Dimension.MASS, 1.0, ("吨", "t", "tonne"))
PERSON = Unit("person", Dimension.COUNT, 1.0, ("人", "person", "persons"))
PERCENT = Unit("percent", Dimension.RATIO, 1.0, ("%", "percent", "百分比"))
KILOWATT_HOUR = Unit("kwh", Dimension.ELECTRICITY, 1.0, ("千瓦时", "kwh", "kWh", "度"))
# 用电量 is reported in 万千瓦时 (statistical tables, 亩均 data sheets); stored as kWh.
TEN_K_KWH = Unit("10k_kwh", Dimension.ELECTRICITY, 10_000.0, ("万千瓦时", "10k_kwh", "万度"))
TEN_K_TONNE = Unit("10k_t", Dimension.MASS, 10_000.0, ("万吨", "10k_t"))
# Time: factors in days, as the evaluation engine's units of the same names (terms are stored
# in years, the canonical unit below).
DAY = Unit("day", Dimension.TIME, 1.0, ("天", "日", "day", "days"))
YEAR = Unit("year", Dimension.TIME, 365.0, ("年", "year", "years"))
CUBIC_METRE = Unit("m3", Dimension.VOLUME, 1.0, ("立方米", "m3", "m³", "方"))

ALL_UNITS: tuple[Unit, ...] = (
    SQUARE_METRE,
    MU,
    HECTARE,
    SQUARE_KILOMETRE,
    YUAN,
    WAN_YUAN,
    YI_YUAN,
    TCE,
    TONNE,
    PERSON,
    PERCENT,
    KILOWATT_HOUR,
    TEN_K_KWH,
    TEN_K_TONNE,
    CUBIC_METRE,
    DAY,
    YEAR,
)
CANONICAL: dict[Dimension, Unit] = {
    Dimension.AREA: SQUARE_METRE,
    Dimension.MONEY: WAN_YUAN,
    Dimension.ENERGY: TCE,
    Dimension.MASS: TONNE,
    Dimension.COUNT: PERSON,
    Dimension.RATIO: PERCENT,
    Dimension.ELECTRICITY: KILOWATT_HOUR,
    Dimension.VOLUME: CUBIC_METRE,
    Dimension.TIME: YEAR,
}

_BY_NAME: dict[str, Unit] = {}
for _unit in ALL_UNITS:
    for _name in (*_unit.names, _unit.key):
        _BY_NAME[_name.lower()] = _unit


class UnknownUnit(ValueError):
    pass


def unit_named(name: str) -> Unit:
    """The unit spelled ``name`` (Chinese or English, case-insensitive)."""
    unit = _BY_NAME.get(name.strip().lower())
    if unit is None:
        raise UnknownUnit(f"unknown unit {name!r}")
    return unit


def to_canonical(value: float, unit: Unit) -> float:
    return value * unit.factor


def convert(value: float, from_unit: Unit, to_unit: Unit) -> float:
    if from_unit.dimension != to_unit.dimension:
        raise ValueError(f"cannot convert {from_unit.key} to {to_unit.key}")
    return value * from_unit.factor / to_unit.factor


# Compound units used by policies: money per area, money per energy, and so on.
_COMPOUND = re.compile(r"^\s*(?P<num>[^/]+?)\s*/\s*(?P<den>[^/]+?)\s*$")


@dataclass(frozen=True)
class RateUnit:
    """A unit such as 万元/公顷: ``numerator`` per ``denominator``."""

    numerator: Unit
    denominator: Unit

    @property
    def key(self) -> str:
        return f"{self.numerator.key}/{self.denominator.key}"

    @property
    def label(self) -> str:
        return f"{self.numerator.label}/{self.denominator.label}"

    @property
    def factor(self) -> float:
        """Multiply a value in this unit by factor to get canonical-numerator per canonical-denominator."""
        return self.numerator.factor / self.denominator.factor

    def convert_to(self, value: float, other: RateUnit) -> float:
        if (self.numerator.dimension, self.denominator.dimension) != (
            other.numerator.dimension,
            other.denominator.dimension,
        ):
            raise ValueError(f"cannot convert {self.key} to {other.key}")
        return value * self.factor / other.factor


def parse_unit(text: str) -> Unit | RateUnit:
    """Parse ``亩``, ``万元/公顷``, ``10k_cny/ha`` and the like."""
    match = _COMPOUND.match(text)
    if match and "/" in text:
        return RateUnit(unit_named(match["num"]), unit_named(match["den"]))
    return unit_named(text)


_HEADER_UNIT = re.compile(r"^(?P<base>.*?)\s*[（(]\s*(?P<unit>[^()（）]+?)\s*[)）]\s*$")


def split_header(header: str) -> tuple[str, str | None]:
    """``'用地面积 (公顷)'`` → ``('用地面积', '公顷')``; a header without a unit → ``(header, None)``."""
    text = str(header).strip()
    match = _HEADER_UNIT.match(text)
    if not match:
        return text, None
    return match["base"].strip(), match["unit"].strip()


def format_quantity(value: float | None, unit: Unit | RateUnit, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f} {unit.label}"


def m2_to_ha(value: float | None) -> float | None:
    """Square metres → hectares (None stays None)."""
    return None if value is None else convert(value, SQUARE_METRE, HECTARE)
