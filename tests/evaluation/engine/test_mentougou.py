"""mentougou-admission-2021 and -2019 (seed 003): A/B by tags, supply method, intensity and tax."""

import pytest

from landcycle.evaluation.engine import evaluate, load_policy

from .builders import YEAR, Land, row

KEY = ("世界500强",)


@pytest.fixture(scope="module")
def p2021():
    return load_policy("mentougou-admission-2021")


@pytest.fixture(scope="module")
def p2019():
    return load_policy("mentougou-admission-2019")


def firm(land, *, supply, investment, tax, tags=KEY):
    holder = land.enterprise(tags=tags)
    pid = land.parcel(holder=holder, supply_method=supply)
    # Investment over two years: intensity is cumulative.
    land.figures(holder, year=YEAR - 1, investment_10k_cny=investment / 2)
    land.figures(holder, investment_10k_cny=investment / 2, tax_10k_cny=tax)
    return pid


def test_lease_then_sell_needs_7000_and_tax_2000(p2021):
    land = Land()
    a = firm(land, supply="lease_then_sell", investment=7_000, tax=2_000)
    b = firm(land, supply="lease_then_sell", investment=6_900, tax=2_500)
    result = evaluate(p2021, land.inputs(), YEAR)
    assert (row(result, a)["class"], row(result, a)["rule"]) == ("A", "A-lease-then-sell")
    r = row(result, b)
    assert (r["class"], r["rule"], r["next_class"]) == ("B", "B-lease-then-sell", "A")
    assert "投资强度（累计固定资产投资） 6900 万元/公顷，A 类需 ≥ 7000 万元/公顷" in r["gap_zh"]


def test_sold_land_needs_11000(p2021):
    land = Land()
    a = firm(land, supply="tender_auction", investment=11_000, tax=2_000)
    b = firm(land, supply="agreement", investment=9_000, tax=2_000)
    result = evaluate(p2021, land.inputs(), YEAR)
    assert row(result, a)["rule"] == "A-sold"
    assert row(result, b)["rule"] == "B-sold"


def test_without_key_tag_is_b_whatever_the_figures(p2021):
    land = Land()
    pid = firm(land, supply="tender_auction", investment=50_000, tax=9_000, tags=())
    assert row(evaluate(p2021, land.inputs(), YEAR), pid)["class"] == "B"


def test_major_project_is_review(p2021):
    land = Land()
    pid = firm(land, supply="tender_auction", investment=100, tax=100, tags=("市级重大项目",))
    assert row(evaluate(p2021, land.inputs(), YEAR), pid)["rule"] == "REVIEW-major-project"


def test_key_firm_on_unlisted_supply_method_is_review(p2021):
    land = Land()
    pid = firm(land, supply="long_lease", investment=20_000, tax=3_000)
    assert row(evaluate(p2021, land.inputs(), YEAR), pid)["rule"] == "REVIEW-supply-method"


def test_no_tax_figures_is_review(p2021):
    land = Land()
    holder = land.enterprise(tags=KEY)
    pid = land.parcel(holder=holder)
    land.figures(holder, investment_10k_cny=20_000)
    assert row(evaluate(p2021, land.inputs(), YEAR), pid)["rule"] == "REVIEW-no-indicators"


def test_other_supply_method_without_tag_is_b_other(p2021):
    land = Land()
    pid = firm(land, supply="allocation", investment=1, tax=1, tags=())
    assert row(evaluate(p2021, land.inputs(), YEAR), pid)["rule"] == "B-other"


def test_2019_and_2021_compared_on_the_same_data(p2019, p2021):
    land = Land()
    cheaper = firm(land, supply="tender_auction", investment=8_000, tax=1_800)
    at_1600 = firm(land, supply="lease_then_sell", investment=8_000, tax=1_600)
    inputs = land.inputs()
    old, new = evaluate(p2019, inputs, YEAR), evaluate(p2021, inputs, YEAR)
    # 2019: one intensity threshold (7,000) and tax above 1,600 → A; 2021: 11,000 and 2,000 → B.
    assert row(old, cheaper)["class"] == "A"
    assert row(new, cheaper)["class"] == "B"
    # "超过 1600" is strict: exactly 1,600 is not enough in 2019.
    assert row(old, at_1600)["class"] == "B"
    assert "A 类需 > 1600 万元/公顷" in row(old, at_1600)["gap_zh"]
