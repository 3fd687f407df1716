import datetime as dt
import hashlib

import openpyxl
import polars as pl
import pytest

from landcycle.demo.generator import generate_district
from landcycle.demo.workbook import WorkbookTooLarge, write_csv_folder, write_workbook


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small():
    return generate_district(parcels=150, seed=11)


def test_workbook_is_byte_identical_for_the_same_seed(tmp_path, small):
    first = write_workbook(small, tmp_path / "a.xlsx")
    second = write_workbook(generate_district(parcels=150, seed=11), tmp_path / "b.xlsx")
    assert digest(first) == digest(second)
    third = write_workbook(generate_district(parcels=150, seed=12), tmp_path / "c.xlsx")
    assert digest(third) != digest(first)


def test_workbook_has_frozen_bold_headers_widths_and_dates(tmp_path, small):
    path = write_workbook(small, tmp_path / "demo.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(small)
    sheet = book["宗地"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "宗地编号" and sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 15
    headers = [c.value for c in sheet[1]]
    start = headers.index("出让起始日期") + 1
    cell = sheet.cell(row=2, column=start)
    assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd"
    assert sheet.max_row == small["宗地"].height + 1
    figures = book["年度指标"]
    assert [c.value for c in figures[1]][:4] == [
        "统一社会信用代码",
        "年度",
        "宗地编号",
        "工业总产值 (万元)",
    ]


def test_csv_folder_has_a_bom_and_reads_back(tmp_path, small):
    folder = write_csv_folder(small, tmp_path / "csv")
    for name, frame in small.items():
        raw = (folder / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        back = pl.read_csv(folder / f"{name}.csv", infer_schema=False)
        assert back.columns == frame.columns and back.height == frame.height
    again = write_csv_folder(generate_district(parcels=150, seed=11), tmp_path / "csv2")
    assert digest(folder / "宗地.csv") == digest(again / "宗地.csv")


def test_too_many_rows_for_excel_is_refused_before_writing(tmp_path, monkeypatch):
    from landcycle.core import safe_output
    from landcycle.demo import workbook

    monkeypatch.setattr(safe_output, "EXCEL_MAX_ROWS", 10)
    with pytest.raises(WorkbookTooLarge, match="CSV"):
        workbook.write_workbook({"宗地": pl.DataFrame({"a": range(20)})}, tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
