"""Readers: workbooks (python-calamine), CSV folders (Polars) and geodata (pyogrio) → text frames.

Every reader yields all cells as text (or null) with ``_row``, the row number a user sees in the
spreadsheet (header = row 1), so validation treats every source alike and reports positions the
user can find.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from .errors import ImportProblem

ROW = "_row"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv"}
GEODATA_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json"}


@dataclass
class RawSheet:
    name: str  # sheet name as the user wrote it
    source: str  # file name
    headers: list[str]
    frame: pl.DataFrame  # one Utf8 column per header (named by position "c0".."cN") + _row


@dataclass
class GeoLayer:
    source: str
    crs_epsg: int | None  # declared by the file, if any
    fields: list[str]
    attributes: pl.DataFrame  # Utf8 columns named by field + _row (feature number)
    geometries: np.ndarray


@dataclass
class Inputs:
    sheets: list[RawSheet] = field(default_factory=list)
    layers: list[GeoLayer] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)


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


def read_workbook(path: Path, inputs: Inputs) -> None:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several kinds for non-workbooks
        inputs.problems.append(
            ImportProblem(path.name, None, None, None, f"不是有效的工作簿 not a workbook: {exc}")
        )
        return
    formulas = _formula_cells_without_value(path)
    with workbook:
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            headers = _headers(rows[0]) if rows else []
            frame = _frame(headers, rows[1:], 2)
            sheet = RawSheet(name, path.name, headers, frame)
            inputs.sheets.append(sheet)
            for row, column in formulas.get(name, ()):
                header = headers[column] if column < len(headers) else f"#{column + 1}"
                inputs.problems.append(
                    ImportProblem(
                        name,
                        row,
                        header,
                        None,
                        "公式没有计算结果 formula without a cached value: open and save the "
                        "workbook in Excel/WPS, or paste values",
                    )
                )


_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _formula_cells_without_value(path: Path) -> dict[str, list[tuple[int, int]]]:
    """(row, column index) of formula cells that carry no cached value, per sheet name.

    python-calamine reads only cached values (a formula nobody calculated reads as empty), so
    the sheets' XML is checked for ``<f>`` elements; openpyxl parses only workbooks that have any.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            has_formula = any(
                n.startswith("xl/worksheets/") and b"<f" in archive.read(n)
                for n in archive.namelist()
            )
    except (zipfile.BadZipFile, OSError):
        return {}
    if not has_formula:
        return {}
    import openpyxl

    found: dict[str, list[tuple[int, int]]] = {}
    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in formulas.worksheets:
            cached = values[ws.title]
            formula_cells = [
                (cell.row, cell.column)
                for row in ws.iter_rows()
                for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")
            ]
            for row, column in formula_cells:
                if cached.cell(row=row, column=column).value in (None, ""):
                    found.setdefault(ws.title, []).append((row, column - 1))
    finally:
        formulas.close()
        values.close()
    return found


def read_csv(path: Path, inputs: Inputs) -> None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        inputs.problems.append(
            ImportProblem(
                path.stem, None, None, None, f"文件不是UTF-8编码 CSV is not UTF-8 (GBK?): {exc}"
            )
        )
        return
    if not text.strip():
        inputs.sheets.append(RawSheet(path.stem, path.name, [], _frame([], [], 2)))
        return
    try:
        frame = pl.read_csv(
            text.encode("utf-8"), infer_schema=False, has_header=False, truncate_ragged_lines=True
        )
    except Exception as exc:  # polars raises ComputeError and others on malformed CSV
        inputs.problems.append(
            ImportProblem(path.stem, None, None, None, f"无法读取CSV cannot read CSV: {exc}")
        )
        return
    headers = _headers(list(frame.row(0)))
    width = len(headers)
    data = frame.slice(1).select(frame.columns[:width])
    data.columns = [f"c{i}" for i in range(width)]
    data = data.with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in data.columns]
    ).with_columns(pl.int_range(2, data.height + 2, dtype=pl.Int64).alias(ROW))
    if width:
        data = data.filter(pl.any_horizontal(pl.col(f"c{i}").is_not_null() for i in range(width)))
    inputs.sheets.append(RawSheet(path.stem, path.name, headers, data))


def read_geodata(path: Path, inputs: Inputs) -> None:
    from pyogrio import raw

    try:
        meta, _fids, geometry, field_data = raw.read(path)
    except Exception as exc:  # GDAL errors come in several types
        inputs.problems.append(
            ImportProblem(
                path.name, None, None, None, f"无法读取地理数据 cannot read geodata: {exc}"
            )
        )
        return
    fields = [str(f) for f in meta["fields"]]
    count = len(geometry) if geometry is not None else 0
    attributes = pl.DataFrame(
        {
            name: pl.Series(name, [cell_text(v) for v in values], dtype=pl.Utf8)
            for name, values in zip(fields, field_data, strict=True)
        }
        | {ROW: pl.Series(ROW, range(1, count + 1), dtype=pl.Int64)}
    )
    geometries = shapely.from_wkb(geometry) if count else np.array([], dtype=object)
    crs = meta.get("crs")
    epsg = None
    if crs:
        from pyproj import CRS

        epsg = CRS.from_user_input(crs).to_epsg()
    inputs.layers.append(GeoLayer(path.name, epsg, fields, attributes, geometries))


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
                read_csv(file, inputs)
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
