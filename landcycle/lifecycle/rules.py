"""The lifecycle rules file (``rules.toml``): periods and thresholds with their units.

Code asks for a named rule (``rules().period("exit", "interview_within")``) and gets a value in
the unit it needs; nothing in code repeats a number from the policies.
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from landcycle.core.units import RateUnit, Unit, parse_unit

RULES_PATH = Path(__file__).with_name("rules.toml")
PERIOD_UNITS = ("working_days", "days", "months", "years")


class RulesError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A span of time as the policy states it, e.g. 3 working days or 6 months."""

    value: int
    unit: str  # one of PERIOD_UNITS

    def __post_init__(self):
        if self.unit not in PERIOD_UNITS:
            raise RulesError(f"unknown period unit {self.unit!r} (use one of {PERIOD_UNITS})")
        if int(self.value) != self.value or self.value < 0:
            raise RulesError(f"a period is a whole non-negative number, not {self.value!r}")

    @property
    def label(self) -> str:
        names = {"working_days": "个工作日", "days": "日", "months": "个月", "years": "年"}
        return f"{self.value}{names[self.unit]}"


class Rules:
    def __init__(self, data: dict, source: str = ""):
        self.data = data
        self.source = source

    def section(self, name: str) -> dict:
        try:
            return self.data[name]
        except KeyError:
            raise RulesError(f"{self.source}: no [{name}] section") from None

    def get(self, section: str, key: str):
        value = self.section(section)
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                raise RulesError(f"{self.source}: no {section}.{key}")
            value = value[part]
        return value

    def period(self, section: str, key: str) -> Period:
        raw = self.get(section, key)
        if not isinstance(raw, dict) or "value" not in raw or "unit" not in raw:
            raise RulesError(f"{self.source}: {section}.{key} must be {{value, unit}}")
        return Period(int(raw["value"]), str(raw["unit"]))

    def quantity(self, section: str, key: str, unit: str) -> float:
        """The value of ``section.key`` converted to ``unit`` (e.g. ``10k_cny/ha``)."""
        raw = self.get(section, key)
        if not isinstance(raw, dict) or "value" not in raw or "unit" not in raw:
            raise RulesError(f"{self.source}: {section}.{key} must be {{value, unit}}")
        return convert_quantity(float(raw["value"]), str(raw["unit"]), unit)


def convert_quantity(value: float, from_unit: str, to_unit: str) -> float:
    source, target = parse_unit(from_unit), parse_unit(to_unit)
    if isinstance(source, RateUnit) and isinstance(target, RateUnit):
        return source.convert_to(value, target)
    if isinstance(source, Unit) and isinstance(target, Unit):
        if source.dimension != target.dimension:
            raise RulesError(f"cannot convert {from_unit} to {to_unit}")
        return value * source.factor / target.factor
    raise RulesError(f"cannot convert {from_unit} to {to_unit}")


def load_rules(path: Path | str | None = None) -> Rules:
    path = Path(path or os.environ.get("LANDCYCLE_LIFECYCLE_RULES") or RULES_PATH)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path}: {exc}") from exc
    return Rules(data, str(path))


@functools.cache
def rules() -> Rules:
    """The rules in force (cached; tests pass their own ``Rules`` where they vary a number)."""
    return load_rules()
