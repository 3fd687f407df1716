"""Input frames: contract checks with clear errors, and a stable fingerprint."""

import polars as pl
import pytest

from landcycle.evaluation.engine import EvaluationInputs, InputError, inputs_fingerprint

from .builders import Land


def sample():
    land = Land()
    pid = land.parcel()
    other = land.parcel()
    tenant = land.enterprise()
    land.lease(pid, tenant)
    land.figures(land.holder_of(pid), output_10k_cny=10.0, tax_10k_cny=1.0)
    land.figures(land.holder_of(other), output_10k_cny=20.0, tax_10k_cny=2.0)
    land.shareholder(tenant, person=3)
    return land.inputs()


def test_missing_required_column_is_named():
    with pytest.raises(InputError, match=r"parcels: missing column\(s\) area_m2"):
        EvaluationInputs(
            parcels=pl.DataFrame({"parcel_id": [1], "code": ["a"], "jurisdiction_id": [1]})
        )


def test_wrong_type_is_named():
    parcels = pl.DataFrame(
        {"parcel_id": [1], "code": ["a"], "jurisdiction_id": [1], "area_m2": ["big"]}
    )
    with pytest.raises(InputError, match=r"parcels\.area_m2: expected Float64, got String"):
        EvaluationInputs(parcels=parcels)


def test_duplicate_ids_and_bad_area_are_refused():
    base = {
        "parcel_id": [1, 1],
        "code": ["a", "b"],
        "jurisdiction_id": [1, 1],
        "area_m2": [1.0, 2.0],
    }
    with pytest.raises(InputError, match="not unique"):
        EvaluationInputs(parcels=pl.DataFrame(base))
    base["parcel_id"] = [1, 2]
    base["area_m2"] = [1.0, 0.0]
    with pytest.raises(InputError, match="parcel 'b' has 0.0"):
        EvaluationInputs(parcels=pl.DataFrame(base))


def test_optional_frames_and_columns_default_to_empty():
    inputs = EvaluationInputs(
        parcels=pl.DataFrame(
            {"parcel_id": [1], "code": ["a"], "jurisdiction_id": [1], "area_m2": [1.0]}
        )
    )
    assert inputs.leases.height == 0
    assert inputs.parcels["holder_id"].dtype == pl.Int64
    assert "electricity_kwh" in inputs.indicators.columns


def test_fingerprint_ignores_row_order_but_not_data_or_year():
    inputs = sample()
    shuffled = EvaluationInputs(
        **{name: frame.reverse() for name, frame in inputs.frames().items()}
    )
    assert inputs_fingerprint(inputs, 2025) == inputs_fingerprint(shuffled, 2025)
    assert inputs_fingerprint(inputs, 2025) != inputs_fingerprint(inputs, 2024)
    changed = EvaluationInputs(
        **{
            **inputs.frames(),
            "indicators": inputs.indicators.with_columns(pl.col("tax_10k_cny") + 1),
        }
    )
    assert inputs_fingerprint(changed, 2025) != inputs_fingerprint(inputs, 2025)


def _with(inputs, name, *exprs):
    return EvaluationInputs(**{**inputs.frames(), name: getattr(inputs, name).with_columns(*exprs)})


def test_fingerprint_sees_figures_to_nine_decimals_and_nulls():
    inputs = sample()
    base = inputs_fingerprint(inputs, 2025)
    tax = pl.col("tax_10k_cny")
    assert inputs_fingerprint(_with(inputs, "indicators", tax + 1e-12), 2025) == base
    assert inputs_fingerprint(_with(inputs, "indicators", tax + 1e-6), 2025) != base
    nulled = _with(inputs, "indicators", pl.lit(None, pl.Float64).alias("tax_10k_cny"))
    zeroed = _with(inputs, "indicators", pl.lit(0.0).alias("tax_10k_cny"))
    assert len({base, inputs_fingerprint(nulled, 2025), inputs_fingerprint(zeroed, 2025)}) == 3


def test_fingerprint_keeps_text_boundaries():
    inputs = sample()
    first, second = inputs.parcels["code"][0], inputs.parcels["code"][1]
    moved = pl.Series("code", [first + second[:1], second[1:], *inputs.parcels["code"][2:]])
    shifted = EvaluationInputs(**{**inputs.frames(), "parcels": inputs.parcels.with_columns(moved)})
    assert inputs_fingerprint(shifted, 2025) != inputs_fingerprint(inputs, 2025)


def test_rows_naming_unknown_parcels_are_refused():
    land = Land()
    pid = land.parcel()
    land.figures(land.holder_of(pid), parcel_id=pid + 999, tax_10k_cny=1.0)
    with pytest.raises(InputError, match=r"indicators\.parcel_id: 1 row\(s\) name a parcel"):
        land.inputs()


@pytest.mark.parametrize("name", ["beijing-etown-2023", "zhejiang-mujun", "jiangsu-huaian-2024"])
def test_no_parcels_gives_an_empty_result_with_the_columns(name):
    from landcycle.evaluation.engine import evaluate, load_policy

    empty = EvaluationInputs(parcels=sample().parcels.clear())
    result = evaluate(load_policy(name), empty, 2025)
    assert result.height == 0
    assert {"parcel_id", "class", "reasons_zh", "gap_zh", "rank_industry"} <= set(result.columns)
