"""The shared output guard: text cells never become formulas in xlsx or CSV."""

import csv
import io

import openpyxl
import polars as pl
import pytest

from landcycle.core.safe_output import (
    csv_safe_frame,
    csv_text,
    open_workbook,
    restore_csv_text,
)

# What users have typed as names (issue 10): each would run or link in Excel, WPS or LibreOffice.
HOSTILE = [
    '=HYPERLINK("http://x","点此")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "'=1+1",  # already marked by hand: keeps its own quote through the round trip
    "http://example.com/",
]
HARMLESS = ["甲制造有限公司", "O'Brien Ltd", "1-2", "A=B", None]


@pytest.mark.parametrize("value", HOSTILE[:-1])
def test_csv_text_marks_formula_starts(value):
    assert csv_text(value) == "'" + value


@pytest.mark.parametrize("value", [*HARMLESS, "http://example.com/", 12, -1.5])
def test_csv_text_leaves_the_rest(value):
    assert csv_text(value) == value


def test_a_leading_quote_is_doubled_so_the_import_can_tell_it_from_the_mark():
    assert csv_text("'abc") == "''abc"
    column = pl.Series("v", ["''abc", "'abc", "'=1", "''=1"]).to_frame()
    assert column.select(restore_csv_text(pl.col("v")))["v"].to_list() == [
        "'abc",  # our export's doubled quote
        "'abc",  # typed by hand, not a mark: kept
        "=1",
        "'=1",
    ]


def test_frame_marks_text_columns_only_and_round_trips():
    frame = pl.DataFrame(
        {
            "name": HOSTILE + HARMLESS + ["'abc"],
            "amount": [-1.0] * (len(HOSTILE) + len(HARMLESS) + 1),
            "=extra": ["x"] * (len(HOSTILE) + len(HARMLESS) + 1),
        }
    )
    safe = csv_safe_frame(frame)
    assert safe.columns == ["name", "amount", "'=extra"]  # headers users named too
    assert safe["amount"].to_list() == frame["amount"].to_list()  # numbers stay numbers
    for value, written in zip(frame["name"], safe["name"], strict=True):
        assert written == csv_text(value)
        assert written is None or written[0] not in "=+-@\t\r"
    text = safe.write_csv()
    back = pl.read_csv(text.encode(), infer_schema=False)
    restored = back.select(restore_csv_text(pl.col("name")))["name"].to_list()
    assert restored == frame["name"].to_list()  # exactly, tab- and CR-led names included


def test_workbook_writes_text_as_text(tmp_path):
    path = tmp_path / "t.xlsx"
    with open_workbook(str(path), {"strings_to_formulas": True}) as workbook:  # cannot be undone
        sheet = workbook.add_worksheet("s")
        for row, value in enumerate(HOSTILE):
            sheet.write(row, 0, value)
    cells = [row[0] for row in openpyxl.load_workbook(path).active.iter_rows()]
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    # openpyxl shows a CR as Excel's escape _x000D_; the text itself is intact.
    assert [c.value.replace("_x000D_", "\r") for c in cells] == HOSTILE
    assert all(c.hyperlink is None for c in cells)


def test_csv_writer_rows_are_marked():
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[csv_text(v)] for v in HOSTILE])
    rows = [r[0] for r in csv.reader(io.StringIO(buffer.getvalue()))]
    assert all(r.startswith("'") for r in rows[:-1])
