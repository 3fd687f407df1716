"""Properties: more tax or output never lowers a class; units of data and thresholds don't matter."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcycle.core.units import HECTARE, MU, WAN_YUAN, YI_YUAN, YUAN, convert
from landcycle.evaluation.engine import REVIEW, EvaluationInputs, evaluate, load_policy
from landcycle.evaluation.engine.loader import SHIPPED_DIR, load_policy_text

YEAR = 2025
PROJECTS = ["self_used", "approved_park", "renewal_park", ""]
VIOLATIONS = [None, "unauthorised_lease", "litigation", "breach_of_contract"]

parcel_st = st.fixed_dictionaries(
    {
        "project_type": st.sampled_from(PROJECTS),
        "supply_method": st.sampled_from(["tender_auction", "lease_then_sell", "long_lease"]),
        "scale": st.sampled_from(["above", "below"]),
        "area_m2": st.sampled_from([2_000.0, 6_000.0, 10_000.0, 40_000.0]),
        # tax and output per hectare in 万元, near the thresholds (2,000 and 30,000) or missing
        "tax": st.one_of(st.none(), st.sampled_from([0.0, 1_999.0, 2_000.0]), st.floats(1, 5_000)),
        "output": st.one_of(st.none(), st.sampled_from([29_999.0, 30_000.0]), st.floats(1, 60_000)),
        "violation": st.sampled_from(VIOLATIONS),
        "refuses": st.sampled_from([None, True, False]),
        "agrees": st.sampled_from([None, True, False]),
        "tagged": st.booleans(),
    }
)


def build(specs, per_area_unit=HECTARE) -> EvaluationInputs:
    """Inputs from specs; ``tax`` and ``output`` are 万元 per ``per_area_unit``."""
    parcels, enterprises, indicators, violations = [], [], [], []
    for i, s in enumerate(specs, start=1):
        parcels.append(
            {"parcel_id": i, "code": f"P{i:03d}", "jurisdiction_id": 1, "area_m2": s["area_m2"],
             "holder_id": 100 + i, "project_type": s["project_type"],
             "supply_method": s["supply_method"], "actual_completion": dt.date(2015, 1, 1),
             "agreed_start": dt.date(2014, 1, 1), "actual_start": dt.date(2014, 1, 1)}
        )  # fmt: skip
        enterprises.append(
            {"enterprise_id": 100 + i, "industry_code": "C3311", "scale": s["scale"],
             "tags": ["世界500强"] if s["tagged"] else []}
        )  # fmt: skip
        units = s["area_m2"] / (per_area_unit.factor)
        indicators.append(
            {"enterprise_id": 100 + i, "year": YEAR,
             "tax_10k_cny": None if s["tax"] is None else s["tax"] * units,
             "output_10k_cny": None if s["output"] is None else s["output"] * units,
             "investment_10k_cny": 9_000.0 * s["area_m2"] / 10_000,
             "value_added_10k_cny": 500.0, "energy_tce": 100.0, "revenue_10k_cny": 5_000.0}
        )  # fmt: skip
        indicators.append(
            {"enterprise_id": 100 + i, "year": YEAR - 1, "tax_10k_cny": 100.0,
             "revenue_10k_cny": 1_000.0, "energy_tce": 10.0}
        )  # fmt: skip
        if s["violation"]:
            violations.append(
                {"parcel_id": i, "kind": s["violation"], "found_on": dt.date(YEAR, 1, 2),
                 "status": "open", "refuses_correction": s["refuses"],
                 "agrees_to_renewal": s["agrees"]}
            )  # fmt: skip
    frames = {
        "parcels": pl.DataFrame(parcels),
        "enterprises": pl.DataFrame(enterprises, schema_overrides={"tags": pl.List(pl.String)}),
        "indicators": pl.DataFrame(indicators, infer_schema_length=None),
        "violations": pl.DataFrame(
            violations,
            schema={
                "parcel_id": pl.Int64,
                "kind": pl.String,
                "found_on": pl.Date,
                "status": pl.String,
                "refuses_correction": pl.Boolean,
                "agrees_to_renewal": pl.Boolean,
            },
        ),  # fmt: skip
    }
    return EvaluationInputs(**frames)


MONOTONE_POLICIES = [
    load_policy(name)
    for name in ("beijing-etown-2023", "mentougou-admission-2021", "mentougou-admission-2019",
                 "yuzhou-baiyuan-2021", "zhejiang-mujun", "jiangsu-huaian-2024", "anhui-jingde-2022")
]  # fmt: skip


def order(policy, klass):
    return policy.class_order(klass)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specs=st.lists(parcel_st, min_size=1, max_size=6),
    pick=st.integers(0, 5),
    factor=st.floats(1.0, 4.0),
    which=st.sampled_from(["tax", "output", "both"]),
)
def test_more_tax_or_output_never_lowers_the_class(specs, pick, factor, which):
    i = pick % len(specs)
    raised = [dict(s) for s in specs]
    for key in ("tax", "output") if which == "both" else (which,):
        if raised[i][key] is not None:
            raised[i][key] = raised[i][key] * factor + 1
    before_inputs, after_inputs = build(specs), build(raised)
    for policy in MONOTONE_POLICIES:
        before = evaluate(policy, before_inputs, YEAR)["class"][i]
        after = evaluate(policy, after_inputs, YEAR)["class"][i]
        if before == REVIEW or after == REVIEW:
            assert before == after, (policy.name, before, after)
        else:
            assert order(policy, after) <= order(policy, before), (policy.name, before, after)


def etown_in_other_units():
    """E-Town with its thresholds written in 元/亩 (3 亿元/公顷 = 2,000,000 元/亩 …)."""
    text = (SHIPPED_DIR / "beijing-etown-2023.toml").read_text(encoding="utf-8")
    output = convert(3, YI_YUAN, YUAN) / convert(1, HECTARE, MU)
    tax = convert(2_000, WAN_YUAN, YUAN) / convert(1, HECTARE, MU)
    text = text.replace(
        'output = { value = 3, unit = "亿元/公顷" }',
        f'output = {{ value = {output!r}, unit = "元/亩" }}',
    )
    text = text.replace(
        'tax = { value = 2000, unit = "万元/公顷" }', f'tax = {{ value = {tax!r}, unit = "元/亩" }}'
    )
    assert "元/亩" in text
    return load_policy_text(text)


ETOWN = load_policy("beijing-etown-2023")
ETOWN_MU = etown_in_other_units()


@settings(max_examples=40, deadline=None)
@given(specs=st.lists(parcel_st, min_size=1, max_size=8))
def test_units_of_thresholds_and_data_do_not_change_classes(specs):
    canonical = evaluate(ETOWN, build(specs), YEAR)
    # The same facts given per 亩 and in 元, converted to the ledger's units at the edge.
    per_mu = []
    for s in specs:
        t = dict(s)
        for key in ("tax", "output"):
            if t[key] is not None:
                yuan_per_mu = convert(t[key], WAN_YUAN, YUAN) / convert(1, HECTARE, MU)
                t[key] = convert(yuan_per_mu, YUAN, WAN_YUAN)  # 万元 per 亩
        per_mu.append(t)
    other = evaluate(ETOWN_MU, build(per_mu, per_area_unit=MU), YEAR)
    assert canonical["class"].to_list() == other["class"].to_list()
    assert canonical["rule"].to_list() == other["rule"].to_list()
