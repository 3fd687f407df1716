"""yuzhou-baiyuan-2021 (seed 004 and 国土资源部令第53号): stock-land categories and per-mu tax."""

import datetime as dt

import pytest

from landcycle.evaluation.engine import evaluate, load_policy

from .builders import YEAR, Land, row

MU = 10_000 / 15
DONE = {"agreed_start": dt.date(2018, 1, 1), "actual_start": dt.date(2018, 2, 1),
        "actual_completion": dt.date(2019, 6, 1)}  # fmt: skip


@pytest.fixture(scope="module")
def policy():
    return load_policy("yuzhou-baiyuan-2021")


def producing(land, tax_per_mu):
    pid = land.parcel(area_m2=10 * MU, **DONE)
    land.figures(land.holder_of(pid), tax_10k_cny=tax_per_mu * 10)
    return pid


def test_per_mu_tax_against_the_target(policy):
    land = Land()
    top, middle, low = producing(land, 25), producing(land, 18), producing(land, 17.5)
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, top)["class"] == "TARGET"
    r = row(result, middle)
    assert (r["class"], r["next_class"]) == ("TARGET_RANGE", "TARGET")
    assert r["gap_zh"] == "亩均税收 18 万元/亩，TARGET 类需 ≥ 25 万元/亩"
    assert (row(result, low)["class"], row(result, low)["next_class"]) == ("LOW", "TARGET_RANGE")


def test_unsupplied_idle_and_takeback(policy):
    land = Land()
    unsupplied = land.parcel(holder=False)
    idle = land.parcel(agreed_start=dt.date(YEAR - 1, 6, 1))  # 1.5 years by year end
    takeback = land.parcel(agreed_start=dt.date(YEAR - 2, 12, 1))
    late_start = land.parcel(
        agreed_start=dt.date(YEAR - 2, 1, 1), actual_start=dt.date(YEAR + 1, 1, 1)
    )
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, unsupplied)["class"] == "UNSUPPLIED"
    assert row(result, idle)["class"] == "IDLE"
    assert row(result, takeback)["class"] == "IDLE_2Y"
    assert row(result, late_start)["class"] == "IDLE_2Y"  # started only after the year


def test_not_yet_due_is_building_and_stopped_works_review(policy):
    land = Land()
    building = land.parcel(agreed_start=dt.date(YEAR, 6, 1))
    stopped = land.parcel(agreed_start=dt.date(2020, 1, 1), actual_start=dt.date(2020, 2, 1))
    land.violation(stopped, "abandoned_construction")
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, building)["class"] == "BUILDING"
    assert row(result, stopped)["rule"] == "REVIEW-stopped-works"


def test_producing_without_tax_is_review(policy):
    land = Land()
    pid = land.parcel(**DONE)
    assert row(evaluate(policy, land.inputs(), YEAR), pid)["rule"] == "REVIEW-no-indicators"
