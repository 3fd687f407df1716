"""``landcycle export`` never writes a live formula, and its files re-import name for name.

Names as users have typed them (issue 10): in Excel, WPS or LibreOffice each would run as a
formula or open a link. Before the fix the xlsx held formulas (re-imported as "0") and the CSV
files held the names as they were.
"""

import csv

import openpyxl
import pytest

from landcycle.cli import main
from landcycle.ledger import models as ledger

from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = [
    '=HYPERLINK("http://x","点此")',
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "'=1+1",
    "http://example.com/a",
]
TAB_LED = "\t=1+1"  # the import trims whitespace, so this one comes back as "=1+1"
CR_LED = "\r=1+1"  # so does this one


def _hostile_ledger(tmp_path) -> dict[str, str]:
    """A district whose enterprise, person and parcel names are hostile; uscc → name."""
    assert main(["import", str(write_xlsx(tmp_path / "d.xlsx", district(8)))]) == 0
    names = {}
    for enterprise, name in zip(
        ledger.Enterprise.objects.order_by("uscc"), [*HOSTILE, TAB_LED, CR_LED], strict=False
    ):
        ledger.Enterprise.objects.filter(pk=enterprise.pk).update(name=name)
        names[enterprise.uscc] = name
    for parcel, name in zip(ledger.Parcel.objects.order_by("code"), HOSTILE, strict=False):
        ledger.Parcel.objects.filter(pk=parcel.pk).update(name=name)
    for person, name in zip(ledger.Person.objects.order_by("id_number"), HOSTILE, strict=False):
        ledger.Person.objects.filter(pk=person.pk).update(name=name)
    return names


def _names():
    return {
        "enterprises": dict(ledger.Enterprise.objects.values_list("uscc", "name")),
        "parcels": dict(ledger.Parcel.objects.values_list("code", "name")),
        "persons": dict(ledger.Person.objects.values_list("id_number", "name")),
    }


def _empty_the_ledger():
    for model in (ledger.Parcel, ledger.Relation, ledger.Enterprise, ledger.Person):
        model.objects.all().delete()


def _expected(before):
    return {
        table: {k: (v.strip() if v else v) for k, v in rows.items()}
        for table, rows in before.items()
    }


def test_xlsx_export_holds_text_not_formulas_and_reimports_exactly(tmp_path, capsys):
    names = _hostile_ledger(tmp_path)
    before = _names()
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out)]) == 0
    book = openpyxl.load_workbook(out)  # not read-only: cell.data_type and hyperlinks
    cells = {
        cell.value: cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str)
    }
    for name in [*HOSTILE, TAB_LED, CR_LED.replace("\r", "_x000D_")]:  # openpyxl's view of CR
        assert name in cells, name
        assert cells[name].data_type == "s", name  # "f" before the fix
        assert cells[name].hyperlink is None
    assert not any(c.data_type == "f" for c in cells.values())
    _empty_the_ledger()
    assert main(["import", str(out)]) == 0, capsys.readouterr()
    assert _names() == _expected(before)
    assert ledger.Enterprise.objects.get(uscc=min(names)).name == HOSTILE[0]  # not "0"


def test_csv_export_marks_formula_starts_and_reimports_exactly(tmp_path, capsys):
    _hostile_ledger(tmp_path)
    before = _names()
    folder = tmp_path / "csv"
    assert main(["export", str(folder)]) == 0
    with (folder / "企业.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    written = {row[0]: row[1] for row in rows[1:]}
    for uscc, name in before["enterprises"].items():
        if name[0] in "=+-@\t\r'":
            assert written[uscc] == "'" + name  # as it was before the fix
        else:
            assert written[uscc] == name
    for path in folder.glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8-sig", newline="")):
            assert not any(cell[:1] in ("=", "+", "@", "\t", "\r") for cell in row), path
    _empty_the_ledger()
    assert main(["import", str(folder)]) == 0, capsys.readouterr()
    assert _names() == _expected(before)
