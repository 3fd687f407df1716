"""Percent-formatted cells of .xlsx workbooks, read as the percent they show.

python-calamine gives a cell's value only: a share typed as 35 % in a cell formatted ``0%`` is
stored as 0.35 and would be read as 0.35 %. This module finds such cells from the workbook's
XML: ``xl/styles.xml`` says which cell styles (``cellXfs`` entries) have a percent number
format (built-in 9 ``0%`` and 10 ``0.00%``, or a custom code with ``%`` outside quotes); only
when one exists are the sheets scanned, and only for ``<c … s="N">`` tags of those styles (a
regular expression over the raw XML, no parse of every cell). Readers then replace each such
number by the text Excel shows, ``35%``, which the number parser reads as 35 in a percent column
and refuses in a column of another dimension. Old ``.xls`` (BIFF) workbooks are read with xlrd
(calamine exposes no formats); ``.xlsb`` and ``.ods`` are not covered.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_BUILTIN_PERCENT = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')


def is_percent_format(code: str) -> bool:
    """True when an Excel number format code shows a percent (``0%``, ``0.0%;[Red]-0.0%``);
    a ``%`` inside quotes, after a backslash or inside brackets is literal text, not one."""
    return "%" in _QUOTED.sub("", code)


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError):
        return set()
    custom = {
        int(f.get("numFmtId", -1)): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")
    }
    percent_ids = _BUILTIN_PERCENT | {i for i, code in custom.items() if is_percent_format(code)}
    xfs = root.find(f"{_MAIN}cellXfs")
    if xfs is None:
        return set()
    return {
        index
        for index, xf in enumerate(xfs.findall(f"{_MAIN}xf"))
        if int(xf.get("numFmtId", 0)) in percent_ids
    }


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML inside the archive."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
        paths[sheet.get("name")] = path
    return paths


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index - 1


def percent_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """(row, column) of number cells with a percent format, 0-based, per sheet name; empty for
    a workbook without any (the usual case: then only its styles are read). ``.xlsx``/``.xlsm``
    from the XML, ``.xls`` (BIFF) with xlrd; other kinds (``.xlsb``, ``.ods``): empty."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        return _percent_cells_xlsx(path)
    if path.suffix.lower() == ".xls":
        return _percent_cells_xls(path)
    return {}


def _percent_cells_xlsx(path: Path) -> dict[str, set[tuple[int, int]]]:
    try:
        with zipfile.ZipFile(path) as archive:
            styles = _percent_styles(archive)
            if not styles:
                return {}
            tag = re.compile(
                rb'<c\b[^>]*?\bs="(?:' + b"|".join(str(s).encode() for s in styles) + rb')"[^>]*>'
            )
            found: dict[str, set[tuple[int, int]]] = {}
            for name, member in _sheet_paths(archive).items():
                try:
                    xml = archive.read(member)
                except KeyError:
                    continue
                cells = set()
                for match in tag.finditer(xml):
                    ref = _REF.search(match.group(0))
                    if ref is None:  # a writer that leaves out cell references: ask openpyxl
                        cells = _percent_cells_openpyxl(path, name)
                        break
                    cells.add((int(ref.group(2)) - 1, _column_index(ref.group(1))))
                if cells:
                    found[name] = cells
            return found
    except (zipfile.BadZipFile, OSError, KeyError, ElementTree.ParseError):
        return {}


def _percent_cells_xls(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Old .xls: xlrd (the maintained BIFF reader) gives each cell's XF and so its format;
    calamine gives none. Sheets are loaded only when a cell XF has a percent format."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises several kinds for files it cannot read; calamine reports
        return {}
    try:
        percent = {
            index
            for index, xf in enumerate(book.xf_list)
            if not xf.is_style
            and xf.format_key in book.format_map
            and is_percent_format(book.format_map[xf.format_key].format_str)
        }
        found: dict[str, set[tuple[int, int]]] = {}
        for index, name in enumerate(book.sheet_names() if percent else ()):
            sheet = book.sheet_by_index(index)
            cells = {
                (r, c)
                for r in range(sheet.nrows)
                for c, kind in enumerate(sheet.row_types(r))
                if kind == xlrd.XL_CELL_NUMBER and sheet.cell_xf_index(r, c) in percent
            }
            book.unload_sheet(index)
            if cells:
                found[name] = cells
        return found
    finally:
        book.release_resources()


def _percent_cells_openpyxl(path: Path, sheet: str) -> set[tuple[int, int]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            (cell.row - 1, cell.column - 1)
            for row in workbook[sheet].iter_rows()
            for cell in row
            if getattr(cell, "number_format", None) and is_percent_format(cell.number_format)
        }
    finally:
        workbook.close()


def shown_percent(value: float) -> str:
    """0.35 → ``'35%'``: the number a ``0%``-style cell shows, without float noise."""
    return f"{round(value * 100, 9):.15g}%"


def show_percents(rows: list[list], cells: set[tuple[int, int]] | None) -> list[list]:
    """Rows of cell values (as python-calamine gives them, from A1) with the numbers of
    percent-formatted ``cells`` replaced by the text shown (0.35 → ``'35%'``); text untouched."""
    if not cells:
        return rows
    for r, c in cells:
        if r < len(rows) and c < len(rows[r]):
            value = rows[r][c]
            if isinstance(value, int | float) and not isinstance(value, bool):
                rows[r][c] = shown_percent(float(value))
    return rows
