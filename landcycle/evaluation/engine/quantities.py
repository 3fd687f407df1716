"""Quantities with units for policy thresholds.

Units come from ``landcycle.core.units``. Policies also need a few that are no quantity of the
ledger (time, a plain fraction, points); they are defined here with the same ``Unit`` type so
that ``RateUnit.convert_to`` works on them unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from landcycle.core.units import (
    Dimension,
    RateUnit,
    Unit,
    UnknownUnit,
    parse_unit,
)

# Extra dimensions are plain strings: Unit.dimension is only ever compared for equality.
DAY = Unit("day", "time", 1.0, ("天", "日", "day", "days"))  # type: ignore[arg-type]
YEAR = Unit("year", "time", 365.0, ("年", "year", "years"))  # type: ignore[arg-type]
FRACTION = Unit("fraction", Dimension.RATIO, 100.0, ("比值", "fraction", "ratio"))
POINTS = Unit("points", "score", 1.0, ("分", "points", "point"))  # type: ignore[arg-type]

_EXTRA: dict[str, Unit] = {}
for _unit in (DAY, YEAR, FRACTION, POINTS):
    for _name in (*_unit.names, _unit.key):
        _EXTRA[_name.lower()] = _unit

_COMPOUND = re.compile(r"^\s*(?P<num>[^/]+?)\s*/\s*(?P<den>[^/]+?)\s*$")


def _named(name: str) -> Unit:
    try:
        unit = parse_unit(name)
    except UnknownUnit:
        unit = _EXTRA.get(name.strip().lower())  # type: ignore[assignment]
        if unit is None:
            raise
    if isinstance(unit, RateUnit):
        raise UnknownUnit(f"unexpected compound unit {name!r}")
    return unit


def policy_unit(text: str) -> Unit | RateUnit:
    """Parse a unit as written in a policy file: ``亿元/公顷``, ``万元/亩``, ``元/千瓦时``, ``亩``."""
    if not isinstance(text, str) or not text.strip():
        raise UnknownUnit(f"unknown unit {text!r}")
    match = _COMPOUND.match(text)
    if match and "/" in text:
        return RateUnit(_named(match["num"]), _named(match["den"]))
    return _named(text)


def dimensions(unit: Unit | RateUnit) -> tuple[str, ...]:
    if isinstance(unit, RateUnit):
        return (str(unit.numerator.dimension), str(unit.denominator.dimension))
    return (str(unit.dimension),)


def convert_value(value: float, from_unit: Unit | RateUnit, to_unit: Unit | RateUnit) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit``; ValueError if the dimensions differ."""
    if dimensions(from_unit) != dimensions(to_unit):
        raise ValueError(f"cannot convert {from_unit.key} to {to_unit.key}")
    return value * from_unit.factor / to_unit.factor


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as a policy file gives it (``{ value = 3, unit = "亿元/公顷" }``)."""

    value: float
    unit: Unit | RateUnit
    unit_text: str

    def to(self, unit: Unit | RateUnit) -> float:
        return convert_value(self.value, self.unit, unit)

    @property
    def label(self) -> str:
        return f"{format_number(self.value)} {self.unit_text}"


def format_number(value: float) -> str:
    """1850 → '1850'; 3.5 → '3.5'; 0.0302 → '0.0302' (as the engine prints values)."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value)}"
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return text
