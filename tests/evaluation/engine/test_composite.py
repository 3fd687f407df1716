"""Composite (亩均论英雄) policies: Huangyan formula, groups, T class, scope, bands, proportions."""

import datetime as dt

import pytest

from landcycle.evaluation.engine import evaluate, load_policy

from .builders import YEAR, Land, row

MU = 10_000 / 15
OLD = dt.date(2015, 1, 1)  # completion long ago: in production ≥ 2 years


def above(land, *, area_mu=15, tax=300.0, va=2_000.0, energy=800.0, emissions=0.5,
          employees=100, revenue=10_000.0, rd=300.0, **kw):  # fmt: skip
    holder = land.enterprise(scale="above", **kw)
    pid = land.parcel(holder=holder, area_m2=area_mu * MU, actual_completion=OLD)
    land.figures(
        holder,
        tax_10k_cny=tax,
        value_added_10k_cny=va,
        energy_tce=energy,
        emissions_t=emissions,
        employees=employees,
        revenue_10k_cny=revenue,
        rd_expense_10k_cny=rd,
    )
    return pid


def last_year(land, pid, tax=100.0):
    land.figures(
        land.holder_of(pid), year=YEAR - 1, tax_10k_cny=tax, revenue_10k_cny=1_000, energy_tce=50
    )


def test_huangyan_above_scale_formula():
    policy = load_policy("zhejiang-mujun")
    land = Land()
    pid = above(land)
    expected = (
        300 / 15 / 24.097 * 30
        + 2_000 / 15 / 136.16 * 20
        + 2_000 / 800 / 2.694 * 20
        + 2_000 / 0.5 / 4929.81 * 10
        + 2_000 / 100 / 18.14 * 10
        + 300 / 10_000 / 0.0302 * 10
    )
    r = row(evaluate(policy, land.inputs(), YEAR), pid)
    assert r["score"] == pytest.approx(expected)
    assert (r["group"], r["class"], r["rule"]) == ("above", "A", "group:above")
    assert "亩均税收 20 万元/亩 ÷ 24.097 万元/亩 × 30 = 24.9" in r["reasons_zh"]


def test_missing_emissions_get_the_group_average_score():
    policy = load_policy("zhejiang-mujun")
    land = Land()
    a = above(land, emissions=0.4)
    b = above(land, emissions=0.8)
    c = above(land, emissions=None)
    result = evaluate(policy, land.inputs(), YEAR)
    scores = [row(result, p)["score_above_3"] for p in (a, b, c)]
    assert scores[2] == pytest.approx((scores[0] + scores[1]) / 2)
    assert "无数据，取组内平均分" in row(result, c)["reasons_zh"]


def test_below_scale_formula_and_scope():
    policy = load_policy("zhejiang-mujun")
    land = Land()
    holder = land.enterprise(scale="below")
    pid = land.parcel(holder=holder, area_m2=6 * MU, actual_completion=OLD)
    land.figures(holder, tax_10k_cny=60, electricity_kwh=3_000_000)
    small_holder = land.enterprise(scale="below")
    small = land.parcel(holder=small_holder, area_m2=4 * MU, actual_completion=OLD)
    land.figures(small_holder, tax_10k_cny=60)
    result = evaluate(policy, land.inputs(), YEAR)
    r = row(result, pid)
    assert r["group"] == "below"
    assert r["score"] == pytest.approx(10 / 11.5932 * 50 + 0.2 / 0.2352 * 50)
    assert (row(result, small)["class"], row(result, small)["rule"]) == ("N", "out-of-scope")


def test_utilities_and_new_firms_are_class_t():
    policy = load_policy("zhejiang-mujun")
    land = Land()
    utility = above(land, industry="D4430")
    holder = land.enterprise(scale="above")
    new = land.parcel(holder=holder, actual_completion=dt.date(YEAR - 1, 6, 1))
    land.figures(holder, tax_10k_cny=10)
    result = evaluate(policy, land.inputs(), YEAR)
    assert (row(result, utility)["class"], row(result, utility)["rule"]) == ("T", "T-utility")
    assert (row(result, new)["class"], row(result, new)["rule"]) == ("T", "T-new-firm")


