"""Every kind of bad input: a clear error saying where and why, and nothing written."""

import copy
import datetime as dt

import pytest

from landcycle.core.models import ChangeRecord
from landcycle.imports.models import ImportBatch
from landcycle.imports.services import run_import

from .workbooks import district, person_id, square, write_csvs, write_xlsx

pytestmark = pytest.mark.django_db

NEXT_YEAR = dt.date.today().year + 1


def _set(sheet, row, header, value):
    def change(sheets):
        rows = sheets[sheet]
        rows[row - 1][rows[0].index(header)] = value

    return change


def _rename(sheet, old, new):
    def change(sheets):
        sheets[sheet][0][sheets[sheet][0].index(old)] = new

    return change


def _drop_column(sheet, header):
    def change(sheets):
        index = sheets[sheet][0].index(header)
        for row in sheets[sheet]:
            del row[index]

    return change


def _duplicate_parcel(sheets):
    sheets["宗地"][3][0] = sheets["宗地"][2][0]


def _empty_sheet(sheets):
    sheets["违规事项"] = [sheets["违规事项"][0]]


# (change, sheet, row, column, reason fragment)
CASES = {
    "uscc check digit": (
        _set("企业", 3, "统一社会信用代码", "91330206710000001X"),
        "企业",
        3,
        "统一社会信用代码",
        "invalid USCC",
    ),
    "resident id check digit": (
        _set("责任人", 2, "证件号码", "330206198001010001"),
        "责任人",
        2,
        "证件号码",
        "wrong check digit",
    ),
    "duplicate parcel code": (_duplicate_parcel, "宗地", 4, "宗地编号", "duplicate of row 3"),
    # Numbers beyond any real figure, or beyond float once converted (1e308 亩 is inf m²).
    "area infinite once converted": (
        _set("宗地", 2, "用地面积 (亩)", "1e308"),
        "宗地",
        2,
        "用地面积 (亩)",
        "数值过大",
    ),
    "huge output": (
        _set("年度指标", 2, "工业总产值 (万元)", 1e300),
        "年度指标",
        2,
        "工业总产值 (万元)",
        "数值过大",
    ),
    "huge lease area": (
        _set("租赁", 2, "租赁面积 (平方米)", "9e20"),
        "租赁",
        2,
        "租赁面积 (平方米)",
        "数值过大",
    ),
    "lease names unknown parcel": (
        _set("租赁", 2, "宗地编号", "NOPE"),
        "租赁",
        2,
        "宗地编号",
        "unknown parcel",
    ),
    "indicator names unknown enterprise": (
        _set("年度指标", 3, "统一社会信用代码", "91110000600037341L"),
        "年度指标",
        3,
        "统一社会信用代码",
        "unknown enterprise",
    ),
    "negative area": (_set("宗地", 2, "用地面积 (亩)", -3), "宗地", 2, "用地面积 (亩)", "must be"),
    "zero area": (_set("宗地", 3, "用地面积 (亩)", 0), "宗地", 3, "用地面积 (亩)", "must be"),
    "unknown unit in header": (
        _rename("宗地", "用地面积 (亩)", "用地面积 (英亩)"),
        "宗地",
        1,
        "用地面积 (英亩)",
        "unknown unit",
    ),
    "self-intersecting polygon": (
        _set(
            "宗地",
            2,
            "几何",
            "POLYGON ((121.8 29.9, 121.801 29.901, 121.801 29.9, 121.8 29.901, 121.8 29.9))",
        ),
        "宗地",
        2,
        "几何",
        "边自相交",
    ),
    "unparseable geometry": (
        _set("宗地", 2, "几何", "POLYGON ((121.8 29.9"),
        "宗地",
        2,
        "几何",
        "cannot parse",
    ),
    "projected metres as degrees": (
        _set("宗地", 4, "几何", square(512_000, 3_310_000, 100)),  # no zone prefix: refused
        "宗地",
        4,
        "几何",
        "not longitude/latitude",
    ),
    "point outside China": (
        _set("宗地", 2, "几何", square(2.35, 48.85)),
        "宗地",
        2,
        "几何",
        "outside China",
    ),
    "end before start": (
        _set("租赁", 2, "终止日期", "2021-12-31"),
        "租赁",
        2,
        "终止日期",
        "ends before it starts",
    ),
    "year in the future": (
        _set("年度指标", 2, "年度", NEXT_YEAR),
        "年度指标",
        2,
        "年度",
        "in the future",
    ),
    "empty sheet": (_empty_sheet, "违规事项", None, None, "empty sheet"),
    "missing required column": (
        _drop_column("宗地", "所属街道"),
        "宗地",
        1,
        "所属街道",
        "missing required column",
    ),
    "unknown enumeration": (
        _set("宗地", 2, "供地方式", "挂牌转让"),  # 拍卖 is a word of the vocabulary
        "宗地",
        2,
        "供地方式",
        "not one of 招拍挂出让",
    ),
    "share above 100": (
        _set("关系", 3, "持股比例 (%)", 140),
        "关系",
        3,
        "持股比例 (%)",
        "out of range",
    ),
    "share below 0": (
        _set("关系", 5, "持股比例 (%)", -1),
        "关系",
        5,
        "持股比例 (%)",
        "must be",
    ),
    "not a number": (
        _set("年度指标", 2, "工业总产值 (万元)", "很多"),
        "年度指标",
        2,
        "工业总产值 (万元)",
        "not a number",
    ),
    "not a date": (
        _set("宗地", 2, "出让起始日期", "2015-13-45"),
        "宗地",
        2,
        "出让起始日期",
        "not a date",
    ),
    "not a boolean": (
        _set("宗地", 2, "工业控制线内", "也许"),
        "宗地",
        2,
        "工业控制线内",
        "must be 是/否",
    ),
    "relation names unknown person": (
        _set("关系", 2, "关联方", person_id(99)),
        "关系",
        2,
        "关联方",
        "unknown person",
    ),
    "required value empty": (
        _set("企业", 2, "企业名称", None),
        "企业",
        2,
        "企业名称",
        "required",
    ),
}


