"""Finding the table in a sheet: titles, 序号, totals, blank rows, group headers, sheet kinds."""

import polars as pl
import pytest

from landcycle.imports import tables
from landcycle.imports.readers.shapes import ROW, Grid


def grid(rows, name="Sheet1"):
    return Grid(name, "book.xlsx", tables.grid_from_rows(rows))


def found(rows, name="Sheet1", profile=None):
    problems = []
    table = tables.find_table(grid(rows, name), problems, profile)
    return table, problems


def column(raw, header):
    return raw.frame[f"c{raw.headers.index(header)}"].to_list()


PUBLISHED = [
    ["附件1", None, None, None, None, None],
    ["某某区2024年度低效工业用地清单", None, None, None, None, None],
    ["填报单位：某某街道办事处（盖章）", None, None, None, "填报日期：2024年6月", None],
    ["序号", "宗地编号", "所属街道", "用地面积（亩）", "土地用途", "备注"],
    [1, "DX-01", "示例街道", 25.5, "工业", "低效"],
    [None, None, None, None, None, None],
    [2, "DX-02", "示例街道", 12.3, "工业", None],
    ["合计", None, None, 37.8, None, None],
]


def test_grid_keeps_every_row_and_numbers_rows_as_the_sheet_does():
    rows = [["a", None, None, None], [None, None, None, None], [1.0, None, 2.5, None]]
    frame = tables.grid_from_rows(rows)
    assert frame.columns == ["c0", "c1", "c2", ROW]  # c<i> is column i; trailing blanks gone
    assert frame[ROW].to_list() == [1, 2, 3]
    assert frame["c0"].to_list() == ["a", None, "1"]
    assert frame["c2"].to_list() == [None, None, "2.5"]


def test_big_grid_is_read_column_wise_after_the_header_rows():
    rows = [["宗地编号", "用地面积"]] + [[f"P{i}", float(i)] for i in range(1000)]
    frame = tables.grid_from_rows(rows)
    assert frame.height == 1001 and frame["c1"][999] == "998"


@pytest.mark.parametrize("name", ["Sheet1", "附件1", "表1", "工作表1"])
def test_titles_serial_totals_and_blank_rows(name):
    (spec, raw), problems = found(PUBLISHED, name)
    assert spec.key == "parcels"
    assert raw.header_row == 4
    assert raw.headers == ["宗地编号", "所属街道", "用地面积（亩）", "土地用途", "备注"]
    assert raw.frame[ROW].to_list() == [5, 7]  # blank row 6 and the 合计 row 8 gone
    assert column(raw, "用地面积（亩）") == ["25.5", "12.3"]
    warnings = [p for p in problems if p.warning]
    assert [(p.row, p.column, p.value) for p in warnings if "合计" in p.reason] == [
        (8, "序号", "合计")
    ]
    assert any("读作「宗地」" in p.reason and "第4行" in p.reason for p in warnings)
    assert not [p for p in problems if not p.warning]


@pytest.mark.parametrize("label", ["合计", "小计", "总计", "合 计", "合计：", "总计（3宗）"])
def test_total_rows_of_every_spelling_are_skipped_with_a_warning(label):
    rows = [["宗地编号", "所属街道", "用地面积"], ["A", "街", 1], [label, None, 1]]
    (_spec, raw), problems = found(rows, "宗地")
    assert raw.frame[ROW].to_list() == [2]
    (problem,) = problems
    assert problem.warning and problem.row == 3 and problem.value == label.strip()


def test_a_total_word_inside_a_name_is_data():
    rows = [["宗地编号", "宗地名称", "所属街道", "用地面积"], ["A", "合计产业园", "街", 1]]
    (_spec, raw), problems = found(rows, "宗地")
    assert column(raw, "宗地名称") == ["合计产业园"] and not problems


def test_value_right_of_the_last_header_is_an_error_naming_row_column_and_value():
    rows = [["宗地编号", "所属街道", "用地面积"], ["A", "街", 1], ["B", "街", 2, None, "漏掉的值"]]
    (_spec, raw), problems = found(rows, "宗地")
    (problem,) = problems
    assert not problem.warning
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "宗地",
        3,
        "E列(无标题)",
        "漏掉的值",
    )
    assert "没有列标题" in problem.reason


