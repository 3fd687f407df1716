"""Workbooks (.xlsx, .xlsm) read with python-calamine; formula cells without a cached value found
with openpyxl."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .. import limits
from ..errors import ImportProblem
from .formats import percent_cells, show_percents
from .shapes import Grid, Inputs


def read_workbook(path: Path, inputs: Inputs) -> None:
    """Every sheet of a workbook as a grid (all rows, all columns; the table is found later)."""
    if not limits.admit(path, inputs):  # sizes and dimensions first (issue 10)
        return
    from python_calamine import CalamineWorkbook

    from ..tables import grid_from_rows

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises several kinds; its English is not for officers
        inputs.problems.append(
            ImportProblem.whole(
                path.name,
                "无法作为工作簿打开：文件损坏、加密或不是Excel/WPS表格 "
                "not a workbook (damaged, encrypted or another kind of file)",
            )
        )
        return
    formulas = _formula_cells_without_value(path)
    percents = percent_cells(path)  # 0.35 in a 0% cell is read as the 35% it shows
    with workbook:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = [
                (r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ()
            ]
            rows = show_percents(rows, percents.get(name))
            reason = (
                "公式没有计算结果：请在Excel/WPS中打开并保存，或粘贴为数值 formula without a "
                "cached value: open and save the workbook in Excel/WPS, or paste values"
            )
            cells = [(row, column, reason) for row, column in formulas.get(name, ())]
            inputs.grids.append(Grid(name, path.name, grid_from_rows(rows), cells, merged))


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