@pytest.fixture
def stored(tmp_path, snapshot):
    """A valid district already in the ledger, and its snapshot."""
    sheets = district(3)
    assert run_import([write_xlsx(tmp_path / "good.xlsx", sheets)]).ok
    return sheets, snapshot(), ChangeRecord.objects.count()


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_and_writes_nothing(case, tmp_path, stored, snapshot):
    sheets, before, changes = stored
    change, sheet, row, column, reason = CASES[case]
    bad = copy.deepcopy(sheets)
    # An otherwise valid correction rides along: it must not be written either.
    bad["企业"][1][1] = "改名有限公司"
    change(bad)
    result = run_import([write_xlsx(tmp_path / "bad.xlsx", bad)])
    assert not result.ok
    matching = [
        p
        for p in result.errors
        if (p.sheet, p.row, p.column) == (sheet, row, column) and reason in p.reason
    ]
    assert matching, [p.line() for p in result.errors]
    assert snapshot() == before
    assert ChangeRecord.objects.count() == changes
    batch = ImportBatch.objects.latest("id")
    assert batch.status == "failed" and batch.errors and batch.counts == {}


def test_all_errors_are_reported_not_the_first(tmp_path):
    sheets = district(3)
    _set("宗地", 2, "用地面积 (亩)", -1)(sheets)
    _set("宗地", 3, "供地方式", "挂牌转让")(sheets)
    _set("企业", 3, "统一社会信用代码", "91330206710000001X")(sheets)
    _set("年度指标", 4, "年度", NEXT_YEAR)(sheets)
    result = run_import([write_xlsx(tmp_path / "bad.xlsx", sheets)])
    places = {(p.sheet, p.row) for p in result.errors}
    assert {("宗地", 2), ("宗地", 3), ("企业", 3), ("年度指标", 4)} <= places
    line = next(p for p in result.errors if p.sheet == "宗地" and p.row == 2).line()
    assert line.startswith("宗地 行2 列用地面积 (亩) 值-1: ")


def test_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("这不是工作簿")
    result = run_import([path])
    assert [(p.sheet, p.row) for p in result.errors] == [("notes.xlsx", None)]
    assert "not a workbook" in result.errors[0].reason
    other = tmp_path / "notes.docx"
    other.write_text("x")
    assert "not a workbook" in run_import([other]).errors[0].reason


