import datetime as dt

import polars as pl

from landcycle.imports.readers import ROW, _column_text, cell_text, read_inputs
from landcycle.imports.tables import find_tables

from .workbooks import write_csvs, write_xlsx


def test_cells_as_text_the_same_whichever_path():
    values = (1.0, 2.5, "", 1e20, 0.1, 3, 123456789012.0, None)
    expected = [cell_text(None if v == "" else v) for v in values]
    assert (
        _column_text("a", values).to_list()
        == expected
        == ["1", "2.5", None, "1e+20", "0.1", "3", "123456789012", None]
    )
    assert _column_text("d", (dt.date(2020, 1, 2), "")).to_list() == ["2020-01-02", None]
    mixed = (dt.datetime(2020, 1, 2, 0, 0), dt.datetime(2020, 1, 2, 8, 30), True, " x ")
    assert _column_text("m", mixed).to_list() == ["2020-01-02", "2020-01-02 08:30:00", "true", "x"]


def test_xlsx_and_csv_read_alike_with_row_numbers(tmp_path):
    sheets = {
        "宗地": [
            ["宗地编号", "用地面积 (亩)", "出让起始日期"],
            ["A1", 15, dt.date(2020, 1, 2)],
            [None, None, None],
            ["A2", 7.5, "2020-01-03"],
        ]
    }
    xlsx = read_inputs([write_xlsx(tmp_path / "a.xlsx", sheets)])
    csv_sheets = {"宗地": [[None if c is None else str(c) for c in r] for r in sheets["宗地"]]}
    csv_sheets["宗地"][1][1] = "15"
    csv = read_inputs([write_csvs(tmp_path / "csv", csv_sheets)])
    for inputs in (xlsx, csv):
        # Readers give grids; the table finder turns them into headed sheets.
        (sheet,) = inputs.sheets + [raw for _spec, raw in find_tables(inputs.grids, [])]
        assert sheet.headers == ["宗地编号", "用地面积 (亩)", "出让起始日期"]
        assert sheet.frame[ROW].to_list() == [2, 4]
        assert sheet.frame["c1"].to_list() == ["15", "7.5"]
        assert sheet.frame["c2"].to_list() == ["2020-01-02", "2020-01-03"]
        assert sheet.frame.schema["c0"] == pl.Utf8


def test_folder_without_csv_and_missing_file(tmp_path):
    (tmp_path / "empty").mkdir()
    inputs = read_inputs([tmp_path / "empty", tmp_path / "nope.xlsx"])
    reasons = [p.reason for p in inputs.problems]
    assert any("no CSV, workbook or geodata file" in r for r in reasons) and any(
        "file not found" in r for r in reasons
    )
