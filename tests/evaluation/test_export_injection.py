"""``landcycle lists``, ``landcycle results`` and ``landcycle compare`` write names as text.

Enterprise names and parcel codes as users typed them (issue 10); before the fix the list
workbook held live formulas and every CSV held the names as they were.
"""

import csv

import openpyxl
import pytest

from landcycle.cli import main
from landcycle.ledger.models import Enterprise, Parcel
from tests.evaluation.conftest import YEAR
from tests.evaluation.test_compare import STRICT
from tests.evaluation.test_lists import _final_run

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","点此")', "=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1"]


@pytest.fixture
def hostile(etown):
    """Every enterprise and parcel of the E-Town ledger renamed to a hostile text."""
    for enterprise, name in zip(Enterprise.objects.order_by("pk"), HOSTILE * 2, strict=False):
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
    for parcel, code in zip(Parcel.objects.order_by("code"), HOSTILE, strict=False):
        Parcel.objects.filter(pk=parcel.pk).update(code=code)
    return etown


def _text_cells(path):
    book = openpyxl.load_workbook(path)
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None and cell.data_type in ("s", "f")
    ]


def _assert_text_only(path, expected):
    cells = _text_cells(path)
    assert not [c.value for c in cells if c.data_type == "f"]  # no formula anywhere
    values = {c.value for c in cells}
    for name in expected:
        assert name in values, name


def _csv_cells(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _assert_marked(cells, expected):
    for name in expected:
        assert "'" + name in cells, name
        assert name not in cells, name
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_lists_in_xlsx_and_csv(hostile, tmp_path, capsys):
    _final_run()
    assert main(["lists", "--year", str(YEAR), "--output", str(tmp_path / "x")]) == 0
    [workbook] = (tmp_path / "x").glob("*.xlsx")
    listed = {c.value for c in _text_cells(workbook)} & set(HOSTILE)
    assert len(listed) >= 2  # the lists name holders with hostile names
    _assert_text_only(workbook, listed)
    out = tmp_path / "c"
    assert main(["lists", "--year", str(YEAR), "--output", str(out), "--format", "csv"]) == 0
    cells = [cell for path in out.glob("*.csv") for cell in _csv_cells(path)]
    _assert_marked(cells, listed)


def test_results_in_xlsx_and_csv(hostile, tmp_path, capsys):
    assert main(["evaluate", "--year", str(YEAR)]) == 0
    out = tmp_path / "r.xlsx"
    assert main(["results", "--year", str(YEAR), "--output", str(out)]) == 0
    _assert_text_only(out, HOSTILE[:5])
    assert not any(c.hyperlink for c in _text_cells(out))
    assert main(["results", "--year", str(YEAR), "--output", str(tmp_path / "r.csv")]) == 0
    _assert_marked(_csv_cells(tmp_path / "r.csv"), HOSTILE[:5])
    capsys.readouterr()
    assert main(["results", "--year", str(YEAR)]) == 0  # to standard output
    stdout = capsys.readouterr().out
    assert "'=1+1" in stdout and "\n=1+1" not in stdout


def test_compare_in_xlsx_and_csv(hostile, tmp_path, settings, capsys):
    (tmp_path / "strict.toml").write_text(STRICT, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    args = ["compare", "--year", str(YEAR), "--policy", "beijing-etown-2023"]
    args += ["--policy", "test-strict-output", "--output"]
    assert main([*args, str(tmp_path / "c.xlsx")]) == 0
    _assert_text_only(tmp_path / "c.xlsx", HOSTILE[:5])
    assert main([*args, str(tmp_path / "c.csv")]) == 0
    _assert_marked(_csv_cells(tmp_path / "c.csv"), HOSTILE[:5])
