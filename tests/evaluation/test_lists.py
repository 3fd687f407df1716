import datetime as dt

import openpyxl
import polars as pl
import pytest

from landcycle.evaluation import lists, services
from landcycle.evaluation.services import EvaluationError
from landcycle.ledger.models import Relation
from tests.evaluation.conftest import YEAR
from tests.factories import EnterpriseFactory, RelationFactory

pytestmark = pytest.mark.django_db


def _final_run():
    run = services.run_evaluation(YEAR)
    services.publish(run, start=dt.date.today() - dt.timedelta(days=60))
    return services.finalize(run)


def _by_key(built):
    return {item.key: item for item in built}


def _list_with(built, classes):
    matches = [b for b in built if set(b.classes) == set(classes)]
    assert matches, f"the policy defines no list for classes {classes}"
    return matches[0]


def test_lists_follow_the_policy_and_take_in_related_parties(etown):
    # A shareholder company of holder B is a related party too.
    parent = EnterpriseFactory(name="控股母公司")
    RelationFactory(
        subject=etown.holder_b,
        party_enterprise=parent,
        party_person=None,
        kind=Relation.Kind.SHAREHOLDER,
        share_percent=60.0,
    )
    built = lists.build_lists(_final_run())
    policy = services.get_policy(services.DEFAULT_POLICY)
    assert [b.key for b in built if b.key != "factor_prices"] == [
        spec.id for spec in policy.consequences.lists
    ]

    key_service = next(
        b
        for b in built
        if {"A", "B"} <= set(b.classes)
        and any(s.include_related_parties and s.id == b.key for s in policy.consequences.lists)
    )
    frame = key_service.frame
    holders = frame.filter(pl.col("身份") == "产权单位")
    related = frame.filter(pl.col("身份") == "关联方")
    assert set(holders["企业名称"]) == {
        "优质制造有限公司",
        "一般制造有限公司",
        "更新园区有限公司",
    }
    assert set(related["企业名称"]) == {"同一法人的关联企业", "控股母公司"}
    basis = dict(zip(related["企业名称"], related["关联依据"], strict=True))
    assert "王强" in basis["同一法人的关联企业"]
    assert "股权" in basis["控股母公司"]
    # The path names enterprises and persons, never database ids.
    assert basis["控股母公司"] == "股权控制：一般制造有限公司 ←股东— 控股母公司"
    assert basis["同一法人的关联企业"] == (
        "共同责任人：优质制造有限公司 —法定代表人— 王强 —实际控制人— 同一法人的关联企业"
    )
    assert "无关承租企业" not in set(frame["企业名称"])

    a_list = _list_with(built, ["A"])
    assert set(a_list.frame["宗地编号"]) == {"ET-A", "ET-R"}
    assert set(a_list.frame["身份"]) == {"产权单位"}
    assert _list_with(built, ["C"]).frame["宗地编号"].to_list() == ["ET-C"]
    assert _list_with(built, ["D"]).frame["宗地编号"].to_list() == ["ET-D"]
    assert not any(b.preview for b in built)


def test_no_factor_price_table_unless_the_policy_defines_one(etown):
    built = _by_key(lists.build_lists(_final_run()))
    policy = services.get_policy(services.DEFAULT_POLICY)
    if not policy.consequences.factor_prices:
        assert "factor_prices" not in built
        return
    table = built["factor_prices"].frame
    assert table.height == len(policy.consequences.factor_prices)
    d_rows = table.filter(pl.col("类别") == "D")
    if d_rows.height:
        assert d_rows["宗地数"].to_list()[0] == 1


def test_lists_need_a_final_run_unless_previewed(etown):
    run = services.run_evaluation(YEAR)
    with pytest.raises(EvaluationError, match="final run"):
        lists.build_lists(run)
    preview = lists.build_lists(run, preview=True)
    assert preview and all(b.preview for b in preview)


def test_export_as_xlsx_and_csv(etown, tmp_path):
    built = lists.build_lists(_final_run())
    [workbook] = lists.export_lists(built, tmp_path / "xlsx")
    book = openpyxl.load_workbook(workbook, read_only=True)
    assert book.sheetnames == [b.title_zh[:31] for b in built]
    first_sheet = list(book[book.sheetnames[0]].values)
    assert list(first_sheet[0]) == built[0].frame.columns
    assert len(first_sheet) == built[0].frame.height + 1
    csvs = lists.export_lists(built, tmp_path / "csv", fmt="csv")
    assert len(csvs) == len(built)
    first = csvs[0].read_bytes()
    assert first.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM
    assert pl.read_csv(csvs[0]).height == built[0].frame.height


def test_summary_and_results_table(etown):
    run = services.run_evaluation(YEAR)
    summary = lists.class_summary(run)
    assert dict(zip(summary["class"], summary["parcels"], strict=True)) == {
        "A": 2,
        "B": 1,
        "C": 1,
        "D": 1,
    }
    assert summary["area_ha"].sum() == pytest.approx(10.0)
    table = lists.results_table(run)
    assert table.columns[:4] == ["parcel_code", "class", "score", "reasons"]
    assert table["parcel_code"].to_list() == ["ET-A", "ET-B", "ET-C", "ET-D", "ET-R"]
    assert "output_10k_cny_per_ha" in table.columns
    row = table.row(0, named=True)
    assert row["output_10k_cny_per_ha"] == pytest.approx(35_000)
    per_ha = table.columns.index("output_10k_cny_per_ha")
    assert table.columns[per_ha + 1] == "output_10k_cny_per_mu"  # derived on read
    assert row["output_10k_cny_per_mu"] == pytest.approx(35_000 / 15, rel=1e-5)
    assert lists.results_table(run, lang="en")["reasons"][0] != row["reasons"]


FACTOR_PRICES = """
[[consequences.factor_prices]]
class = "D"
item = "electricity"
label_zh = "差别电价"
surcharge = { value = 0.3, unit = "元/千瓦时" }

[[consequences.factor_prices]]
class = "C"
item = "electricity"
label_zh = "差别电价"
surcharge = { value = 0.1, unit = "元/千瓦时" }
"""


def test_factor_price_table_from_a_policy_that_defines_one(etown, settings, tmp_path):
    # The E-Town policy has no price table; a user copy of it with one shows the table.
    shipped = services.get_policy(services.DEFAULT_POLICY).path
    text = open(shipped, encoding="utf-8").read()
    text = text.replace('name = "beijing-etown-2023"', 'name = "etown-with-prices"', 1)
    (tmp_path / "prices.toml").write_text(text + FACTOR_PRICES, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]

    run = services.run_evaluation(YEAR, "etown-with-prices")
    services.publish(run, start=dt.date.today() - dt.timedelta(days=60))
    built = _by_key(lists.build_lists(services.finalize(run)))
    table = built["factor_prices"].frame
    rows = {r["类别"]: r for r in table.iter_rows(named=True)}
    assert set(rows) == {"C", "D"}
    assert rows["D"]["加价"] == 0.3 and rows["D"]["单位"] == "元/千瓦时"
    assert rows["D"]["项目"] == "电价"  # the item in Chinese, not its key
    assert rows["D"]["宗地数"] == 1 and rows["C"]["企业数"] == 1
