"""Readers: workbooks (python-calamine), CSV folders (Polars) and geodata (pyogrio) → text frames.

Every reader yields all cells as text (or null) with ``_row``, the row number a user sees in the
spreadsheet (header = row 1), so validation treats every source alike and reports positions the
user can find. One module per kind of source: ``cells`` (cell → text), ``workbook``, ``delimited``
(CSV), ``geodata``; this module holds the shared shapes and the dispatch by file kind.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from landcycle.core.safe_output import _MARKED, restore_csv_text

from ..errors import ImportProblem
from .cells import _column_text, _frame, _headers, cell_text
from .delimited import read_csv
from .geodata import read_geodata
from .shapes import (
    CSV_SUFFIXES,
    GEODATA_SUFFIXES,
    ROW,
    WORKBOOK_SUFFIXES,
    GeoLayer,
    Inputs,
    RawSheet,
)
from .workbook import read_workbook

__all__ = [
    "CSV_SUFFIXES",
    "GEODATA_SUFFIXES",
    "ROW",
    "WORKBOOK_SUFFIXES",
    "GeoLayer",
    "Inputs",
    "RawSheet",
    "_column_text",
    "_frame",
    "_headers",
    "cell_text",
    "read_csv",
    "read_geodata",
    "read_inputs",
    "read_workbook",
]


def read_inputs(paths: list[Path]) -> Inputs:
    inputs = Inputs()
    for path in paths:
        path = Path(path)
        if not path.exists():
            inputs.problems.append(
                ImportProblem(path.name, None, None, None, "文件不存在 file not found")
            )
            continue
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        if path.is_dir() and not any(
            f.suffix.lower() in CSV_SUFFIXES | GEODATA_SUFFIXES for f in files
        ):
            inputs.problems.append(
                ImportProblem(
                    path.name, None, None, None, "文件夹中没有CSV no .csv files in folder"
                )
            )
        for file in files:
            suffix = file.suffix.lower()
            if suffix in WORKBOOK_SUFFIXES:
                read_workbook(file, inputs)
            elif suffix in CSV_SUFFIXES:
                before = len(inputs.sheets)
                read_csv(file, inputs)
                _drop_text_marks(inputs.sheets, before)
            elif suffix in GEODATA_SUFFIXES:
                read_geodata(file, inputs)
            elif not path.is_dir():
                inputs.problems.append(
                    ImportProblem(
                        file.name,
                        None,
                        None,
                        None,
                        "不支持的文件类型 not a workbook, CSV or geodata file "
                        "(.xlsx, .csv, .gpkg, .shp, .geojson)",
                    )
                )
    return inputs


def _drop_text_marks(sheets: list[RawSheet], start: int) -> None:
    """Undo our CSV exports' text mark (``'=1+1`` → ``=1+1``, see ``core.safe_output``) in the
    sheets read from one CSV file, so an export re-imports with every name exactly as stored."""
    for index in range(start, len(sheets)):
        sheet = sheets[index]
        sheet.headers = [
            h[1:] if h.startswith("'") and h[1:].startswith(_MARKED) else h for h in sheet.headers
        ]
        columns = [c for c in sheet.frame.columns if c != ROW]
        if columns:
            sheet.frame = sheet.frame.with_columns(
                restore_csv_text(pl.col(c)).str.strip_chars().replace("", None).alias(c)
                for c in columns
            )