def test_values_under_a_gap_in_the_header_are_errors():
    rows = [
        ["统一社会信用代码", "年度", "2024年度主要经济指标", None, None],
        ["X", 2024, 850.5, 32000, 210],
    ]
    (spec, _raw), problems = found(rows, "年度指标")
    assert spec.key == "indicators"
    assert sorted((p.row, p.column, p.value) for p in problems) == [
        (2, "D列(无标题)", "32000"),
        (2, "E列(无标题)", "210"),
    ]


def test_two_row_group_header_combines_label_and_sub_header_and_takes_the_unit():
    rows = [
        ["宗地编号", "所属街道", "用地面积", "约定日期", None],
        [None, None, "（公顷）", "约定开工日期", "约定竣工日期"],
        ["A", "街", 1.5, "2020-01-01", "2021-01-01"],
    ]
    (_spec, raw), problems = found(rows, "Sheet1")
    assert raw.header_row == 2
    assert raw.headers == [
        "宗地编号",
        "所属街道",
        "用地面积（公顷）",
        "约定开工日期",
        "约定竣工日期",
    ]
    assert raw.frame[ROW].to_list() == [3]
    assert any("第1–2行" in p.reason for p in problems)


def test_group_label_and_sub_header_join_when_only_together_they_name_a_column():
    rows = [
        ["宗地编号", "所属街道", "用地", None],
        [None, None, "面积(亩)", "用途"],
        ["A", "街", 3, "工业"],
    ]
    (_spec, raw), _problems = found(rows, "宗地")
    assert raw.headers == ["宗地编号", "所属街道", "用地面积(亩)", "用地用途"]
    assert tables.match_header(raw_spec(), "用地面积(亩)").keys == ("area",)


def raw_spec():
    from landcycle.imports.schema import PARCELS

    return PARCELS


@pytest.mark.parametrize(
    "header, keys, unit",
    [
        ("用地面积（亩）", ("area",), "亩"),
        ("用地面积 (公顷)", ("area",), "公顷"),
        ("用 地 面 积", ("area",), None),
        ("ＡＲＥＡ", ("area",), None),
        ("宗地编号", ("code",), None),
        ("备注", None, None),
    ],
)
def test_header_matching_ignores_full_width_and_spaces(header, keys, unit):
    match = tables.match_header(raw_spec(), header)
    assert (match.keys, match.unit) == (keys, unit) if keys else match is None


def test_sheet_kind_found_by_its_headers():
    rows = [["统一社会信用代码", "企业名称", "规模"], ["X", "甲公司", "规上"]]
    (spec, _raw), _ = found(rows, "Sheet2")
    assert spec.key == "enterprises"
    rows = [["主体", "关联方", "关系类型"], ["X", "Y", "股东"]]
    assert found(rows, "表3")[0][0].key == "relations"


def test_sheet_with_nothing_of_ours_is_a_warning_not_a_table():
    table, problems = found([["姓名", "电话"], ["张三", "123"]], "通讯录")
    assert table is None
    (problem,) = problems
    assert problem.warning and "未识别的工作表" in problem.reason


def test_named_sheet_keeps_its_kind_even_when_no_header_matches():
    (spec, raw), _ = found([["甲", "乙"], ["1", "2"]], "宗地")
    assert spec.key == "parcels" and raw.headers == ["甲", "乙"] and raw.header_row == 1


def test_rows_with_only_a_serial_number_are_blank():
    rows = [["序号", "宗地编号", "所属街道", "用地面积"], [1, "A", "街", 1], [2, None, None, None]]
    (_spec, raw), problems = found(rows, "宗地")
    assert raw.frame[ROW].to_list() == [2] and not problems


def test_grid_from_frame_for_delimited_text():
    frame = pl.DataFrame({"column_1": ["宗地编号", " A "], "column_2": ["", None]})
    grid_frame = tables.grid_from_frame(frame)
    assert grid_frame.columns == ["c0", ROW]
    assert grid_frame["c0"].to_list() == ["宗地编号", "A"]


def test_column_letters():
    assert [tables.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]
