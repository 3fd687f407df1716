"""Readers: workbooks (python-calamine), CSV / text (Polars), geodata (pyogrio), boundary-point
files and zip archives of any of these → text frames.

Every reader yields all cells as text (or null) with ``_row``, the row number a user sees in the
spreadsheet (header = row 1), so validation treats every source alike and reports positions the
user can find. One module per kind of source: ``cells`` (cell → text), ``workbook``, ``delimited``
(CSV), ``geodata``, ``boundary`` (界址点坐标 text), ``archives`` (zip); this module holds the
dispatch by file kind.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from landcycle.core.safe_output import restore_csv_text, restore_csv_value

from .. import limits
from ..errors import ImportProblem
from .archives import read_zip
from .boundary import looks_like_boundary, read_boundary
from .cells import _column_text, _frame, _headers, cell_text
from .delimited import EncodingProblem, decode_text, read_csv, read_delimited
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

ARCHIVE_SUFFIXES = {".zip"}
TEXT_SUFFIXES = {".txt", ".tsv"}  # boundary-point files (by content), else tab-separated text
READ_SUFFIXES = (
    WORKBOOK_SUFFIXES | CSV_SUFFIXES | GEODATA_SUFFIXES | ARCHIVE_SUFFIXES | TEXT_SUFFIXES
)
_KINDS = ".xlsx .xls .ods, .csv .txt, .gpkg .shp .geojson, 界址点坐标 .txt, .zip"

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
    "read_file",
    "read_inputs",
    "read_workbook",
]


def read_inputs(paths: list[Path], encoding: str | None = None) -> Inputs:
    """Read every given file or folder into one :class:`Inputs` (problems, never exceptions).

    A folder is read file by file (its sub-folders too when it came out of a zip); files of no
    known kind inside a folder are passed over, a single such file is an error. ``encoding``:
    the codec of every CSV / text / .dbf file (``--encoding``), instead of detecting it.
    """
    inputs = Inputs()
    for path in paths:
        path = Path(path)
        if not path.exists():
            inputs.problems.append(ImportProblem.whole(path.name, "文件不存在 file not found"))
        elif path.is_dir():
            _read_folder(path, inputs, path.name, encoding=encoding)
        else:
            read_file(path, inputs, alone=True, encoding=encoding)
    return inputs


def _read_folder(
    folder: Path, inputs: Inputs, label: str, nested: bool = False, encoding: str | None = None
) -> None:
    files = sorted(p for p in (folder.rglob("*") if nested else folder.iterdir()) if p.is_file())
    if not any(f.suffix.lower() in READ_SUFFIXES for f in files):
        inputs.problems.append(
            ImportProblem.whole(
                label,
                "没有可读取的文件 no CSV, workbook or geodata file in it (" + _KINDS + ")",
            )
        )
    for file in files:
        read_file(file, inputs, alone=False, in_archive=nested, encoding=encoding)


def read_file(
    path: Path,
    inputs: Inputs,
    *,
    alone: bool,
    in_archive: bool = False,
    encoding: str | None = None,
) -> None:
    """One file by its kind (suffix; a .txt by its content). ``alone``: named by the user, so a
    file of no known kind is an error rather than passed over."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        read_workbook(path, inputs)
    elif suffix in CSV_SUFFIXES:
        before = (len(inputs.grids), len(inputs.sheets))
        read_csv(path, inputs, encoding)
        _drop_text_marks(inputs, before)
    elif suffix in TEXT_SUFFIXES:
        if not limits.admit(path, inputs):  # sizes and dimensions first (issue 10)
            return
        raw = path.read_bytes()
        if looks_like_boundary(_head(raw)):
            read_boundary(raw, path.stem, path.name, inputs, encoding)
        else:  # Excel's "Unicode text": tab-separated UTF-16
            before = (len(inputs.grids), len(inputs.sheets))
            read_delimited(raw, path.stem, path.name, inputs, encoding)
            _drop_text_marks(inputs, before)
    elif suffix in GEODATA_SUFFIXES:
        read_geodata(path, inputs, encoding)
    elif suffix in ARCHIVE_SUFFIXES:
        if in_archive:
            inputs.problems.append(
                ImportProblem(
                    path.name, None, None, None, "压缩包内的压缩包未读取 nested archive not read"
                )
            )
        else:

            def unpacked(folder: Path, inputs: Inputs, label: str) -> None:
                _read_folder(folder, inputs, label, nested=True, encoding=encoding)

            read_zip(path, inputs, unpacked)
    elif alone:
        inputs.problems.append(
            ImportProblem.whole(
                path.name,
                "不支持的文件类型 not a workbook, CSV, geodata or zip file (" + _KINDS + ")",
            )
        )


def _head(raw: bytes) -> str:
    """The first few KB as text, for recognising a file by its content."""
    head = raw[:4096]
    for cut in range(4 if len(raw) > len(head) else 1):  # a character cut at the end
        try:
            return decode_text(head[: len(head) - cut])[0]
        except EncodingProblem:
            continue
    return ""


def _drop_text_marks(inputs: Inputs, start: tuple[int, int]) -> None:
    """Undo the CSV text mark of our exports (``'=1+1`` → ``=1+1``, see ``core.safe_output``)
    in the grids and sheets read from one delimited file (headers included, as grids hold
    them), so an export re-imports name for name."""
    for sheet in inputs.sheets[start[1] :]:
        sheet.headers = [restore_csv_value(h) for h in sheet.headers]
    for table in [*inputs.grids[start[0] :], *inputs.sheets[start[1] :]]:
        columns = [c for c, t in table.frame.schema.items() if c != ROW and t == pl.String]
        if columns:
            table.frame = table.frame.with_columns(
                restore_csv_text(pl.col(c)).str.strip_chars().replace("", None).alias(c)
                for c in columns
            )
