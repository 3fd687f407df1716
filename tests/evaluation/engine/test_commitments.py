"""Commitments naming a metric the policy itself does not read (investment per hectare …)."""

import pytest

from landcycle.evaluation.engine import evaluate, load_policy

from .builders import YEAR, Land, row


@pytest.mark.parametrize("name", ["beijing-etown-2023", "zhejiang-mujun"])
def test_investment_commitment_in_the_year_is_judged_not_a_crash(name):
    policy = load_policy(name)
    assert "investment_total_10k_cny_per_ha" not in policy.metrics_used()
    land = Land()
    met = land.parcel(area_m2=20_000.0, project_type="renewal_park")
    missed = land.parcel(area_m2=20_000.0, project_type="renewal_park")
    for pid in (met, missed):
        eid = land.holder_of(pid)
        # Cumulative investment: 10,000 + 6,000 万元 over 2 ha = 8,000 万元/公顷.
        land.figures(eid, year=YEAR - 1, investment_10k_cny=10_000)
        land.figures(eid, output_10k_cny=5_000, tax_10k_cny=500, investment_10k_cny=6_000)
    land.commitment(met, "investment_per_ha", 7_000, "万元/公顷")
    land.commitment(missed, "investment_per_ha", 0.9, "亿元/公顷")
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, met)["commitments_detail_zh"] == (
        "investment_per_ha：承诺 7000 万元/公顷，实际 8000"
    )
    assert row(result, missed)["commitments_detail_zh"] == (
        "investment_per_ha：承诺 0.9 亿元/公顷，实际 0.8"
    )
    # The result's columns stay the policy's: the commitment's metric is not added.
    assert "investment_total_10k_cny_per_ha" not in result.columns


def test_investment_commitment_decides_a_rule():
    policy = load_policy("beijing-etown-2023")
    land = Land()
    met = land.parcel(project_type="renewal_park")
    missed = land.parcel(project_type="renewal_park")
    for pid in (met, missed):
        land.figures(land.holder_of(pid), output_10k_cny=5_000, tax_10k_cny=500)
        land.figures(land.holder_of(pid), investment_10k_cny=8_000)
    land.commitment(met, "investment_per_ha", 8_000, "万元/公顷")
    land.commitment(missed, "investment_per_ha", 8_001, "万元/公顷")
    result = evaluate(policy, land.inputs(), YEAR)
    assert row(result, met)["rule"] == "A-renewal-park"
    assert row(result, missed)["class"] != "A"
