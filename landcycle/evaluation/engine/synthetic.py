"""Synthetic input frames of any size, deterministic from a seed (benchmarks, property tests).

Not the demo district (that is ``landcycle.demo``): plain arrays shaped like the contract.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from .inputs import EvaluationInputs

INDUSTRIES = ["C3311", "C3912", "C2710", "C3670", "C3484", "C1711", "D4411", "C2614", "C3990"]
PROJECT_TYPES = ["self_used", "self_used", "self_used", "approved_park", "renewal_park", ""]
SUPPLY = ["tender_auction", "agreement", "lease_then_sell", "flexible_term", "long_lease", ""]
VIOLATIONS = [
    "unauthorised_lease",
    "unauthorised_lease",
    "litigation",
    "abandoned_construction",
    "illegal_construction",
    "breach_of_contract",
]


def synthetic_inputs(n: int, year: int = 2025, years: int = 5, seed: int = 1) -> EvaluationInputs:
    """``n`` parcels, one holder each, ~n/10 tenants, ``years`` years of indicators up to ``year``."""
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1, dtype=np.int64)
    n_tenants = max(n // 10, 1)
    tenant_ids = np.arange(n + 1, n + n_tenants + 1, dtype=np.int64)
    area = rng.uniform(2_000, 120_000, n).round(1)
    epoch = dt.date(year - 8, 1, 1)
    agreed = rng.integers(0, 365 * 8, n)
    started = rng.random(n) < 0.9
    actual_start = np.where(started, agreed + rng.integers(-30, 200, n), -1)
    completion = np.where(started, actual_start + rng.integers(300, 900, n), -1)

    def dates(days: np.ndarray) -> pl.Series:
        s = pl.Series(days.astype(np.int64))
        out = pl.lit(epoch) + pl.duration(days=s)
        return pl.select(pl.when(s >= 0).then(out)).to_series()

    parcels = pl.DataFrame(
        {
            "parcel_id": ids,
            "code": [f"P{i:08d}" for i in ids] if n <= 200_000 else None,
            "jurisdiction_id": rng.integers(1, 21, n),
            "land_use": "工业",
            "supply_method": rng.choice(SUPPLY, n),
            "project_type": rng.choice(PROJECT_TYPES, n),
            "area_m2": area,
            "holder_id": np.where(rng.random(n) < 0.97, ids, -1),
        }
    )
    if parcels["code"].null_count():
        parcels = parcels.with_columns(
            pl.format("P{}", pl.col("parcel_id").cast(pl.String).str.zfill(8)).alias("code")
        )
    parcels = parcels.with_columns(
        pl.when(pl.col("holder_id") > 0).then(pl.col("holder_id")).alias("holder_id"),
        agreed_start=dates(agreed),
        actual_start=dates(actual_start),
        actual_completion=dates(completion),
        in_control_line=pl.lit(True),
        far=pl.lit(1.5),
    )

    all_ent = np.concatenate([ids, tenant_ids])
    m = len(all_ent)
    tags = rng.random(m)
    enterprises = pl.DataFrame(
        {
            "enterprise_id": all_ent,
            "uscc": "",
            "name": "",
            "industry_code": rng.choice(INDUSTRIES, m),
            "scale": rng.choice(["above", "below", "below"], m),
        }
    ).with_columns(
        pl.Series(
            "tags",
            np.where(tags < 0.03, "世界500强", np.where(tags < 0.06, "上市公司", "")),
        )
        .str.split(",")
        .list.eval(pl.element().filter(pl.element() != ""))
    )

    # Indicators: every enterprise, every year; 70 % without a parcel (attributed by area).
    ind_years = np.repeat(np.arange(year - years + 1, year + 1, dtype=np.int32), m)
    ent_rep = np.tile(all_ent, years)
    k = len(ent_rep)
    size = (
        np.where(
            ent_rep <= n,
            np.tile(np.concatenate([area, rng.uniform(500, 5_000, n_tenants)]), years),
            1.0,
        )
        / 10_000
    )
    with_parcel = (rng.random(k) < 0.3) & (ent_rep <= n)
    output = rng.lognormal(9.5, 1.0, k) * size
    indicators = pl.DataFrame(
        {
            "enterprise_id": ent_rep,
            "year": ind_years,
            "parcel_id": np.where(with_parcel, ent_rep, -1),
            "output_10k_cny": output,
            "revenue_10k_cny": output * rng.uniform(0.8, 1.2, k),
            "tax_10k_cny": output * rng.uniform(0.02, 0.12, k),
            "value_added_10k_cny": output * rng.uniform(0.2, 0.35, k),
            "energy_tce": output * rng.uniform(0.01, 0.2, k),
            "emissions_t": np.where(
                rng.random(k) < 0.8, output * rng.uniform(1e-5, 1e-4, k), np.nan
            ),
            "rd_expense_10k_cny": output * rng.uniform(0.0, 0.06, k),
            "investment_10k_cny": rng.lognormal(7.5, 1.0, k) * size,
            "employees": rng.integers(5, 2_000, k),
            "electricity_kwh": output * rng.uniform(100, 800, k),
        }
    ).with_columns(
        pl.when(pl.col("parcel_id") > 0).then(pl.col("parcel_id")).alias("parcel_id"),
        pl.col("emissions_t").fill_nan(None),
    )

    # Leases: each tenant rents part of one parcel; 60 % approved.
    lease_parcels = rng.choice(ids, n_tenants, replace=n_tenants > n)
    lease_start = rng.integers(0, 365 * 8, n_tenants)
    leases = pl.DataFrame(
        {
            "parcel_id": lease_parcels,
            "tenant_id": tenant_ids,
            "area_m2": rng.uniform(200, 2_000, n_tenants).round(1),
            "approved": rng.random(n_tenants) < 0.6,
        }
    ).with_columns(start=dates(lease_start), end=pl.lit(None, pl.Date))

    n_viol = max(n // 30, 1)
    viol_parcels = rng.choice(ids, n_viol, replace=False)
    violations = (
        pl.DataFrame(
            {
                "parcel_id": viol_parcels,
                "enterprise_id": viol_parcels,
                "kind": rng.choice(VIOLATIONS, n_viol),
                "status": rng.choice(["open", "in_progress", "remediated"], n_viol),
            }
        )
        .with_columns(
            refuses_correction=_tri_state(rng, n_viol),
            agrees_to_renewal=_tri_state(rng, n_viol),
        )
        .with_columns(found_on=dates(rng.integers(365 * 5, 365 * 8, n_viol)))
    )

    renewal = parcels.filter(pl.col("project_type") == "renewal_park")["parcel_id"]
    commitments = pl.DataFrame(
        {
            "parcel_id": renewal,
            "indicator": "tax_per_ha",
            "value": rng.uniform(200, 3_000, len(renewal)),
            "unit": "万元/公顷",
            "year": np.full(len(renewal), year, dtype=np.int32),
        }
    )

    # Relations: a legal representative per enterprise (persons shared by ~1/3), and for 30 % of
    # tenants a common shareholder with their landlord or a direct holding.
    persons = rng.integers(1, max(2 * m // 3, 2), m)
    legal = pl.DataFrame(
        {"subject_id": all_ent, "kind": "legal_representative", "party_person_id": persons}
    )
    share = rng.random(n_tenants) < 0.3
    holding = pl.DataFrame(
        {
            "subject_id": tenant_ids[share],
            "kind": "shareholder",
            "party_enterprise_id": lease_parcels[share],
            "share_percent": rng.uniform(10, 100, int(share.sum())),
        }
    )
    relations = pl.concat([legal, holding], how="diagonal_relaxed")
    return EvaluationInputs(
        parcels=parcels,
        enterprises=enterprises,
        indicators=indicators,
        leases=leases,
        violations=violations,
        commitments=commitments,
        relations=relations,
    )


def _tri_state(rng, k: int) -> pl.Series:
    draw = rng.integers(0, 3, k)
    return pl.Series(np.where(draw == 2, None, draw == 1).tolist(), dtype=pl.Boolean)
