"""Column profiles: the land market's supply records and GIS field names, and profiles saved by
an administrator, through ``landcycle import --profile`` and ``landcycle profiles``."""

import datetime as dt

import pytest

from landcycle.cli import main
from landcycle.imports import profiles
from landcycle.ledger import models as ledger

from .workbooks import uscc, write_xlsx

pytestmark = pytest.mark.django_db

LAND_MARKET_HEADERS = [
    "行政区",
    "电子监管号",
    "项目名称",
    "项目位置",
    "面积(公顷)",
    "土地来源",
    "土地用途",
    "供地方式",
    "土地使用年限",
    "行业分类",
    "土地级别",
    "成交价格(万元)",
    "土地使用权人",
    "约定容积率下限",
    "约定容积率上限",
    "约定交地时间",
    "约定开工时间",
    "约定竣工时间",
    "实际开工时间",
    "实际竣工时间",
    "批准单位",
    "合同签订日期",
]


def land_market_rows():
    """Three supply records as the land-market system exports them (text cells throughout)."""
    return [
        LAND_MARKET_HEADERS,
        [
            "示例县",
            "3505812018B01335",
            "示例体育用品项目",
            "示例镇鞋业工业区",
            "0.429800",
            "新增建设用地",
            "工业用地",
            "协议出让",
            "50",
            "文教体育用品制造业",
            "三级",
            "256.6500",
            "甲制造有限公司",
            "1.20",
            "2.20",
            "2018年12月31日",
            "2019年12月31日",
            "2020年12月31日",
            "",
            " ",
            "示例县人民政府",
            "2018年12月31日",
        ],
        [
            "示例县",
            "3501812018B02461",
            "工业储备地201111A号",
            "城头镇",
            "2.724700",
            "现有建设用地",
            "仓储用地",
            "挂牌出让",
            "50",
            "仓储业",
            "一级",
            "942.7000",
            "乙物流有限公司",
            "0.60",
            "1.00",
            "2019年02月24日",
            "2019年04月24日",
            "2021年04月24日",
            "1900-01-01",
            "1900-01-01",
            "示例县人民政府",
            "2018年12月31日",
        ],
    ]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


@pytest.mark.parametrize("sheet", ["宗地", "Sheet1"])
def test_land_market_records_import_through_the_shipped_profile(tmp_path, capsys, sheet):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="甲制造有限公司")
    path = write_xlsx(tmp_path / "供地结果.xlsx", {sheet: land_market_rows()})
    status, out, err = run(
        capsys, "import", str(path), "--profile", "land-market", "--street", "城头镇"
    )
    assert status == 0, err
    assert "宗地: 新增 2" in out
    first = ledger.Parcel.objects.get(code="3505812018B01335")
    assert first.supervision_number == "3505812018B01335"
    assert first.name == "示例体育用品项目" and first.location == "示例镇鞋业工业区"
    assert first.registered_area_m2 == pytest.approx(4298.0)
    assert first.price_10k_cny == pytest.approx(256.65)
    assert first.term_years == pytest.approx(50)
    assert (first.agreed_far_min, first.agreed_far_max) == (pytest.approx(1.2), pytest.approx(2.2))
    assert first.agreed_delivery == dt.date(2018, 12, 31)
    assert first.agreed_start == dt.date(2019, 12, 31)
    assert first.contract_date == dt.date(2018, 12, 31)
    assert first.actual_start is None
    assert first.holder_name == "甲制造有限公司" and first.holder.uscc == uscc(1)
    assert first.jurisdiction.name == "城头镇" and first.jurisdiction.parent.name == "示例县"
    assert (first.industry_category, first.land_grade, first.land_source) == (
        "文教体育用品制造业",
        "三级",
        "新增建设用地",
    )
    second = ledger.Parcel.objects.get(code="3501812018B02461")
    assert second.supply_method == ledger.Parcel.SupplyMethod.TENDER_AUCTION
    assert second.supply_method_detail == "挂牌出让"
    assert second.actual_start is None and second.actual_completion is None
    assert "行3 列实际开工时间 值1900-01-01" in err  # the placeholder date, a warning
    assert second.holder is None and "乙物流有限公司" in err  # no such enterprise: reported


