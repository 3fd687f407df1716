"""Cells as text: every reader turns its values into Utf8 columns the same way."""

from __future__ import annotations

import datetime as dt

import polars as pl

from .shapes import ROW


def cell_text(value) -> str | None:
    """A cell as text: integral floats without '.0', dates in ISO form, empty as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _text(value) -> str | None:
    # Most cells are text: take the short path for them.
    if value.__class__ is str:
        return value.strip() or None
    return cell_text(value)


def _column_text(name: str, values) -> pl.Series:
    """One column's cells as text; all-number and all-date columns are formatted by Polars."""
    kinds = set(map(type, values))
    filled = [None if v.__class__ is str and not v.strip() else v for v in values]
    kinds_filled = set(map(type, filled)) - {type(None)}
    if kinds <= {str, type(None)}:
        return pl.Series(name, [_text(v) for v in values], dtype=pl.Utf8)
    if kinds_filled and kinds_filled <= {float, int}:
        numbers = pl.Series(name, filled, dtype=pl.Float64, strict=False)
        integral = (numbers == numbers.floor()) & (numbers.abs() < 1e15)
        return pl.select(
            pl.when(integral)
            .then(numbers.cast(pl.Int64, strict=False).cast(pl.Utf8))
            .otherwise(numbers.cast(pl.Utf8))
            .alias(name)
        ).to_series()
    if kinds_filled == {dt.date}:
        return pl.Series(name, filled, dtype=pl.Date).dt.strftime("%Y-%m-%d")
    return pl.Series(name, [cell_text(v) for v in values], dtype=pl.Utf8)


def _frame(headers: list[str], rows: list[list], first_row: int) -> pl.DataFrame:
    """Text frame of data rows; wholly empty rows are dropped but keep their numbering."""
    width = len(headers)
    columns = list(zip(*rows, strict=False)) if rows else []
    data = {}
    for i in range(width):
        values = columns[i] if i < len(columns) else (None,) * len(rows)
        data[f"c{i}"] = _column_text(f"c{i}", values)
    data[ROW] = pl.Series(ROW, range(first_row, first_row + len(rows)), dtype=pl.Int64)
    frame = pl.DataFrame(data)
    if width:
        frame = frame.filter(pl.any_horizontal(pl.col(f"c{i}").is_not_null() for i in range(width)))
    return frame


def _headers(values: list) -> list[str]:
    headers = [cell_text(v) or "" for v in values]
    while headers and not headers[-1]:
        headers.pop()
    return headers
