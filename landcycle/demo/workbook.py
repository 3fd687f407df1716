"""Write interchange sheets as an Excel workbook or a folder of CSV files, reproducibly.

The workbook is what an officer would keep: a bold shaded header, the first row frozen, columns
wide enough for their contents, dates as Excel dates. Its document properties carry a fixed
time, so the same tables always give the same bytes. The writing itself is
``landcycle.core.safe_output`` (shared with the ledger export).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from landcycle.core import safe_output
from landcycle.core.safe_output import EXCEL_MAX_ROWS, WorkbookTooLarge, write_csv_folder

__all__ = ["EXCEL_MAX_ROWS", "FIXED_TIME", "WorkbookTooLarge", "write_csv_folder", "write_workbook"]

FIXED_TIME = dt.datetime(2000, 1, 1)  # document timestamp: output must not depend on the clock


def write_workbook(tables: dict[str, pl.DataFrame], path: str | Path) -> Path:
    """The demo district's workbook: ``{sheet name: frame}`` → .xlsx at ``path`` (returned),
    one sheet per table in the order given, created at FIXED_TIME so equal tables give equal
    bytes. Raises WorkbookTooLarge past Excel's 1,048,575 rows."""
    return safe_output.write_workbook(
        tables, path, title="landcycle 示范数据 demo district", created=FIXED_TIME
    )
