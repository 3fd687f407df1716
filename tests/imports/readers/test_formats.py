"""Percent-formatted cells found from the workbook's styles, read as the percent shown."""

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from landcycle.imports.readers.formats import (
    is_percent_format,
    percent_cells,
    show_percents,
    shown_percent,
)


@pytest.mark.parametrize(
    "code, percent",
    [
        ("0%", True),
        ("0.00%", True),
        ("#,##0.0%;[Red]-#,##0.0%", True),
        ('0"%"', False),  # a literal percent sign after the number
        ("0\\%", False),
        ("[$%-409]0", False),
        ("General", False),
        ("yyyy-mm-dd", False),
        ("0.00", False),
    ],
)
def test_percent_format_codes(code, percent):
    assert is_percent_format(code) is percent


def _book(path, formats: dict[str, dict[str, str]], values: dict[str, dict[str, object]]):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, cells in values.items():
        ws = workbook.create_sheet(sheet)
        for ref, value in cells.items():
            ws[ref] = value
            if ref in formats.get(sheet, {}):
                ws[ref].number_format = formats[sheet][ref]
    workbook.save(path)
    return path


def test_cells_found_per_sheet_and_only_percent_ones(tmp_path):
    path = _book(
        tmp_path / "b.xlsx",
        {"甲": {"B2": "0%", "C3": "0.00", "D4": "0.0%"}, "乙": {"A1": "yyyy-mm-dd"}},
        {"甲": {"B2": 0.35, "C3": 0.5, "D4": 0.125, "E5": 1}, "乙": {"A1": 45047}},
    )
    assert percent_cells(path) == {"甲": {(1, 1), (3, 3)}}


def test_workbook_without_percent_styles_and_non_workbooks(tmp_path):
    path = _book(tmp_path / "b.xlsx", {}, {"甲": {"A1": 0.35}})
    assert percent_cells(path) == {}
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    assert percent_cells(tmp_path / "x.xls") == {}


def test_cells_without_references_fall_back_to_openpyxl(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"甲": {"B2": "0%"}}, {"甲": {"A2": "x", "B2": 0.35}})
    stripped = tmp_path / "stripped.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<c\b[^>]*?) r="[A-Z]+\d+"', rb"\1", data)
                assert b' r="B2"' not in data
            target.writestr(item, data)
    assert percent_cells(stripped) == {"甲": {(1, 1)}}


def test_shown_text_replaces_numbers_only(tmp_path):
    assert [shown_percent(v) for v in (0.35, 0.07, 0.355, 1, 0.0001)] == [
        "35%",
        "7%",
        "35.5%",
        "100%",
        "0.01%",
    ]
    rows = [["持股比例", "备注"], [0.35, "x"], ["已转让", 0.5], [True, None]]
    cells = {(1, 0), (2, 0), (3, 0), (9, 9)}
    assert show_percents(rows, cells) == [
        ["持股比例", "备注"],
        ["35%", "x"],
        ["已转让", 0.5],
        [True, None],
    ]


def test_calamine_rows_start_at_a1_so_positions_match(tmp_path):
    path = _book(tmp_path / "b.xlsx", {"甲": {"C3": "0%"}}, {"甲": {"C3": 0.35, "D4": "x"}})
    rows = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("甲")
        .to_python(skip_empty_area=False)
    )
    assert show_percents(rows, percent_cells(path)["甲"])[2][2] == "35%"


XLS = Path(__file__).resolve().parent.parent / "data" / "relations-percent-formatted.xls"


def test_old_xls_percent_cells_are_read_with_xlrd():
    # Written with xlwt: 0.35 as 0%, 0.125 as 0.00%, 40 as 0"%" (a literal sign, not a percent).
    assert percent_cells(XLS) == {"关系": {(1, 3), (2, 3)}}
    rows = (
        CalamineWorkbook.from_path(str(XLS))
        .get_sheet_by_name("关系")
        .to_python(skip_empty_area=False)
    )
    shown = show_percents(rows, percent_cells(XLS)["关系"])
    assert [row[3] for row in shown[1:]] == ["35%", "12.5%", 40]
