"""Numbers as officers type them, with the unit written in the cell.

Accepted: ``3000``, ``3,000`` / ``3，000`` (thousands separators in groups of three), full-width
digits and punctuation (``１２．５``), spaces anywhere (``3 000``, ``12.5 亩``), and a unit after
the number (``12.5亩``, ``3,000万元``, ``35%``, ``0.5公顷``, ``500平方米``) converted by that unit
into the unit the caller reads in (the header's unit, else the column's default; see
``landcycle.core.units``). A unit of another dimension, an unknown unit, or a unit in a column
without one is refused, naming the units accepted. Clean numbers take a fast vectorised path;
the rest are read once per distinct value. What officers type for "no data" (—, /, 无, N/A …;
``data/blank_placeholders.csv``) is read as blank with a warning, not refused and never a zero.
"""

from __future__ import annotations

import csv
from functools import cache, lru_cache
from pathlib import Path

import polars as pl

from landcycle.core import units

from .common import Parsed, fold_width, per_distinct

DIMENSION_NAMES = {
    units.Dimension.AREA: "面积",
    units.Dimension.MONEY: "金额",
    units.Dimension.ENERGY: "能耗",
    units.Dimension.MASS: "质量",
    units.Dimension.COUNT: "人数",
    units.Dimension.RATIO: "比例",
    units.Dimension.ELECTRICITY: "电量",
    units.Dimension.VOLUME: "体积",
}

_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_SPLIT = rf"^({_NUMBER})(.*)$"


PLACEHOLDER_FILE = Path(__file__).with_name("data") / "blank_placeholders.csv"


@cache
def blank_placeholders() -> frozenset[str]:
    """The texts read as "no data" in a number cell (``data/blank_placeholders.csv``, compared
    after full-width folding and stripping, upper-cased)."""
    with PLACEHOLDER_FILE.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["text"].strip().upper() for row in csv.DictReader(handle))


def _dimension_name(dimension) -> str:
    return DIMENSION_NAMES.get(dimension, str(dimension))


def accepted_units(unit: units.Unit) -> str:
    """The spellings of the units of ``unit``'s dimension, for messages: 平方米、亩、公顷…"""
    names = [u.label for u in units.ALL_UNITS if u.dimension == unit.dimension]
    return "、".join(names)


@lru_cache(maxsize=1024)
def _unit_reading(text: str, target: units.Unit | None) -> tuple[float | None, str | None, str]:
    """(factor into ``target``, error, unit key) for the unit text written after a number."""
    if not text:
        return 1.0, None, ""
    if text[0] in "0123456789,.":
        return None, "不是数字 not a number (分隔符位置不对？misplaced separator?)", ""
    if target is None:
        return None, f"此列不带单位 this column takes no unit (“{text}”)", ""
    try:
        unit = units.unit_named(text)
    except units.UnknownUnit:
        return (
            None,
            f"未知单位“{text}” unknown unit {text!r}；此列单位为{target.label}，"
            f"可用 accepted: {accepted_units(target)}",
            "",
        )
    if unit.dimension != target.dimension:
        return (
            None,
            f"单位不符：“{text}”是{_dimension_name(unit.dimension)}单位，此列为"
            f"{_dimension_name(target.dimension)}（{target.label}） unit {text!r} is not a unit of "
            f"{target.dimension}; accepted: {accepted_units(target)}",
            "",
        )
    return unit.factor / target.factor, None, unit.key


def _parse_slow(target: units.Unit | None):
    expected = "可写 12.5、3,000、１２．５" + ("、12.5亩、3,000万元、35%" if target else "")

    def parse(frame: pl.DataFrame) -> pl.DataFrame:
        text = fold_width(pl.col("s")).str.replace_all(r"\s+", "")
        parts = text.str.extract_groups(_SPLIT)  # one regex pass for both parts
        frame = frame.with_columns(parts.alias("parts")).with_columns(
            pl.col("parts").struct.field("1").alias("number"),
            pl.col("parts").struct.field("2").alias("unit_text"),
        )
        readings = {u: _unit_reading(u, target) for u in frame["unit_text"].drop_nulls().unique()}
        factor = pl.col("unit_text").replace_strict(
            {u: r[0] for u, r in readings.items()}, default=None, return_dtype=pl.Float64
        )
        unit_error = pl.col("unit_text").replace_strict(
            {u: r[1] for u, r in readings.items()}, default=None, return_dtype=pl.Utf8
        )
        unit_key = pl.col("unit_text").replace_strict(
            {u: r[2] or None for u, r in readings.items()}, default=None, return_dtype=pl.Utf8
        )
        number = pl.col("number").str.replace_all(",", "").cast(pl.Float64, strict=False)
        error = (
            pl.when(number.is_null() | ~number.is_finite())
            .then(pl.lit(f"不是数字 not a number；{expected}"))
            .otherwise(unit_error)
        )
        return frame.select(
            "s",
            pl.when(error.is_null()).then(number * factor).alias("value"),
            error.alias("error"),
            pl.when(error.is_null()).then(unit_key).alias("unit"),
        )

    return parse


def parse_numbers(raw: pl.Series, unit: units.Unit | None = None) -> Parsed:
    """Utf8 cells → ``Parsed``: ``value`` Float64 in ``unit`` (a unit written in a cell is
    converted into it; with ``unit`` None a unit in a cell is an error), ``unit`` the key of the
    unit written in the cell (null if none), ``error`` per row."""
    fast = raw.cast(pl.Float64, strict=False)
    fine = fast.is_not_null() & fast.is_finite()
    slow = raw.is_not_null() & ~fine
    empty = pl.Series("x", dtype=pl.Utf8).extend_constant(None, len(raw))
    if not slow.any():
        return Parsed(
            fast.alias(raw.name),
            empty.alias("error"),
            empty.alias("warning"),
            unit=empty.alias("unit"),
        )
    folded = pl.select(fold_width(pl.lit(raw)).str.to_uppercase()).to_series()
    blank = slow & folded.is_in(list(blank_placeholders()))
    rest = pl.select(pl.when(slow & ~blank).then(raw)).to_series()
    frame = per_distinct(
        rest, _parse_slow(unit), {"value": pl.Float64, "error": pl.Utf8, "unit": pl.Utf8}
    )
    value = pl.select(pl.when(fine).then(fast).otherwise(frame["value"])).to_series()
    warning = pl.select(
        pl.when(blank).then(
            pl.lit("「") + raw + pl.lit("」表示无数据，按空白处理 read as blank (no data)")
        )
    ).to_series()
    return Parsed(
        value.alias(raw.name), frame["error"], warning.alias("warning"), unit=frame["unit"]
    )


def parse_number_text(text: str | None, unit: units.Unit | None = None) -> float | None:
    """One value as typed → a float in ``unit`` (None when blank); raises ``ValueError`` with
    the reason (Chinese first) when it is not a number or its unit does not fit."""
    if text is None or not str(text).strip():
        return None
    parsed = parse_numbers(pl.Series("n", [str(text)]), unit)
    if parsed.error[0] is not None:
        raise ValueError(parsed.error[0])
    return parsed.value[0]
