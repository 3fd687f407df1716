"""Spreadsheet output that never runs what users typed (CSV and formula injection, OWASP).

Every export goes through here: xlsx files are opened with ``open_workbook`` (text is written as
text, never as a formula, a link or a number), CSV text cells pass through ``csv_text`` or
``csv_safe_frame`` (a text beginning with ``= + - @``, tab or CR gets a leading ``'``, which
spreadsheet programs take as "this is text"). The import drops that mark again
(``restore_csv_text``), so exporting and re-importing keeps every name exactly.

A text that already begins with ``'`` gets a second one, so a name like ``'=x`` survives the
round trip too; a hand-written ``'abc`` is not marked and is kept as it is.
"""

from __future__ import annotations

from typing import Any

import polars as pl

# First characters that make Excel, WPS or LibreOffice read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
_MARKED = FORMULA_STARTS + (TEXT_MARK,)
_NEEDS_MARK = r"^[=+\-@\t\r']"
# A reader that turns CR into LF (line ends) leaves '\n where we wrote '\r: a mark too.
_HAS_MARK = r"^'[=+\-@\t\r\n']"
_UNMARKED = (*_MARKED, "\n")

# xlsxwriter options: text stays text (no formulas, no hyperlinks, no numbers from digits).
XLSX_TEXT_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
# What Polars sets when it opens a workbook itself; pass these when handing it ours.
XLSX_FRAME_OPTIONS = {"nan_inf_to_errors": True, "default_date_format": "yyyy-mm-dd"}


def open_workbook(target: Any, options: dict | None = None):
    """An ``xlsxwriter.Workbook`` on ``target`` (path or BytesIO) that writes text as text.

    ``options`` are further xlsxwriter options; the text options always win over them.
    """
    import xlsxwriter

    return xlsxwriter.Workbook(target, {**(options or {}), **XLSX_TEXT_OPTIONS})


def csv_text(value: Any) -> Any:
    """One CSV cell: a text beginning with ``= + - @``, tab, CR or ``'`` gets a leading ``'``;
    anything else (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(_MARKED):
        return TEXT_MARK + value
    return value


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``csv_text`` applied to every text column (categoricals become text) and
    to the column names; numeric, date and boolean columns are left as they are."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
            column = pl.col(name).cast(pl.String)
            exprs.append(
                pl.when(column.str.contains(_NEEDS_MARK))
                .then(pl.lit(TEXT_MARK) + column)
                .otherwise(column)
                .alias(name)
            )
    frame = frame.with_columns(exprs) if exprs else frame
    # Headers too: extra columns are named by users.
    return frame.rename({name: csv_text(name) for name in frame.columns})


def restore_csv_text(column: pl.Expr) -> pl.Expr:
    """The import's inverse of ``csv_text`` on a text column: ``'=1+1`` → ``=1+1``, ``''x`` →
    ``'x``; a ``'`` before any other character is part of the value and stays."""
    return pl.when(column.str.contains(_HAS_MARK)).then(column.str.slice(1)).otherwise(column)


def restore_csv_value(text: str) -> str:
    """``restore_csv_text`` for one value (a CSV header)."""
    return text[1:] if text.startswith(TEXT_MARK) and text[1:].startswith(_UNMARKED) else text
