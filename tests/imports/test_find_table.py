"""End to end through ``landcycle import``: tables found wherever they are, nothing dropped.

Every sheet's every required column is removed in turn (non-zero exit naming it, no traceback);
an unheaded value is appended to rows of every sheet (an error naming the row); officers' list
shapes (titles, 序号, 合计, Sheet1, group headers) import with the values asserted.
"""

import pytest

from landcycle.cli import main
from landcycle.imports import tables
from landcycle.imports.schema import SHEETS
from landcycle.ledger import models as ledger

from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db

REQUIRED = [
    (spec, column)
    for spec in SHEETS
    for column in spec.columns
    if column.required and not (spec.key == "commitments" and column.key == "unit")
]


def run(capsys, path, *options):
    """(exit status, stdout, stderr) of the real command; a traceback would fail the test."""
    status = main(["import", str(path), *options])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def without(rows: list[list], index: int) -> list[list]:
    return [r[:index] + r[index + 1 :] for r in rows]


@pytest.mark.parametrize(
    "spec, column", REQUIRED, ids=[f"{s.name}-{c.header}" for s, c in REQUIRED]
)
def test_every_missing_required_column_is_named_and_nothing_written(tmp_path, capsys, spec, column):
    sheets = district(2)
    rows = sheets[spec.name]
    header_keys = [
        (tables.match_header(spec, h) or tables.HeaderMatch((), None)).keys for h in rows[0]
    ]
    index = next(i for i, keys in enumerate(header_keys) if column.key in keys)
    sheets[spec.name] = without(rows, index)
    status, out, err = run(capsys, write_xlsx(tmp_path / "book.xlsx", sheets))
    assert status != 0
    line = next(line for line in err.splitlines() if "缺少必填列" in line)
    assert line.startswith(f"{spec.name} 行1 列{column.header}: 缺少必填列「{column.header}」")
    assert "已导入" not in out
    assert ledger.Parcel.objects.count() == 0 and ledger.Enterprise.objects.count() == 0


@pytest.mark.parametrize("name", ["Sheet1", "附件1", "表1"])
@pytest.mark.parametrize("column", [c for s, c in REQUIRED if s.key == "parcels"])
def test_missing_required_column_of_a_sheet_recognised_by_headers(tmp_path, capsys, name, column):
    rows = district(2)["宗地"]
    index = rows[0].index(next(h for h in rows[0] if h.startswith(column.header)))
    path = write_xlsx(tmp_path / "list.xlsx", {name: without(rows, index)})
    status, _out, err = run(capsys, path, "--crs", "4490")
    assert status != 0 and f"缺少必填列「{column.header}」" in err
    assert "读作「宗地」" in err


