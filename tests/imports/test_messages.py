"""Messages an officer can act on: every error and warning of every kind of bad input is Chinese
first, says where (sheet, row, column as written) and what was expected, and lets no library
English or Python name through."""

import copy
import re

import pytest

from landcycle.imports.services import run_import

from .test_bad_input import CASES
from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db

# What must never reach an officer: Python and library names, reprs, tracebacks.
LEAKS = re.compile(
    r"Traceback|Exception|Error\b|error:|\bNone\b|\bnan\b|dtype|polars|shapely|stdnum|GEOS|"
    r"ParseException|The number|checksum|\\x[0-9a-f]{2}|<[a-z_.]+ object"
)
CJK = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef「“（]")

EXTRA_CASES = {
    "not a number": ("宗地", 2, "用地面积 (亩)", "十二亩半"),
    "unknown unit in a cell": ("宗地", 2, "用地面积 (亩)", "12 acres"),
    "bad date": ("宗地", 2, "出让起始日期", "2020年13月1日"),
    "bad boolean": ("宗地", 2, "工业控制线内", "也许"),
    "bad enum": ("宗地", 2, "项目类型", "别的"),
    "bad uscc length": ("企业", 2, "统一社会信用代码", "91330206"),
    "bad uscc characters": ("企业", 2, "统一社会信用代码", "9133020671000000I1"),
    "point geometry": ("宗地", 2, "几何", "POINT (121.8 29.9)"),
    "garbage geometry": ("宗地", 2, "几何", "hello"),
}


def _check(problems):
    assert problems
    for problem in problems:
        assert CJK.match(problem.reason), problem.line()
        assert not LEAKS.search(problem.line()), problem.line()
        assert problem.sheet


@pytest.mark.parametrize("case", list(CASES))
def test_every_bad_input_message_is_chinese_first_and_leaks_nothing(case, tmp_path):
    change, *_where = CASES[case]
    sheets = copy.deepcopy(district(3))
    change(sheets)
    result = run_import([write_xlsx(tmp_path / "bad.xlsx", sheets)])
    _check(result.problems)


@pytest.mark.parametrize("case", list(EXTRA_CASES))
def test_value_messages_name_the_place_and_what_was_expected(case, tmp_path):
    sheet, row, header, value = EXTRA_CASES[case]
    sheets = copy.deepcopy(district(3))
    rows = sheets[sheet]
    rows[row - 1][rows[0].index(header)] = value
    result = run_import([write_xlsx(tmp_path / "bad.xlsx", sheets)])
    assert not result.ok
    _check(result.problems)
    (problem, *_rest) = [p for p in result.errors if p.row == row and p.sheet == sheet]
    assert problem.column == header and problem.value == value


def test_table_finding_messages(tmp_path):
    rows = [
        ["某某区清单"],
        ["序号", "宗地编号", "所属街道", "用地面积（亩）"],
        [1, "A", "甲街道", 1, None, "无标题的值"],
        ["合计", None, None, 1],
    ]
    result = run_import([write_xlsx(tmp_path / "t.xlsx", {"Sheet1": rows, "其他": [["x"]]})])
    _check(result.problems)
    lines = [p.line() for p in result.problems]
    assert "Sheet1 行3 列F列(无标题) 值无标题的值: 单元格上方没有列标题" in "\n".join(lines)
    assert any(line.startswith("警告 warning: 其他: 未识别的工作表") for line in lines)


def test_not_a_workbook_says_so_in_chinese(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    result = run_import([path])
    _check(result.problems)
