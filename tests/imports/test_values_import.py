"""Values as officers type them, end to end: the stored values after ``landcycle import``."""

import datetime as dt
import math
from pathlib import Path

import openpyxl
import pytest

from landcycle.cli import main
from landcycle.ledger import models as ledger

from .workbooks import uscc

pytestmark = pytest.mark.django_db(transaction=True)

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "realworld"
PARCEL_HEADERS = ["宗地编号", "所属街道", "用地面积 (公顷)"]
D = dt.date(2023, 5, 1)

# (cell as typed, stored agreed_start, stored precision): the 16 spellings of the sample file.
SPELLINGS = [
    (dt.datetime(2023, 5, 1), D, ""),  # an Excel date cell
    ("2023-05-01", D, ""),
    ("2023年5月1日", D, ""),
    ("2023年05月01日", D, ""),
    ("2023年5月", D, "month"),
    ("2023.05.01", D, ""),
    ("2023.5.1", D, ""),
    ("2023/5/1", D, ""),
    (20230501, D, ""),  # a number cell
    (45047, D, ""),  # an Excel serial in a number cell
    (2023.05, D, "month"),  # year.month typed as a number
    (2023.1, dt.date(2023, 10, 1), "month"),  # 2023.10 typed as a number shows 2023.1
    (2023, dt.date(2023, 1, 1), "year"),
    ("2023.05", D, "month"),
    ("二〇二三年五月一日", D, ""),
    ("2023-5-1 8:30", D, ""),
]