def test_land_market_records_without_a_street_name_the_column_and_the_option(tmp_path, capsys):
    path = write_xlsx(tmp_path / "供地结果.xlsx", {"宗地": land_market_rows()})
    status, _out, err = run(capsys, "import", str(path), "--profile", "land-market")
    assert status != 0
    assert "缺少必填列「所属街道」" in err and "--street" in err
    assert ledger.Parcel.objects.count() == 0


def test_land_market_records_without_the_profile_suggest_it(tmp_path, capsys):
    path = write_xlsx(tmp_path / "供地结果.xlsx", {"宗地": land_market_rows()})
    status, _out, err = run(capsys, "import", str(path), "--street", "城头镇")
    assert status != 0
    assert "缺少必填列「宗地编号」" in err and "--profile land-market" in err


def test_unknown_profile_is_a_one_line_error(tmp_path, capsys):
    path = write_xlsx(tmp_path / "a.xlsx", {"宗地": land_market_rows()})
    status, _out, err = run(capsys, "import", str(path), "--profile", "nope")
    assert status != 0
    assert err.strip().splitlines() == [
        "landcycle import: 没有名为 nope 的列名方案 no column profile named 'nope' "
        "(available: gis, land-market)"
    ]


def test_saved_profile_maps_an_offices_headers(tmp_path, capsys, settings):
    settings.LANDCYCLE_PROFILE_DIRS = [tmp_path / "profiles"]
    status, out, err = run(
        capsys,
        "profiles",
        "save",
        "beilun",
        "--title",
        "北仑区低效用地台账",
        "--map",
        "地块编号=code",
        "--map",
        "街道=jurisdiction",
        "--map",
        "占地面积=area",
    )
    assert status == 0, err
    assert (tmp_path / "profiles" / "beilun.toml").exists()
    status, out, _err = run(capsys, "profiles", "list")
    assert "beilun\tparcels\t北仑区低效用地台账" in out and "land-market\tparcels" in out
    status, out, _err = run(capsys, "profiles", "show", "beilun")
    assert "  占地面积 → area" in out

    rows = [["地块编号", "街道", "占地面积（亩）"], ["BL-1", "大碶街道", 15]]
    path = write_xlsx(tmp_path / "台账.xlsx", {"Sheet1": rows})
    status, _out, err = run(capsys, "import", str(path), "--profile", "beilun")
    assert status == 0, err
    parcel = ledger.Parcel.objects.get(code="BL-1")
    assert parcel.registered_area_m2 == pytest.approx(10000.0)
    assert parcel.jurisdiction.name == "大碶街道"


def test_saving_a_profile_with_an_unknown_key_is_refused(tmp_path, capsys, settings):
    settings.LANDCYCLE_PROFILE_DIRS = [tmp_path / "profiles"]
    status, _out, err = run(capsys, "profiles", "save", "x", "--map", "面积=acreage")
    assert status != 0 and "acreage" in err and "列键不存在" in err
    assert not (tmp_path / "profiles" / "x.toml").exists()


def test_gis_profile_reads_pinyin_and_cut_names():
    gis = profiles.load("gis")
    assert gis.key_for("ZDDM") == "code" and gis.key_for("zddm") == "code"
    assert gis.key_for("ZDMC") == "name" and gis.key_for("QLR") == "holder_name"
    # .dbf field names keep 10 bytes: five Chinese characters in GBK, three in UTF-8
    assert gis.key_for("土地使用权") == "holder_name"
    assert gis.key_for("约定开工日") == "agreed_start"
    assert gis.key_for("宗地编") == "code"
    assert gis.key_for("约定竣") == "agreed_completion"
    # 产权单位统一社会信用代码 and 产权单位名称 cut alike in UTF-8: the cut names neither
    assert gis.key_for("产权单") is None
    assert gis.unit_for("ZDMJ") == "平方米"
    assert profiles.field_key("QLRMC") == "holder_name"


def test_every_shipped_profile_names_only_existing_columns():
    for profile in profiles.available():
        assert profile.unknown_keys() == [], profile.name
