"""Excel binary workbooks (.xlsb): read like .xlsx, and bounded like them (issue 10): a cell far
out is refused before calamine sizes its grid from it."""

from __future__ import annotations

import pytest

from landcycle.imports import limits
from landcycle.imports.limits import _XlsbScan
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .xlsb_files import record, sheet_part, write_xlsb

HA = 10_000  # m² per hectare, 用地面积's unit when none is given
HEADER = {0: "宗地编号", 1: "宗地名称", 2: "所属街道", 3: "用地面积"}


def _rows(*values) -> dict[int, dict[int, object]]:
    return {0: HEADER, **{i + 1: dict(enumerate(row)) for i, row in enumerate(values)}}


@pytest.mark.django_db
def test_xlsb_parcels_are_imported(tmp_path):
    path = write_xlsb(
        tmp_path / "宗地.xlsb",
        {
            "宗地": _rows(
                ("XLSB-01", "金港镇一号地块", "金港镇", 1.5), ("XLSB-02", "二号", "锦丰镇", 0.8)
            )
        },
    )
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]
    stored = {
        p.code: (p.name, p.jurisdiction.name, p.registered_area_m2)
        for p in ledger.Parcel.objects.select_related("jurisdiction")
    }
    assert stored["XLSB-01"][:2] == ("金港镇一号地块", "金港镇")
    assert stored["XLSB-01"][2] == pytest.approx(1.5 * HA)
    assert stored["XLSB-02"][2] == pytest.approx(0.8 * HA)


def test_a_far_cell_is_refused_naming_the_sheet(tmp_path):
    path = write_xlsb(tmp_path / "far.xlsb", {"宗地": {0: {0: "x"}, 1_048_575: {16_383: 1.0}}})
    with pytest.raises(limits.Refused) as caught:
        limits.check_file(path)
    message = caught.value.problem.line()
    assert message.startswith("宗地: 列数过多") and "XFD1048576" in message


def test_far_rows_and_cells_counted_but_blank_cells_not(tmp_path, settings):
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 100
    far_down = write_xlsb(tmp_path / "down.xlsb", {"S": {0: {0: "x"}, 500: {0: "y"}}})
    with pytest.raises(limits.Refused, match="行数过多"):
        limits.check_file(far_down)
    # A styled blank cell far out (BrtCellBlank) and a row without cells are skipped by
    # calamine: not counted.
    blank = bytearray(sheet_part({0: {0: "x"}}))
    end = blank.rindex(record(0x92))
    far_row = record(0x00, (5000).to_bytes(4, "little") + bytes(15))
    blank_cell = record(0x01, (900).to_bytes(4, "little") + bytes(4))
    scan = _XlsbScan("S")
    scan.feed(bytes(blank[:end]) + far_row + blank_cell)
    assert (scan.max_row, scan.max_column) == (1, 1)


def test_records_split_between_pieces_are_read(tmp_path):
    part = sheet_part({0: {0: "名称" * 50}, 70_000: {700: 2.0}})
    scan = _XlsbScan("S")
    for start in range(0, len(part), 7):  # pieces that cut every record somewhere
        scan.feed(part[start : start + 7])
    assert (scan.max_row, scan.max_column) == (70_001, 701)