def _workbook(path: Path, sheets: dict[str, list[list]], formats: dict | None = None) -> Path:
    """Sheets of rows; ``formats``: {(sheet, 'D2'): number format} for percent cells etc."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for (name, ref), number_format in (formats or {}).items():
        workbook[name][ref].number_format = number_format
    workbook.save(path)
    return path


def _parcels(column: str, cells: list, extra_header=None) -> dict[str, list[list]]:
    rows = [[*PARCEL_HEADERS, column]]
    rows += [[f"V-{i + 1:02d}", "示例街道", 1.0, cell] for i, cell in enumerate(cells)]
    return {"宗地": rows}


def _stored(field: str) -> dict[str, object]:
    return dict(ledger.Parcel.objects.values_list("code", field))


def test_every_date_spelling_is_stored_as_the_day_or_period_meant(tmp_path, capsys):
    path = _workbook(
        tmp_path / "dates.xlsx", _parcels("约定开工日期", [s for s, _, _ in SPELLINGS])
    )
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().err
    dates, precisions = _stored("agreed_start"), _stored("agreed_start_precision")
    for i, (typed, day, precision) in enumerate(SPELLINGS):
        code = f"V-{i + 1:02d}"
        assert (dates[code], precisions[code]) == (day, precision), typed
    assert all(d.year == 2023 for d in dates.values())  # never 1905
    assert "按10月读取" in out and "行13" in out  # 2023.1 said how it was read


@pytest.mark.parametrize("column", ["实际开工日期", "出让起始日期", "合同签订日期"])
@pytest.mark.parametrize("typed", ["2023.05", 2023.05, 2023, "2023年5月", "2023-05"])
def test_full_date_columns_refuse_a_year_or_month_and_store_nothing(
    tmp_path, capsys, column, typed
):
    path = _workbook(tmp_path / "d.xlsx", _parcels(column, ["2023-05-01", typed]))
    assert main(["import", str(path)]) != 0
    err = capsys.readouterr().err
    assert ledger.Parcel.objects.count() == 0
    line = next(line for line in err.splitlines() if "完整日期" in line)
    assert "宗地" in line and "行3" in line and column in line and str(typed) in line


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("1948-12-31", "1949"),
        (17533, "1948-01-01"),
        ("2101-01-01", "2100"),
        ("2023-02-30", "日期不存在"),
    ],
)
def test_dates_out_of_range_or_impossible_are_refused(tmp_path, capsys, typed, reason):
    path = _workbook(tmp_path / "d.xlsx", _parcels("出让起始日期", [typed]))
    assert main(["import", str(path)]) != 0
    assert reason in capsys.readouterr().err
    assert ledger.Parcel.objects.count() == 0


def test_placeholder_dates_are_stored_blank_with_a_warning(tmp_path, capsys):
    cells = ["1900-01-01", dt.datetime(1900, 1, 1), "1899-12-30", 0, 0, "2019年12月31日"]
    # The second 0 is a date cell holding 0 (Excel shows 1900-01-00; calamine gives 00:00:00).
    formats = {("宗地", "D6"): "yyyy-mm-dd"}
    path = _workbook(tmp_path / "d.xlsx", _parcels("出让起始日期", cells), formats)
    assert main(["import", str(path)]) == 0
    stored = _stored("term_start")
    assert [stored[f"V-{i:02d}"] for i in range(1, 7)] == [None] * 5 + [dt.date(2019, 12, 31)]
    assert capsys.readouterr().err.count("占位日期") == 5


def test_numbers_with_separators_width_and_units_in_the_cell(tmp_path):
    cells = ["12.5亩", "500平方米", "1,500 平方米", "０．５", "0.5公顷", "3，000平方米", 2]
    path = _workbook(
        tmp_path / "n.xlsx",
        {
            "宗地": [
                ["宗地编号", "所属街道", "用地面积 (公顷)"],
                *[[f"N-{i}", "示例街道", cell] for i, cell in enumerate(cells)],
            ]
        },
    )
    assert main(["import", str(path)]) == 0
    stored = _stored("registered_area_m2")
    expected = [12.5 * 10_000 / 15, 500, 1500, 5000, 5000, 3000, 20_000]
    for i, value in enumerate(expected):
        assert math.isclose(stored[f"N-{i}"], value), (cells[i], stored[f"N-{i}"])


def test_money_and_people_with_units_in_the_cell(tmp_path):
    sheets = {
        "企业": [["统一社会信用代码", "企业名称"]] + [[uscc(i), f"企业{i}"] for i in range(4)],
        "年度指标": [
            ["统一社会信用代码", "年度", "工业总产值", "实缴税金 (元)", "从业人员"],
            [uscc(0), "2023年", "3,000万元", "30,000", "120人"],
            [uscc(1), 2023, "1.2亿元", "3万元", "1,200"],
            [uscc(2), "２０２３", "３０００", "300000元", 12],
            [uscc(3), "2023年度", 3000, "1亿元", "12 人"],
        ],
    }
    assert main(["import", str(_workbook(tmp_path / "m.xlsx", sheets))]) == 0
    reports = {
        r.enterprise.uscc: r for r in ledger.IndicatorReport.objects.select_related("enterprise")
    }
    assert [reports[uscc(i)].year for i in range(4)] == [2023] * 4
    assert [reports[uscc(i)].output_10k_cny for i in range(4)] == [3000, 12000, 3000, 3000]
    assert [reports[uscc(i)].tax_10k_cny for i in range(4)] == pytest.approx([3, 3, 30, 10000])
    assert [reports[uscc(i)].employees for i in range(4)] == [120, 1200, 12, 12]


def test_no_data_placeholders_are_blank_with_a_warning_not_errors(tmp_path, capsys):
    sheets = {
        "企业": [["统一社会信用代码", "企业名称"]] + [[uscc(i), f"企业{i}"] for i in range(5)],
        "年度指标": [
            ["统一社会信用代码", "年度", "工业总产值", "实缴税金 (元)", "从业人员"],
            [uscc(0), 2023, "—", "30,000", "／"],
            [uscc(1), 2023, "无", "N/A", 12],
            [uscc(2), 2023, "暂无", "-", "#N/A"],
            [uscc(3), 2023, "--", "0", "不详"],
            [uscc(4), 2023, 3000, "／", "120"],
        ],
    }
    assert main(["import", str(_workbook(tmp_path / "p.xlsx", sheets))]) == 0
    err = capsys.readouterr().err
    assert "「—」表示无数据" in err and "年度指标" in err and "行2" in err
    reports = {
        r.enterprise.uscc: r for r in ledger.IndicatorReport.objects.select_related("enterprise")
    }
    assert [reports[uscc(i)].output_10k_cny for i in range(5)] == [None, None, None, None, 3000]
    assert [reports[uscc(i)].tax_10k_cny for i in range(5)] == [3, None, None, 0, None]
    assert [reports[uscc(i)].employees for i in range(5)] == [None, 12, None, None, 120]


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("3,000万元", "单位不符"),
        ("12.5 kg", "未知单位"),
        ("1,23", "不是数字"),
        ("约12亩", "不是数字"),
    ],
)
def test_units_that_do_not_fit_are_refused_and_nothing_is_stored(tmp_path, capsys, typed, reason):
    path = _workbook(
        tmp_path / "n.xlsx",
        {
            "宗地": [
                ["宗地编号", "所属街道", "用地面积 (公顷)"],
                ["N-1", "示例街道", 1],
                ["N-2", "示例街道", typed],
            ]
        },
    )
    assert main(["import", str(path)]) != 0
    line = next(line for line in capsys.readouterr().err.splitlines() if reason in line)
    assert "宗地" in line and "行3" in line and "用地面积" in line and typed in line
    assert ledger.Parcel.objects.count() == 0


def test_yes_no_in_the_forms_people_use(tmp_path, capsys):
    cells = [
        "是",
        "√",
        "有",
        " Y ",
        "对",
        "TRUE",
        1,
        "否",
        "×",
        "无",
        "n",
        "错",
        "false",
        0,
        "✓",
        "✗",
    ]
    path = _workbook(tmp_path / "b.xlsx", _parcels("工业控制线内", cells))
    assert main(["import", str(path)]) == 0
    stored = _stored("in_control_line")
    expected = [True] * 7 + [False] * 7 + [True, False]
    assert [stored[f"V-{i + 1:02d}"] for i in range(len(cells))] == expected

    path = _workbook(tmp_path / "bad.xlsx", _parcels("工业控制线内", ["是", "待定"]))
    assert main(["import", str(path), "--dry-run"]) != 0
    line = next(line for line in capsys.readouterr().err.splitlines() if "待定" in line)
    assert "工业控制线内" in line and "行3" in line and "√/×" in line and "有/无" in line


def _relations(tmp_path, shares: list, number_format: str | None) -> Path:
    sheets = {
        "企业": [["统一社会信用代码", "企业名称"]] + [[uscc(i), f"企业{i}"] for i in range(4)],
        "关系": [["主体", "关联方", "关系类型", "持股比例"]]
        + [[uscc(0), uscc(i + 1), "股东", share] for i, share in enumerate(shares)],
    }
    formats = (
        {("关系", f"D{i + 2}"): number_format for i in range(len(shares))} if number_format else {}
    )
    return _workbook(tmp_path / "r.xlsx", sheets, formats)


def _shares():
    return sorted(ledger.Relation.objects.values_list("share_percent", flat=True))


@pytest.mark.parametrize("number_format", ["0%", "0.00%", "0.0%;[Red]-0.0%"])
def test_percent_formatted_share_is_the_percent_shown(tmp_path, number_format):
    assert main(["import", str(_relations(tmp_path, [0.35, 0.65, 0.125], number_format))]) == 0
    assert _shares() == pytest.approx([12.5, 35, 65])


def test_shares_typed_as_numbers_or_with_a_percent_sign(tmp_path):
    # A literal "%" in quotes is text in the format, not a percent format: 35 stays 35.
    assert main(["import", str(_relations(tmp_path, [35, "65%", "１２．５％"], '0"%"'))]) == 0
    assert _shares() == pytest.approx([12.5, 35, 65])


def test_percent_formatted_cell_in_an_area_column_is_refused(tmp_path, capsys):
    path = _workbook(
        tmp_path / "p.xlsx",
        {"宗地": [[*PARCEL_HEADERS], ["P-1", "示例街道", 0.5]]},
        {("宗地", "C2"): "0%"},
    )
    assert main(["import", str(path)]) != 0
    assert "单位不符" in capsys.readouterr().err and ledger.Parcel.objects.count() == 0


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not beside the repository")
def test_shared_samples_dates_and_percent_shares(capsys):
    assert main(["import", str(SAMPLES / "parcels-date-spellings.xlsx")]) == 0
    dates, precisions = _stored("agreed_start"), _stored("agreed_start_precision")
    assert len(dates) == 16
    for i, (_typed, day, precision) in enumerate(SPELLINGS):
        assert (dates[f"DT-{i + 1:02d}"], precisions[f"DT-{i + 1:02d}"]) == (day, precision)
    assert main(["import", str(SAMPLES / "relations-percent-formatted.xlsx")]) == 0
    assert _shares() == pytest.approx([35, 65])


def test_old_xls_percent_formatted_shares(tmp_path):
    path = Path(__file__).resolve().parent / "data" / "relations-percent-formatted.xls"
    assert main(["import", str(path)]) == 0
    assert _shares() == pytest.approx([12.5, 35, 40])  # 0%, 0.00%, and 40 under 0"%"
