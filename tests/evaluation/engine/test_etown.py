"""Every rule of beijing-etown-2023 (seed 000), including each REVIEW case."""

import datetime as dt

import pytest

from landcycle.evaluation.engine import evaluate, load_policy

from .builders import YEAR, Land, row


@pytest.fixture(scope="module")
def policy():
    return load_policy("beijing-etown-2023")


def strong(land, eid, pid=None, area_ha=1.0):
    """Output 3.5 亿元/公顷 and tax 2,500 万元/公顷 on ``area_ha``."""
    land.figures(eid, parcel_id=pid, output_10k_cny=35_000 * area_ha, tax_10k_cny=2_500 * area_ha)


def run(policy, land):
    return evaluate(policy, land.inputs(), YEAR)


def test_self_used_meeting_both_thresholds_is_a(policy):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid))
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"], r["group"]) == ("A", "A-self-used", "above")
    assert "产权单位地均产值 3.5 亿元/公顷 ≥ 3 亿元/公顷" in r["reasons_zh"]
    assert r["gap_zh"] is None and r["next_class"] is None
    assert r["output_10k_cny_per_ha"] == pytest.approx(35_000)
    assert r["tax_10k_cny_per_mu"] == pytest.approx(2_500 / 15)


def test_self_used_below_tax_is_b_with_gap(policy):
    land = Land()
    pid = land.parcel(area_m2=20_000)
    land.figures(land.holder_of(pid), output_10k_cny=80_000, tax_10k_cny=3_700)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"], r["next_class"]) == ("B", "B-self-used", "A")
    assert r["gap_zh"] == "产权单位地均税收 1850 万元/公顷，A 类需 ≥ 2000 万元/公顷"
    assert "tax per hectare 1850 万元/公顷; A needs ≥ 2000 万元/公顷" in r["gap_en"]
    assert "1850 万元/公顷 < 2000 万元/公顷" in r["reasons_zh"]


def test_threshold_is_inclusive(policy):
    land = Land()
    pid = land.parcel()
    land.figures(land.holder_of(pid), output_10k_cny=30_000, tax_10k_cny=2_000)
    assert row(run(policy, land), pid)["class"] == "A"


def test_approved_park_sums_holder_and_tenants(policy):
    land = Land()
    pid = land.parcel(project_type="approved_park")
    holder = land.holder_of(pid)
    tenant = land.enterprise()
    land.lease(pid, tenant, area_m2=5_000, approved=True)
    land.figures(holder, output_10k_cny=15_000, tax_10k_cny=1_000)  # no parcel: by area
    land.figures(tenant, output_10k_cny=16_000, tax_10k_cny=1_100)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("A", "A-approved-park")
    assert r["output_10k_cny_per_ha"] == pytest.approx(31_000)


def test_approved_park_below_is_b(policy):
    land = Land()
    pid = land.parcel(project_type="approved_park")
    land.figures(land.holder_of(pid), output_10k_cny=29_000, tax_10k_cny=2_100)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("B", "B-approved-park")
    assert r["gap_zh"].startswith("地均产值 2.9 亿元/公顷，A 类需 ≥ 3 亿元/公顷")


def test_figures_without_parcel_split_by_occupied_area(policy):
    land = Land()
    holder = land.enterprise()
    big = land.parcel(holder=holder, area_m2=30_000)
    small = land.parcel(holder=holder, area_m2=10_000)
    land.figures(holder, output_10k_cny=160_000, tax_10k_cny=8_000)
    result = run(policy, land)
    assert row(result, big)["output_10k_cny_per_ha"] == pytest.approx(40_000)
    assert row(result, small)["output_10k_cny_per_ha"] == pytest.approx(40_000)
    assert row(result, big)["tax_10k_cny_per_ha"] == pytest.approx(2_000)


def test_renewal_park_met_commitment_is_a_not_met_is_b(policy):
    land = Land()
    met = land.parcel(project_type="renewal_park")
    missed = land.parcel(project_type="renewal_park")
    for pid in (met, missed):
        land.figures(land.holder_of(pid), output_10k_cny=5_000, tax_10k_cny=500)
    land.commitment(met, "tax_per_ha", 30, "万元/亩")  # 450 万元/公顷 ≤ 500
    land.commitment(missed, "tax_per_ha", 0.06, "亿元/公顷")  # 600 万元/公顷 > 500
    result = run(policy, land)
    assert (row(result, met)["class"], row(result, met)["rule"]) == ("A", "A-renewal-park")
    r = row(result, missed)
    assert (r["class"], r["rule"]) == ("B", "B-renewal-park")
    assert "承诺 0.06 亿元/公顷，实际 0.05" in r["reasons_zh"]


def test_renewal_park_without_commitment_is_review(policy):
    land = Land()
    pid = land.parcel(project_type="renewal_park")
    land.figures(land.holder_of(pid), output_10k_cny=5_000, tax_10k_cny=500)
    land.commitment(pid, "tax_per_ha", 1, "万元/公顷", year=YEAR - 1)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "REVIEW-renewal-park-no-commitment")


@pytest.mark.parametrize(
    "kind", ["litigation", "abandoned_construction", "industrial_to_residential"]
)
def test_litigation_abandoned_residential_are_d_even_when_strong(policy, kind):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid))
    land.violation(pid, kind)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("D", "D-legal-abandoned-residential")


