"""Numbers as officers type them: separators, full width, spaces and a unit in the cell."""

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landcycle.core import units
from landcycle.imports.values import parse_number_text, parse_numbers

AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False).map(float)
BY_DIMENSION: dict = {}
for _unit in units.ALL_UNITS:
    BY_DIMENSION.setdefault(_unit.dimension, []).append(_unit)


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _close(a, b):
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@given(AMOUNTS)
def test_separators_width_and_spaces(x):
    texts = [
        repr(x),
        f"{x:,}",
        f"{x:,}".replace(",", "，"),
        f"{x:,}".replace(",", " "),
        _wide(repr(x)),
        _wide(f"{x:,}"),
        f"  {x} ",
    ]
    parsed = parse_numbers(pl.Series("n", texts), units.HECTARE)
    assert parsed.error.null_count() == len(texts), list(zip(texts, parsed.error, strict=True))
    assert all(_close(v, x) for v in parsed.value), list(zip(texts, parsed.value, strict=True))


@given(AMOUNTS, st.sampled_from([u for u in units.ALL_UNITS]), st.data())
def test_unit_in_cell_converted_into_the_column_unit(x, cell_unit, data):
    target = data.draw(st.sampled_from(BY_DIMENSION[cell_unit.dimension]))
    # Keys such as 10k_cny start with digits: they are for files we write, not for cells.
    name = data.draw(st.sampled_from([n for n in cell_unit.names if not n[0].isdigit()]))
    texts = [f"{x}{name}", f"{x:,} {name}", _wide(f"{x}") + name]
    parsed = parse_numbers(pl.Series("n", texts), target)
    expected = x * cell_unit.factor / target.factor
    assert parsed.error.null_count() == 3, list(parsed.error)
    assert all(_close(v, expected) for v in parsed.value)
    assert parsed.unit.to_list() == [cell_unit.key] * 3


@given(AMOUNTS, st.sampled_from(units.ALL_UNITS), st.sampled_from(units.ALL_UNITS))
def test_unit_of_another_dimension_is_refused(x, cell_unit, target):
    if cell_unit.dimension == target.dimension:
        return
    parsed = parse_numbers(pl.Series("n", [f"{x}{cell_unit.label}"]), target)
    assert parsed.value[0] is None
    assert parsed.error[0].startswith("单位不符") and target.label in parsed.error[0]


@pytest.mark.parametrize(
    "text, unit, expected",
    [
        ("12.5亩", units.HECTARE, 12.5 / 15),
        ("12.5亩", units.SQUARE_METRE, 12.5 * 10_000 / 15),
        ("3,000万元", units.WAN_YUAN, 3000.0),
        ("3,000万元", units.YUAN, 30_000_000.0),
        ("1.2亿元", units.WAN_YUAN, 12_000.0),
        ("35%", units.PERCENT, 35.0),
        ("35 ％", units.PERCENT, 35.0),
        ("0.5公顷", units.SQUARE_METRE, 5000.0),
        ("500平方米", units.HECTARE, 0.05),
        ("500㎡", units.SQUARE_METRE, 500.0),
        ("１２．５", None, 12.5),
        ("3，000", None, 3000.0),
        ("-1.5", None, -1.5),
        ("1.2e3", None, 1200.0),
    ],
)
def test_examples(text, unit, expected):
    assert _close(parse_number_text(text, unit), expected)


@pytest.mark.parametrize(
    "text, unit, reason",
    [
        ("12.5 kg", units.HECTARE, "未知单位"),
        ("12.5亩", None, "此列不带单位"),
        ("35%", units.HECTARE, "单位不符"),
        ("1,23", None, "不是数字"),
        ("1,2345", None, "不是数字"),
        ("12.5.1", None, "不是数字"),
        ("abc", units.HECTARE, "不是数字"),
        ("inf", None, "不是数字"),
        ("nan", None, "不是数字"),
        ("约12", None, "不是数字"),
        ("亩12", units.HECTARE, "不是数字"),
    ],
)
def test_refusals_say_why(text, unit, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number_text(text, unit)


def test_unknown_unit_names_the_accepted_ones():
    error = parse_numbers(pl.Series("n", ["3 公斤"]), units.HECTARE).error[0]
    assert "平方米" in error and "亩" in error and "公顷" in error


def test_blank_and_order_kept_on_the_fast_and_slow_paths():
    raw = pl.Series("n", ["1", None, "2,000", "3", "4亩", None])
    parsed = parse_numbers(raw, units.MU)
    assert parsed.value.to_list() == [1.0, None, 2000.0, 3.0, 4.0, None]
    assert parsed.error.null_count() == 6
    assert parse_numbers(pl.Series("n", ["1", None]), None).value.to_list() == [1.0, None]
    assert parse_number_text(None) is None and parse_number_text(" ") is None


@pytest.mark.parametrize(
    "typed", ["—", "——", "-", "--", "/", "／", "无", "暂无", "N/A", "n/a", "#N/A"]
)
def test_no_data_placeholders_read_as_blank_with_a_warning(typed):
    parsed = parse_numbers(pl.Series("x", [typed, "12"]), units.HECTARE)
    assert parsed.value.to_list() == [None, 12.0]
    assert parsed.error.to_list() == [None, None]
    assert f"「{typed}」表示无数据" in parsed.warning[0] and parsed.warning[1] is None


def test_a_placeholder_inside_other_text_is_still_an_error():
    parsed = parse_numbers(pl.Series("x", ["无数据12", "-12", "12-"]))
    assert parsed.value.to_list() == [None, -12.0, None]
    assert parsed.error[0] is not None and parsed.error[2] is not None