@pytest.mark.parametrize("spec", SHEETS, ids=[s.name for s in SHEETS])
def test_a_value_under_no_header_is_an_error_in_any_row(tmp_path, capsys, spec):
    sheets = district(2)
    rows = sheets[spec.name]
    width = len(rows[0])
    for target in sorted({2, len(rows) // 2 + 1, len(rows)}):  # data rows (header = 1)
        changed = {k: [list(r) for r in v] for k, v in sheets.items()}
        changed[spec.name][target - 1] += [None, "多出来的值"]
        path = write_xlsx(tmp_path / f"extra{target}.xlsx", changed)
        status, out, err = run(capsys, path)
        letter = tables.column_letter(width + 1)
        assert status != 0, (spec.name, target)
        assert f"{spec.name} 行{target} 列{letter}列(无标题) 值多出来的值: " in err
        assert "已导入" not in out
    assert ledger.Parcel.objects.count() == 0


def test_published_list_on_sheet1_with_titles_serial_and_total(tmp_path, capsys):
    rows = [
        ["附件1"],
        ["某某区2024年度低效工业用地清单"],
        ["填报单位：某某街道办事处（盖章）", None, None, None, "填报日期：2024年6月"],
        ["序号", "宗地编号", "所属街道", "土地用途", "用地面积（亩）", "备注"],
        [1, "DX-01", "示例街道", "工业", 25.5, "低效"],
        [2, "DX-02", "示例街道", "工业", 12.3, None],
        [None, None, None, None, None, None],
        [3, "DX-03", "另一街道", "仓储", 40.2, None],
        ["合计", None, None, None, 78, None],
    ]
    status, out, err = run(capsys, write_xlsx(tmp_path / "list.xlsx", {"Sheet1": rows}))
    assert status == 0, err
    assert "已导入" in out and "宗地: 新增 3" in out
    assert "Sheet1: 按表头读作「宗地」工作表，表头在第4行" in err
    assert "Sheet1 行9 列序号 值合计: 合计行已跳过" in err
    stored = dict(ledger.Parcel.objects.values_list("code", "registered_area_m2"))
    assert stored == pytest.approx({"DX-01": 17000.0, "DX-02": 8200.0, "DX-03": 26800.0})
    assert ledger.Parcel.objects.get(code="DX-01").extra == {"备注": "低效"}


def test_group_header_over_two_rows_with_the_unit_below(tmp_path, capsys):
    rows = [
        ["宗地编号", "所属街道", "用地面积", "约定日期", None],
        [None, None, "（公顷）", "约定开工日期", "约定竣工日期"],
        ["G-01", "示例街道", 1.5, "2020-01-01", "2021-06-30"],
    ]
    status, _out, err = run(capsys, write_xlsx(tmp_path / "g.xlsx", {"表1": rows}))
    assert status == 0, err
    parcel = ledger.Parcel.objects.get(code="G-01")
    assert parcel.registered_area_m2 == pytest.approx(15000.0)
    assert str(parcel.agreed_start) == "2020-01-01"
    assert str(parcel.agreed_completion) == "2021-06-30"


@pytest.mark.parametrize(
    "sheets",
    [
        {"Sheet1": [["姓名", "电话"], ["张三", "123"]]},
        {"Sheet1": [["某某区2024年度清单"], [None], ["甲", "乙"], [1, 2]]},
        {"Sheet1": [[None]]},
    ],
    ids=["other table", "title only", "empty"],
)
def test_a_workbook_with_no_sheet_of_ours_exits_non_zero(tmp_path, capsys, sheets):
    status, out, err = run(capsys, write_xlsx(tmp_path / "x.xlsx", sheets))
    assert status != 0
    assert "没有识别出任何工作表" in err and "已导入" not in out


def test_a_total_row_is_never_stored_and_a_real_parcel_named_like_one_is(tmp_path, capsys):
    rows = [
        ["宗地编号", "宗地名称", "所属街道", "用地面积 (公顷)"],
        ["T-01", "合计产业园", "示例街道", 1],
        ["小计", None, None, 1],
        ["T-02", None, "示例街道", 2],
        ["总计", None, None, 3],
    ]
    status, _out, err = run(capsys, write_xlsx(tmp_path / "t.xlsx", {"宗地": rows}))
    assert status == 0, err
    assert sorted(ledger.Parcel.objects.values_list("code", flat=True)) == ["T-01", "T-02"]
    assert "宗地 行3 列宗地编号 值小计: 合计行已跳过" in err
    assert "宗地 行5 列宗地编号 值总计: 合计行已跳过" in err


def test_merged_group_header_cells_as_excel_writes_them(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "附件1"
    sheet.append(["某区工业用地清单"])
    sheet.append(["宗地编号", "所属街道", "用地面积", "约定容积率", None, "备注"])
    sheet.append([None, None, "亩", "下限", "上限", None])
    sheet.append(["M-01", "示例街道", 15, 1.2, 2.5, "一期"])
    for cells in ("A2:A3", "B2:B3", "D2:E2", "F2:F3"):
        sheet.merge_cells(cells)
    sheet.merge_cells("A1:F1")
    book.save(tmp_path / "merged.xlsx")
    status, _out, err = run(capsys, tmp_path / "merged.xlsx")
    assert status == 0, err
    assert "附件1: 按表头读作「宗地」工作表，表头在第2–3行" in err
    parcel = ledger.Parcel.objects.get(code="M-01")
    assert parcel.registered_area_m2 == pytest.approx(10000.0)
    assert (parcel.agreed_far_min, parcel.agreed_far_max) == (1.2, 2.5)
    assert parcel.extra == {"备注": "一期"}


def test_a_street_merged_down_several_parcels_is_given_to_each(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["某区工业用地台账"])
    sheet.append(["序号", "宗地编号", "所属街道", "用地面积", "备注"])
    rows = [
        (1, "S-01", "甲街道", 1.0, "一期与二期合并备注"),
        (2, "S-02", None, 2.0, None),
        (3, "S-03", None, 3.0, None),
        (4, "S-04", "乙街道", 4.0, "单独"),
        (5, "S-05", None, 5.0, None),
    ]
    for row in rows:
        sheet.append(list(row))
    sheet.merge_cells("A1:E1")  # the title: above the header, untouched
    sheet.merge_cells("C3:C5")  # 甲街道 for S-01 … S-03
    sheet.merge_cells("C6:C7")  # 乙街道 for S-04, S-05
    sheet.merge_cells("E3:E4")  # a note merged down two rows: filled like the street
    book.save(tmp_path / "merged-street.xlsx")
    status, _out, err = run(capsys, tmp_path / "merged-street.xlsx")
    assert status == 0, err
    streets = dict(ledger.Parcel.objects.values_list("code", "jurisdiction__name"))
    assert streets == {
        "S-01": "甲街道",
        "S-02": "甲街道",
        "S-03": "甲街道",
        "S-04": "乙街道",
        "S-05": "乙街道",
    }
    notes = dict(ledger.Parcel.objects.values_list("code", "extra"))
    assert notes["S-02"] == {"备注": "一期与二期合并备注"} and notes["S-03"] in ({}, None)
    assert "所属街道" in err and "合并单元格已按其值填入" in err and "第3–5、6–7行" in err


def test_a_merge_across_columns_in_the_data_is_not_copied_sideways(tmp_path, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积", "备注", "其他"])
    sheet.append(["X-01", "甲街道", 1.0, "跨两列的备注", None])
    sheet.merge_cells("D2:E2")
    book.save(tmp_path / "sideways.xlsx")
    status, _out, err = run(capsys, tmp_path / "sideways.xlsx")
    assert status == 0, err
    assert ledger.Parcel.objects.get(code="X-01").extra == {"备注": "跨两列的备注"}