def test_remediated_or_later_violation_does_not_count(policy):
    land = Land()
    fixed = land.parcel()
    later = land.parcel()
    for pid in (fixed, later):
        strong(land, land.holder_of(pid))
    land.violation(fixed, "litigation", status="remediated")
    land.violation(later, "litigation", found_on=dt.date(YEAR + 1, 1, 5))
    result = run(policy, land)
    assert row(result, fixed)["class"] == "A"
    assert row(result, later)["class"] == "A"


def test_unapproved_lease_to_unrelated_refusing_is_d(policy):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid))
    land.lease(pid, land.enterprise())
    land.violation(pid, "unauthorised_lease", refuses=True)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("D", "D-unrelated-lease-refused")


def test_unapproved_lease_willing_to_renew_is_c(policy):
    land = Land()
    pid = land.parcel()
    land.lease(pid, land.enterprise())
    land.violation(pid, "unauthorised_lease", agrees=True)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("C", "C-lease-renewal")


def test_refusing_lease_to_related_company_is_review_not_d(policy):
    land = Land()
    pid = land.parcel()
    holder, tenant = land.holder_of(pid), land.enterprise()
    land.shareholder(tenant, person=77)  # a common shareholder (a person)
    land.shareholder(holder, person=77)
    land.lease(pid, tenant)
    land.violation(pid, "unauthorised_lease", refuses=True)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "REVIEW-related-lease")
    assert "个人77" in r["reasons_zh"]


def test_lease_to_indirectly_held_company_is_related(policy):
    land = Land()
    pid = land.parcel()
    holder, middle, tenant = land.holder_of(pid), land.enterprise(), land.enterprise()
    land.shareholder(middle, enterprise=holder)
    land.shareholder(tenant, enterprise=middle)
    land.lease(pid, tenant)
    land.violation(pid, "unauthorised_lease", refuses=True)
    assert row(run(policy, land), pid)["rule"] == "REVIEW-related-lease"


def test_unapproved_lease_with_no_recorded_stance_is_review(policy):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid))
    land.lease(pid, land.enterprise())
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "REVIEW-lease-stance-unknown")


def test_lease_ended_before_the_year_or_approved_does_not_count(policy):
    land = Land()
    ended = land.parcel()
    approved = land.parcel()
    for pid in (ended, approved):
        strong(land, land.holder_of(pid), pid)
    land.lease(ended, land.enterprise(), start=dt.date(2020, 1, 1), end=dt.date(YEAR - 1, 6, 30))
    land.lease(approved, land.enterprise(), approved=True)
    result = run(policy, land)
    assert row(result, ended)["class"] == "A"
    assert row(result, approved)["class"] == "A"


def test_remediated_lease_record_clears_the_lease(policy):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid), pid)
    land.lease(pid, land.enterprise(), start=dt.date(YEAR - 1, 1, 1))
    land.violation(pid, "unauthorised_lease", status="remediated", found_on=dt.date(YEAR, 2, 1))
    assert row(run(policy, land), pid)["class"] == "A"


@pytest.mark.parametrize(
    "kind", ["breach_of_contract", "illegal_construction", "non_industrial_use"]
)
def test_breach_that_is_not_a_lease_is_review(policy, kind):
    land = Land()
    pid = land.parcel()
    strong(land, land.holder_of(pid))
    land.violation(pid, kind, status="in_progress")
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "REVIEW-other-breach")


def test_no_indicators_is_review(policy):
    land = Land()
    pid = land.parcel()
    land.figures(land.holder_of(pid), year=YEAR - 1, output_10k_cny=1, tax_10k_cny=1)
    r = row(run(policy, land), pid)
    assert (r["class"], r["rule"]) == ("REVIEW", "REVIEW-no-indicators")
    assert "需人工复核" in r["reasons_zh"]


def test_self_used_with_only_tenant_figures_is_review(policy):
    land = Land()
    pid = land.parcel()
    tenant = land.enterprise()
    land.lease(pid, tenant, approved=True)
    strong(land, tenant, pid)
    assert row(run(policy, land), pid)["rule"] == "REVIEW-self-used-no-holder-figures"


def test_unknown_project_type_is_review(policy):
    land = Land()
    pid = land.parcel(project_type="")
    strong(land, land.holder_of(pid))
    assert row(run(policy, land), pid)["rule"] == "REVIEW-project-type"


def test_results_sorted_by_code_and_ranked(policy):
    land = Land()
    b = land.parcel(code="B-1")
    a = land.parcel(code="A-1")
    land.figures(land.holder_of(a), output_10k_cny=1, tax_10k_cny=10)
    land.figures(land.holder_of(b), output_10k_cny=1, tax_10k_cny=20)
    result = run(policy, land)
    assert result["code"].to_list() == ["A-1", "B-1"]
    assert result["rank_jurisdiction"].to_list() == [2, 1]
    assert result["industry"].to_list() == ["33", "33"]


def test_consequences_are_declared(policy):
    lists = {item.id: item for item in policy.consequences.lists}
    assert lists["key_service"].classes == ("A", "B")
    assert lists["key_service"].include_related_parties
    assert lists["quality_holders"].public
    assert lists["renewal_guidance"].classes == ("C",)
    assert lists["enforcement"].classes == ("D",)
    assert policy.consequences.notice_days > 0
