"""Results of every shipped policy on a synthetic district stay what they were.

The golden files were written by the engine before its speed work (``regenerate`` below); any
change of class, score, text or column is a regression unless the policy logic was meant to change.
"""

import dataclasses
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from landcycle.evaluation.engine import evaluate, list_policies, load_policy
from landcycle.evaluation.engine.synthetic import synthetic_inputs

GOLDEN = Path(__file__).parent / "golden"
PARCELS = 1_000
YEAR = 2025
SHIPPED = [p.name for p in list_policies() if p.shipped]


@pytest.fixture(scope="module")
def inputs():
    return synthetic_inputs(PARCELS)


def test_every_shipped_policy_has_a_golden_file():
    assert sorted(p.stem for p in GOLDEN.glob("*.parquet")) == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_results_equal_golden(inputs, name):
    expected = pl.read_parquet(GOLDEN / f"{name}.parquet")
    result = evaluate(load_policy(name), inputs, YEAR)
    # Float sums may differ in the last bits with another summation order; texts may not.
    assert_frame_equal(result, expected, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)


def regenerate() -> None:  # pragma: no cover - run by hand when results are meant to change
    inputs = synthetic_inputs(PARCELS)
    for name in SHIPPED:
        evaluate(load_policy(name), inputs, YEAR).write_parquet(
            GOLDEN / f"{name}.parquet", compression="zstd", compression_level=19
        )


if __name__ == "__main__":
    regenerate()


@pytest.mark.parametrize("name", ["beijing-etown-2023", "jiangsu-huaian-2024"])
def test_parcel_order_of_the_inputs_does_not_matter(inputs, name):
    shuffled = dataclasses.replace(
        inputs, parcels=inputs.parcels.sample(fraction=1.0, shuffle=True, seed=7)
    )
    expected = pl.read_parquet(GOLDEN / f"{name}.parquet")
    result = evaluate(load_policy(name), shuffled, YEAR)
    assert_frame_equal(result, expected, check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