def test_no_figures_in_scope_is_review():
    policy = load_policy("zhejiang-mujun")
    land = Land()
    holder = land.enterprise(scale="above")
    pid = land.parcel(holder=holder, actual_completion=OLD)
    r = row(evaluate(policy, land.inputs(), YEAR), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "missing-data")


def test_huaian_rank_proportions_20_40_35_5():
    policy = load_policy("jiangsu-huaian-2024")
    land = Land()
    pids = [above(land, tax=10.0 * (i + 1), revenue=1_000.0) for i in range(20)]
    for pid in pids:
        last_year(land, pid)
    result = evaluate(policy, land.inputs(), YEAR)
    classes = [row(result, p)["class"] for p in reversed(pids)]  # best first
    assert classes == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]
    r = row(result, pids[14])  # rank 6 of 20
    assert r["gap_zh"] == "组内排名 6/20，A 类需进入前 20%"


def test_huaian_benchmark_is_twice_last_years_mean():
    policy = load_policy("jiangsu-huaian-2024")
    land = Land()
    a = above(land, tax=600.0)  # 40 万元/亩 this year
    b = above(land, tax=150.0)
    last_year(land, a, tax=150.0)  # 10 万元/亩
    last_year(land, b, tax=450.0)  # 30 万元/亩
    result = evaluate(policy, land.inputs(), YEAR)
    # benchmark = 2 × mean(10, 30) = 40 万元/亩 → 40 / 40 × 45
    assert row(result, a)["score_above_0"] == pytest.approx(45)
    assert row(result, b)["score_above_0"] == pytest.approx(10 / 40 * 45)


def test_huaian_without_last_year_is_review():
    policy = load_policy("jiangsu-huaian-2024")
    land = Land()
    pid = above(land)
    r = row(evaluate(policy, land.inputs(), YEAR), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "missing-data")
    assert "上年度无" in r["reasons_zh"]


def test_huaian_adjustment_points():
    policy = load_policy("jiangsu-huaian-2024")
    land = Land()
    plain = above(land)
    listed = above(land, tags=("上市公司",))
    last_year(land, plain)
    last_year(land, listed)
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, listed)["score"] == pytest.approx(row(result, plain)["score"] + 5)
    assert "上市公司 +5 分" in row(result, listed)["reasons_zh"]


def test_linhai_groups_by_land_size_and_score_bands():
    policy = load_policy("zhejiang-linhai-2016")
    land = Land()
    big_holder, small_holder = land.enterprise(), land.enterprise()
    big = land.parcel(holder=big_holder, area_m2=4 * MU)
    small = land.parcel(holder=small_holder, area_m2=2 * MU)
    land.figures(big_holder, tax_10k_cny=60)  # 15 万元/亩: 40 points, nothing else
    land.figures(small_holder, tax_10k_cny=30, revenue_10k_cny=600, electricity_kwh=150_000)
    result = evaluate(policy, land.inputs(), YEAR)
    r = row(result, big)
    assert (r["group"], r["score"], r["class"]) == ("large", pytest.approx(40), "C")
    assert r["gap_zh"] == "总分 40，B 类需 ≥ 80"
    s = row(result, small)
    assert s["group"] == "small"
    assert s["score"] == pytest.approx(50 + 20 + 30)  # 15/15×50 + 300/300×20 + 2/2×30
    assert s["class"] == "B"


def test_jingde_min_max_normalisation():
    policy = load_policy("anhui-jingde-2022")
    land = Land()
    pids = []
    for tax in (60.0, 120.0, 180.0):  # 10, 20, 30 万元/亩 on 6 亩
        holder = land.enterprise(scale="below")
        pids.append(land.parcel(holder=holder, area_m2=6 * MU))
        land.figures(holder, tax_10k_cny=tax)
    result = evaluate(policy, land.inputs(), YEAR)
    scores = [row(result, p)["score_below_0"] for p in pids]
    assert scores == [pytest.approx(12), pytest.approx(36), pytest.approx(60)]