def test_formula_without_cached_value(tmp_path, snapshot):
    sheets = district(2)
    sheets["年度指标"][2][4] = "=D3*0.05"  # openpyxl writes the formula with no cached value
    result = run_import([write_xlsx(tmp_path / "f.xlsx", sheets)])
    assert [(p.sheet, p.row, p.column) for p in result.errors] == [
        ("年度指标", 3, "实缴税金 (万元)")
    ]
    assert "formula without a cached value" in result.errors[0].reason
    assert snapshot()["parcels"] == []


def test_formula_with_cached_value_is_read(tmp_path):
    import xlsxwriter

    path = tmp_path / "cached.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("宗地")
    sheet.write_row(0, 0, ["宗地编号", "所属街道", "用地面积 (平方米)"])
    sheet.write_row(1, 0, ["F1", "新碶街道"])
    sheet.write_formula(1, 2, "=100*20", None, 2000)
    workbook.close()
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]


def test_csv_that_is_not_utf8(tmp_path):
    folder = tmp_path / "gbk"
    folder.mkdir()
    # GBK is read (and said); bytes in no encoding offices use are refused, saying so.
    (folder / "企业.csv").write_bytes("统一社会信用代码,企业名称\n".encode("gbk"))
    (folder / "宗地.csv").write_bytes(bytes(range(128, 256)) * 3 + b"\n")
    result = run_import([folder])
    assert [(p.sheet, p.value) for p in result.warnings if "GB18030" in p.reason] == [
        ("企业", "GB18030/GBK")
    ]
    assert any(p.sheet == "宗地" and "cannot tell the encoding" in p.reason for p in result.errors)


def test_bad_csv_row_numbers_match_the_file(tmp_path):
    sheets = district(3)
    sheets["宗地"].insert(2, [None] * len(sheets["宗地"][0]))  # a blank line keeps its number
    _set("宗地", 5, "用地面积 (亩)", 0)(sheets)
    result = run_import([write_csvs(tmp_path / "csv", sheets)])
    assert [(p.sheet, p.row) for p in result.errors] == [("宗地", 5)]


def test_duplicate_indicators_without_parcel_column(tmp_path):
    sheets = {
        "企业": district(1)["企业"],
        "年度指标": [
            ["统一社会信用代码", "年度", "实缴税金 (万元)"],
            [district(1)["企业"][1][0], 2023, 1],
            [district(1)["企业"][1][0], 2023, 2],
        ],
    }
    result = run_import([write_xlsx(tmp_path / "dup.xlsx", sheets)])
    assert [(p.sheet, p.row, p.reason) for p in result.errors] == [
        ("年度指标", 3, "重复 duplicate of row 2")
    ]


@pytest.mark.parametrize(
    "header, value, stored_m2",
    [
        ("用地面积", 17000, 17000 * 10_000),  # m² typed under the default 公顷
        ("用地面积 (亩)", "1e-9", 1e-9 * 10_000 / 15),
    ],
)
def test_implausible_area_is_kept_with_a_warning_to_check_the_unit(
    tmp_path, header, value, stored_m2
):
    from landcycle.ledger.models import Parcel

    sheets = district(2)
    rows = sheets["宗地"]
    rows[0][rows[0].index("用地面积 (亩)")] = header
    rows[1][rows[0].index(header)] = value
    result = run_import([write_xlsx(tmp_path / "odd.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]
    warned = [p for p in result.warnings if p.row == 2 and "请确认单位" in p.reason]
    assert warned and warned[0].column == header
    assert Parcel.objects.get(code="BL0000").registered_area_m2 == pytest.approx(stored_m2)


def test_shares_that_look_like_fractions_are_warned_about(tmp_path):
    from landcycle.ledger.models import Relation

    sheets = district(2)
    rows = sheets["关系"]
    share = rows[0].index("持股比例 (%)")
    for row in rows[1:]:
        if row[share] is not None:
            row[share] = 0.35
    result = run_import([write_xlsx(tmp_path / "shares.xlsx", sheets)])
    assert result.ok
    assert any("是否为小数形式" in p.reason and p.sheet == "关系" for p in result.warnings)
    assert Relation.objects.filter(share_percent=0.35).exists()  # kept as given, with the warning
