"""Texts written on read (``explain``) are the texts the evaluation writes itself."""

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from landcycle.evaluation.engine import TEXT_COLUMNS, evaluate, explain, list_policies, load_policy
from landcycle.evaluation.engine.synthetic import synthetic_inputs

YEAR = 2025
SHIPPED = [p.name for p in list_policies() if p.shipped]
RULE_POLICIES = [n for n in SHIPPED if load_policy(n).kind == "rules"]


@pytest.fixture(scope="module")
def inputs():
    return synthetic_inputs(2_000)


@pytest.mark.parametrize("name", SHIPPED)
def test_explained_later_equals_explained_at_once(inputs, name):
    policy = load_policy(name)
    decided = evaluate(policy, inputs, YEAR, texts=False)
    assert_frame_equal(explain(policy, decided), evaluate(policy, inputs, YEAR))


@pytest.mark.parametrize("name", RULE_POLICIES)
def test_rule_policies_leave_only_decided_rows_without_text(inputs, name):
    decided = evaluate(load_policy(name), inputs, YEAR, texts=False)
    by_rule = decided.with_columns(pl.col("reasons_zh").is_null().alias("bare"))
    assert by_rule.filter(pl.col("rule") == "no-rule")["bare"].sum() == 0
    assert by_rule.filter(pl.col("rule") != "no-rule")["bare"].all()


def test_explain_reads_only_the_row(inputs):
    """Any subset of rows, in any order, gets the texts it had in the whole evaluation."""
    policy = load_policy("beijing-etown-2023")
    full = evaluate(policy, inputs, YEAR)
    some = evaluate(policy, inputs, YEAR, texts=False).sample(100, seed=1)
    expected = full.join(some.select("parcel_id"), on="parcel_id", how="semi")
    got = explain(policy, some).sort("parcel_id")
    assert_frame_equal(got, expected.sort("parcel_id"))


def test_rows_with_texts_are_left_alone(inputs):
    policy = load_policy("beijing-etown-2023")
    full = evaluate(policy, inputs, YEAR).head(5)
    edited = full.with_columns(pl.lit("stored").alias("reasons_zh"))
    assert explain(policy, edited)["reasons_zh"].to_list() == ["stored"] * 5


def test_missing_text_columns_are_added():
    policy = load_policy("beijing-etown-2023")
    frame = pl.DataFrame({"rule": ["A-self-used"], "tax_10k_cny_per_ha": [2500.0]})
    out = explain(policy, frame)
    assert set(TEXT_COLUMNS) <= set(out.columns)
    assert out["reasons_zh"][0]
