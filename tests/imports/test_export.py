import datetime as dt
import math

import polars as pl
import pytest

from landcycle.imports.export import export_ledger, ledger_frames
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .workbooks import district, uscc, write_xlsx

pytestmark = pytest.mark.django_db


def _empty_the_ledger():
    for model in (ledger.Parcel, ledger.Relation, ledger.Enterprise, ledger.Person):
        model.objects.all().delete()
    while ledger.Jurisdiction.objects.exists():
        ledger.Jurisdiction.objects.filter(children__isnull=True).delete()


def _same(a, b, rel):
    """Equal, floats within ``rel`` (xlsx keeps 16 significant digits, Excel itself 15)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rel) for k in a)
    return a == b


# The land-market columns of 宗地 (coord.md), with partial agreed dates, per parcel row.
LAND_MARKET = {
    "所属区县": ["北仑区"] * 4,
    "土地使用权人": ["宁波甲0制造有限公司", "宁波 甲1制造有限公司", None, "宁波甲3制造有限公司"],
    "电子监管号": ["3302062015B00123", "3302062016B00007", None, "3302062019B00411"],
    "项目位置": ["新碶街道明州路东", None, "大碶街道", "大碶街道"],
    "土地来源": ["新增建设用地", "现有建设用地", None, "新增建设用地"],
    "成交价格 (万元)": [1_234.5, 980, None, 2_100],
    "土地使用年限": [50, 50, None, 20],
    "土地级别": ["三级", "三级", None, "四级"],
    "行业分类": ["汽车制造业", "通用设备制造业", None, "汽车制造业"],
    "批准单位": ["宁波市人民政府", None, None, "北仑区人民政府"],
    "合同签订日期": ["2015-01-01", "2016年3月8日", None, "2019.11.02"],
    "约定交地日期": ["2015年3月", "2016-05-01", None, "2020"],
    "约定开工日期": ["2015-09", "2016-09-01", None, "2020年"],
    "约定竣工日期": ["2017年6月", "2018-09-01", None, "2022-12"],
    "约定容积率下限": [1.2, 1.0, None, 1.5],
    "约定容积率上限": [2.0, 2.5, None, 3.0],
    "供地方式明细": ["挂牌出让", "拍卖出让", None, "挂牌出让"],
    "用地分类代码": ["1001", "0601", None, "100101"],
}


def _rich_district(tmp_path):
    sheets = district(4)
    for header, values in LAND_MARKET.items():
        sheets["宗地"][0].append(header)
        for row, value in zip(sheets["宗地"][1:], values, strict=True):
            row.append(value)
    sheets["年度指标"][0] += ["用电量 (万千瓦时)", "用水量 (吨)"]
    for i, row in enumerate(sheets["年度指标"][1:]):
        row += [120.5 + i, 3_000 + i] if i % 3 else [None, None]
    sheets["关系"][0].append("来源")
    sheets["关系"][1].append("工商登记")
    result = run_import([write_xlsx(tmp_path / "d.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]


@pytest.mark.parametrize("target,rel", [("out.xlsx", 1e-14), ("out", 0.0)])
def test_import_export_import_gives_the_same_ledger(tmp_path, snapshot, target, rel):
    _rich_district(tmp_path)
    original = snapshot()
    assert original["parcels"] and original["relations"][0][-1] in ({"来源": "工商登记"}, {})
    written = export_ledger(tmp_path / target)
    assert written["宗地"] == 4 and written["年度指标"] == 8
    _empty_the_ledger()
    assert snapshot()["parcels"] == []
    result = run_import([tmp_path / target])
    assert result.ok, [p.line() for p in result.errors]
    again = snapshot()
    for table in original:
        assert _same(again[table], original[table], rel), table


def test_land_market_columns_are_stored_and_exported_as_given(tmp_path):
    _rich_district(tmp_path)
    p = ledger.Parcel.objects.get(code="BL0000")
    assert (p.holder.uscc, p.holder_name) == (uscc(0), "宁波甲0制造有限公司")
    assert (p.supervision_number, p.price_10k_cny, p.term_years) == ("3302062015B00123", 1234.5, 50)
    assert (p.land_use_code, p.supply_method_detail, p.land_grade) == ("1001", "挂牌出让", "三级")
    assert (p.agreed_far_min, p.agreed_far_max) == (1.2, 2.0)
    assert (p.agreed_delivery, p.agreed_delivery_precision) == (dt.date(2015, 3, 1), "month")
    assert (p.agreed_start, p.agreed_start_precision) == (dt.date(2015, 9, 1), "month")
    last = ledger.Parcel.objects.get(code="BL0003")
    assert (last.agreed_delivery, last.agreed_delivery_precision) == (dt.date(2020, 1, 1), "year")
    assert (last.agreed_start_precision, last.contract_date) == ("year", dt.date(2019, 11, 2))
    assert ledger.Parcel.objects.get(code="BL0001").agreed_delivery_precision == ""
    report = ledger.IndicatorReport.objects.get(enterprise__uscc=uscc(0), year=2024)
    assert (report.electricity_kwh, report.water_t) == (1_215_000.0, 3_001.0)  # 万千瓦时 → kWh

    parcels = ledger_frames()["宗地"].sort("宗地编号")
    assert parcels["约定交地日期"].to_list() == ["2015-03", "2016-05-01", None, "2020"]
    assert parcels["约定开工日期"].to_list() == ["2015-09", "2016-09-01", None, "2020"]
    assert parcels["成交价格 (万元)"][0] == 1234.5 and parcels["土地使用年限 (年)"][3] == 20
    assert parcels["土地使用权人"][1] == "宁波 甲1制造有限公司"
    indicators = ledger_frames()["年度指标"]
    assert indicators["用电量 (千瓦时)"].drop_nulls().min() == 1_215_000.0
    assert indicators["用水量 (吨)"].drop_nulls().len() == 5


def test_export_has_chinese_headers_units_and_labels(tmp_path):
    _rich_district(tmp_path)
    frames = ledger_frames()
    parcels = frames["宗地"]
    assert "用地面积 (平方米)" in parcels.columns and "所属区县" in parcels.columns
    assert parcels["供地方式"][0] == "招拍挂出让" and parcels["工业控制线内"][0] == "是"
    assert parcels.filter(pl.col("宗地编号") == "BL0001")["备注"][0] == "备注1"
    assert "工业总产值 (万元)" in frames["年度指标"].columns
    assert frames["承诺"]["单位"][0] == "万元/公顷"
    assert "违规事项" in frames and frames["关系"]["来源"].drop_nulls().to_list() == ["工商登记"]


def test_export_year_limits_indicators(tmp_path):
    _rich_district(tmp_path)
    assert set(ledger_frames(year=2024)["年度指标"]["年度"]) == {2024}
    assert set(ledger_frames()["年度指标"]["年度"]) == {2023, 2024}
    assert "年度指标" not in ledger_frames(year=1999)


@pytest.mark.parametrize("name", ["ledger.ods", "ledger.csv", "ledger.xls"])
def test_export_refuses_a_kind_it_does_not_write(tmp_path, name):
    from landcycle.imports.export import export_ledger

    with pytest.raises(ValueError, match="请写 .xlsx 工作簿"):
        export_ledger(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_failed_workbook_export_leaves_no_file(tmp_path, monkeypatch):
    from landcycle.imports import export

    def broken(frames, path, **options):
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(export, "write_workbook", broken)
    with pytest.raises(OSError):
        export.export_ledger(tmp_path / "ledger.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_export_workbook_uses_the_shared_writer_layout(tmp_path):
    # One writer for the ledger export and the demo (core.safe_output): header frozen,
    # autofilter on, title in the document properties.
    import openpyxl

    run_import([write_xlsx(tmp_path / "in.xlsx", district(2))])
    export_ledger(tmp_path / "ledger.xlsx")
    book = openpyxl.load_workbook(tmp_path / "ledger.xlsx")
    sheet = book["宗地"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.cell(1, 1).font.bold
    assert book.properties.title == "landcycle 台账导出 ledger export"


def test_export_too_large_for_excel_is_refused_and_leaves_no_file(tmp_path, monkeypatch):
    # xlsxwriter drops rows past Excel's limit without a word; the shared writer refuses.
    from landcycle.core import safe_output

    run_import([write_xlsx(tmp_path / "in.xlsx", district(3))])
    monkeypatch.setattr(safe_output, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(safe_output.WorkbookTooLarge, match="CSV"):
        export_ledger(tmp_path / "out" / "ledger.xlsx")
    assert not (tmp_path / "out" / "ledger.xlsx").exists()
    assert list((tmp_path / "out").glob("*")) == []
