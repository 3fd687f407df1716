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

import datetime as dt
from pathlib import Path
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


# ---- whole workbooks and CSV folders (the ledger export, the demo district) ----------------

EXCEL_MAX_ROWS = 1_048_576  # rows of an .xlsx sheet, header included (Excel's limit)
_MAX_WIDTH = 60  # widest column, in Excel character units


class WorkbookTooLarge(ValueError):
    """A table has more rows than an Excel sheet holds; write a CSV folder instead."""


def _width(frame: pl.DataFrame, column: str) -> float:
    """Display width of a column in Excel character units (CJK characters count double)."""
    sample = frame.get_column(column).head(2000).cast(pl.String).drop_nulls()
    texts = [column, *sample.to_list()]

    def measure(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    return min(_MAX_WIDTH, max(measure(t) for t in texts) + 2)


def write_workbook(
    tables: dict[str, pl.DataFrame],
    path: str | Path,
    title: str = "landcycle",
    created: dt.datetime | None = None,
) -> Path:
    """Write ``{sheet name: frame}`` as an .xlsx at ``path``, one sheet per table in the order
    given: a bold shaded header row, frozen, with an autofilter; columns as wide as their
    contents; dates as Excel dates (yyyy-mm-dd); text always as text (``open_workbook``).

    ``title`` and ``created`` go into the document properties (a fixed ``created`` makes the
    same tables give the same bytes; None = now). Returns ``path``. Raises WorkbookTooLarge,
    before writing anything, when a table has more rows than Excel's 1,048,575 (xlsxwriter
    would otherwise drop the rest silently).
    """
    path = Path(path)
    for name, frame in tables.items():
        if frame.height + 1 > EXCEL_MAX_ROWS:
            raise WorkbookTooLarge(
                f"工作表 {name} 有 {frame.height} 行，超过 Excel 上限 {EXCEL_MAX_ROWS - 1} 行 "
                f"sheet {name} has {frame.height} rows, more than Excel allows: write CSV instead"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = open_workbook(
        str(path),
        {
            "constant_memory": True,
            "default_date_format": "yyyy-mm-dd",  # write_row gives dates this format
        },
    )
    properties = {"title": title, "author": "landcycle"}
    if created is not None:
        properties["created"] = created
    workbook.set_properties(properties)
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    try:
        for name, frame in tables.items():
            sheet = workbook.add_worksheet(name)
            sheet.freeze_panes(1, 0)
            for col, column in enumerate(frame.columns):
                width = 12 if frame.schema[column] == pl.Date else _width(frame, column)
                sheet.set_column(col, col, width)
            sheet.write_row(0, 0, frame.columns, header)
            for r, row in enumerate(frame.iter_rows(), start=1):
                sheet.write_row(r, 0, row)
            sheet.autofilter(0, 0, max(frame.height, 1), max(len(frame.columns) - 1, 0))
    finally:
        workbook.close()
    return path


def write_csv_folder(tables: dict[str, pl.DataFrame], directory: str | Path) -> Path:
    """Write ``{sheet name: frame}`` as ``<directory>/<sheet name>.csv`` files: UTF-8 with a BOM
    (so Excel shows the Chinese), dates yyyy-mm-dd, text through ``csv_safe_frame``. Creates
    ``directory``; returns it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        csv_safe_frame(frame).write_csv(
            directory / f"{name}.csv", include_bom=True, date_format="%Y-%m-%d"
        )
    return directory
