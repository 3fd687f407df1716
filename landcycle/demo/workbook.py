"""Write interchange sheets as an Excel workbook or a folder of CSV files, reproducibly.

The workbook is what an officer would keep: a bold shaded header, the first row frozen, columns
wide enough for their contents, dates as Excel dates. Its document properties carry a fixed
time, so the same tables always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from landcycle.core.safe_output import csv_safe_frame, open_workbook

EXCEL_MAX_ROWS = 1_048_576
FIXED_TIME = dt.datetime(2000, 1, 1)  # document timestamp: output must not depend on the clock
_MAX_WIDTH = 60


class WorkbookTooLarge(ValueError):
    pass


def _width(frame: pl.DataFrame, column: str) -> float:
    """Display width of a column in Excel character units (CJK characters count double)."""
    sample = frame.get_column(column).head(2000).cast(pl.String).drop_nulls()
    texts = [column, *sample.to_list()]

    def measure(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    return min(_MAX_WIDTH, max(measure(t) for t in texts) + 2)


def write_workbook(tables: dict[str, pl.DataFrame], path: str | Path) -> Path:
    """One sheet per table, in the order given. Raises WorkbookTooLarge past Excel's rows."""
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
    workbook.set_properties(
        {"title": "landcycle 示范数据 demo district", "author": "landcycle", "created": FIXED_TIME}
    )
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    for name, frame in tables.items():
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for col, column in enumerate(frame.columns):
            dtype = frame.schema[column]
            width = 12 if dtype == pl.Date else _width(frame, column)
            sheet.set_column(col, col, width)
        sheet.write_row(0, 0, frame.columns, header)
        for r, row in enumerate(frame.iter_rows(), start=1):
            sheet.write_row(r, 0, row)
        sheet.autofilter(0, 0, max(frame.height, 1), max(len(frame.columns) - 1, 0))
    workbook.close()
    return path


def write_csv_folder(tables: dict[str, pl.DataFrame], directory: str | Path) -> Path:
    """One ``<sheet>.csv`` per table, UTF-8 with a BOM so Excel shows the Chinese correctly."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        csv_safe_frame(frame).write_csv(
            directory / f"{name}.csv", include_bom=True, date_format="%Y-%m-%d"
        )
    return directory
