"""One frame per evaluation: a row per parcel with its metrics and facts for the year.

Attribution follows the contract: an indicator row with a parcel goes to that parcel; one without
is split over the parcels the enterprise occupies in the year, in proportion to occupied area
(held parcels: registered area less the area leased out; rented parcels: the leased area).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from .explain import num, tag_column
from .graph import equity_related_pairs
from .inputs import EvaluationInputs
from .quantities import convert_value, policy_unit
from .schema import EquityOptions
from .vocabulary import COMMITMENT_METRICS, FIGURES, METRICS, MONEY_FIGURES, VIOLATION_KINDS

M2_PER_HA = 10_000.0
M2_PER_MU = 10_000.0 / 15
REL_TOL = 1e-9  # comparisons forgive float noise from unit conversion

# GB/T 4754-2017: division (2 digits) → section (门类) letter.
_SECTIONS = [
    (1, 5, "A"), (6, 12, "B"), (13, 43, "C"), (44, 46, "D"), (47, 50, "E"), (51, 52, "F"),
    (53, 60, "G"), (61, 62, "H"), (63, 65, "I"), (66, 69, "J"), (70, 70, "K"), (71, 72, "L"),
    (73, 75, "M"), (76, 79, "N"), (80, 82, "O"), (83, 83, "P"), (84, 85, "Q"), (86, 90, "R"),
    (91, 96, "S"), (97, 97, "T"),
]  # fmt: skip
DIVISION_SECTION = {f"{d:02d}": s for lo, hi, s in _SECTIONS for d in range(lo, hi + 1)}


RESULT_ORDER = ["code", "parcel_id"]
# Per-area figures every result carries, whatever the policy reads.
STANDARD_FIGURES = ["area_m2"] + [
    f"{fig}_per_{per}" for fig in MONEY_FIGURES for per in ("ha", "mu")
]


def in_result_order(frame: pl.DataFrame) -> bool:
    """Rows sorted by code, then parcel id (one comparison per row, no sort)."""
    if frame.height < 2 or frame["code"].null_count():
        return frame.height < 2
    code, pid = pl.col("code"), pl.col("parcel_id")
    after = (code > code.shift()) | ((code == code.shift()) & (pid >= pid.shift()))
    return bool(frame.select(after.slice(1).all()).item())


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def active_leases(leases: pl.DataFrame, parcels: pl.DataFrame, year: int) -> pl.DataFrame:
    """Leases running at some time in the year; an unknown area counts as the whole parcel."""
    start, end = year_bounds(year)
    return (
        leases.filter(
            (pl.col("start").is_null() | (pl.col("start") <= end))
            & (pl.col("end").is_null() | (pl.col("end") >= start))
        )
        .join(parcels.select("parcel_id", pl.col("area_m2").alias("_parcel_m2")), on="parcel_id")
        .with_columns(pl.coalesce("area_m2", "_parcel_m2").alias("area_m2"))
        .drop("_parcel_m2")
    )


def occupancy(parcels: pl.DataFrame, leases: pl.DataFrame) -> pl.DataFrame:
    """enterprise_id, parcel_id, share: the part of the enterprise's occupied area on the parcel
    (a pair may come in more than one row; the shares of an enterprise sum to 1)."""
    leased_out = leases.group_by("parcel_id").agg(pl.col("area_m2").sum().alias("_leased"))
    held = (
        parcels.filter(pl.col("holder_id").is_not_null())
        .join(leased_out, on="parcel_id", how="left")
        .select(
            pl.col("holder_id").alias("enterprise_id"),
            "parcel_id",
            (pl.col("area_m2") - pl.col("_leased").fill_null(0)).clip(0).alias("occupied_m2"),
        )
    )
    rented = leases.select(
        pl.col("tenant_id").alias("enterprise_id"),
        "parcel_id",
        pl.col("area_m2").alias("occupied_m2"),
    )
    # A pair may come twice (held and rented, two leases): attribution sums its rows anyway.
    occ = pl.concat([held, rented])
    return occ.with_columns(
        (pl.col("occupied_m2") / pl.col("occupied_m2").sum().over("enterprise_id")).alias("share")
    ).filter(pl.col("share").is_finite())


def attribute(indicators: pl.DataFrame, occ: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """enterprise_id, parcel_id and ``columns`` attributed to parcels (not yet summed)."""
    direct = indicators.filter(pl.col("parcel_id").is_not_null()).select(
        "enterprise_id", "parcel_id", *columns
    )
    spread = (
        indicators.filter(pl.col("parcel_id").is_null())
        .drop("parcel_id")
        .join(occ.select("enterprise_id", "parcel_id", "share"), on="enterprise_id")
        .select("enterprise_id", "parcel_id", *[pl.col(c) * pl.col("share") for c in columns])
    )
    return pl.concat([direct, spread])


def _sum_at(values: pl.Series, positions: np.ndarray, n: int, rows: np.ndarray) -> pl.Series:
    """Sum of ``values`` at each of ``n`` positions; null where no value is (as SQL's SUM).

    ``rows`` is the count of values at each position (``np.bincount(positions)``).
    """
    total = np.bincount(positions, values.cast(pl.Float64).fill_null(0).to_numpy(), minlength=n)
    if values.null_count():
        present = np.bincount(positions[values.is_not_null().to_numpy()], minlength=n)
    else:
        present = rows
    return pl.Series(values.name, total).set(pl.Series(present == 0), None)  # type: ignore[arg-type]


def row_positions(keys: pl.Series, ids: pl.Series) -> np.ndarray:
    """The row of each of ``keys`` in ``ids`` (unique, not null), -1 where it is not there.

    Ids that are compact integers (database ids) index a table directly; others are searched.
    """
    id_values = ids.cast(pl.Int64).to_numpy()
    wanted = keys.cast(pl.Int64).fill_null(-1).to_numpy()
    n = len(id_values)
    out = np.full(len(wanted), -1, dtype=np.intp)
    if n == 0:
        return out
    lowest, highest = int(id_values.min()), int(id_values.max())
    if lowest >= 0 and highest <= 4 * n + 1024:
        table = np.full(highest + 1, -1, dtype=np.intp)
        table[id_values] = np.arange(n)
        inside = (wanted >= 0) & (wanted <= highest)
        out[inside] = table[wanted[inside]]
        return out
    order = np.argsort(id_values, kind="stable")
    ordered = id_values[order]
    at = np.searchsorted(ordered, wanted).clip(0, n - 1)
    return np.where(ordered[at] == wanted, order[at], -1)


def lookup(keys: pl.Series, table: pl.DataFrame, key: str) -> pl.DataFrame:
    """For each of ``keys``, the other columns of the ``table`` row with that ``key`` (nulls if
    none): a left join in the order of ``keys`` by row position (``row_positions``), a fraction
    of a hash join's time on this 2-core machine; the key must be unique.
    """
    table = table.filter(pl.col(key).is_not_null())
    rest = table.drop(key)
    if table.height == 0:
        return rest.clear(len(keys))
    at = row_positions(keys, table[key])
    index = pl.Series(at).set(pl.Series(at < 0), None)  # type: ignore[arg-type]
    return rest.select(pl.all().gather(index))


def _attach(frame: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """Left-join a narrow per-parcel table without copying the (wide) frame's columns."""
    return frame.hstack(lookup(frame["parcel_id"], table, "parcel_id"))


def _sum_or_null(column: str, alias: str | None = None, mask: pl.Expr | None = None) -> pl.Expr:
    col = pl.col(column) if mask is None else pl.when(mask).then(pl.col(column))
    return pl.when(col.count() > 0).then(col.sum()).alias(alias or column)


def _ratio(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    return pl.when(den > 0).then(num / den)


def build_frame(
    inputs: EvaluationInputs,
    year: int,
    metrics_needed: set[str],
    equity: EquityOptions,
    metrics_only: bool = False,
    tag_sets: set[tuple[str, ...]] = frozenset(),
) -> pl.DataFrame:
    """The per-parcel frame: contract parcel columns, holder attributes, metrics and facts.

    Metrics are computed when needed (and the standard per-area figures always); ``tag_sets``
    become one holder column each (``tag_column``), tested once per enterprise. ``metrics_only``
    skips holder attributes, violations, leases and commitments (a previous year's benchmark).
    Rows are in the result's order (code, then parcel id).
    """
    _, year_end = year_bounds(year)
    if not metrics_only:
        # A commitment may name a metric the policy does not read (investment per hectare).
        metrics_needed = metrics_needed | commitment_metrics(inputs.commitments, year)
    parcels = inputs.parcels
    # Rows in the result's order from the start: the wide result then needs no sort.
    if not in_result_order(parcels):
        parcels = parcels.sort(RESULT_ORDER)
    ent = inputs.enterprises.lazy().select(
        pl.col("enterprise_id").alias("holder_id"),
        pl.col("scale").fill_null("").alias("holder_scale"),
        pl.col("industry_code").fill_null("").alias("holder_industry_code"),
        *[
            pl.col("tags")
            .list.eval(pl.element().is_in(list(tags)))
            .list.any()
            .alias(tag_column(tags))
            for tags in sorted(tag_sets)
        ],
    )
    leases = active_leases(inputs.leases, parcels, year)
    occ = occupancy(parcels.lazy(), leases.lazy()).collect()

    # Only the metrics wanted are computed, and only the figures they read are summed.
    wanted = metrics_needed | set(STANDARD_FIGURES)
    metric_exprs = [e for e in _metric_columns(year_end) if e.meta.output_name() in wanted]
    read = {name for e in metric_exprs for name in e.meta.root_names()} | metrics_needed
    figure_columns = [c for c in FIGURES if c in read]
    current = (
        inputs.indicators.lazy()
        .filter(pl.col("year") == year)
        .with_columns(pl.col("employees").cast(pl.Float64))
    )
    # Each parcel's position in the frame: sums are made by position (np.bincount), a few
    # milliseconds a column, instead of a hash group-by and a join back.
    attributed = attribute(current, occ.lazy(), figure_columns).collect()
    positions = row_positions(attributed["parcel_id"], parcels["parcel_id"])
    attributed = attributed.filter(pl.Series(positions >= 0))
    positions = positions[positions >= 0]
    holder = parcels["holder_id"].gather(pl.Series(positions))
    attributed = attributed.with_columns(
        pl.when(pl.col("enterprise_id") == holder).then(pl.col(c)).alias(f"holder_{c}")
        for c in MONEY_FIGURES
        if f"holder_{c}_per_ha" in metrics_needed
    ).drop("enterprise_id", "parcel_id")
    n = parcels.height
    rows = np.bincount(positions, minlength=n)
    summed = attributed.columns
    sums = [_sum_at(attributed[c], positions, n, rows) for c in summed]
    unused = [f"holder_{c}" for c in MONEY_FIGURES if f"holder_{c}" not in summed]
    unused += [c for c in FIGURES if c not in summed]
    frame = parcels.hstack(sums).with_columns(
        *[pl.lit(None, pl.Float64).alias(c) for c in unused],
        pl.Series("has_indicators", rows > 0),
        pl.col("holder_id").is_not_null().alias("has_holder"),
        pl.col("project_type").fill_null(""),
        pl.col("supply_method").fill_null(""),
        pl.col("land_use").fill_null(""),
    )
    if not metrics_only:  # a previous year's benchmark reads metrics only, not the holder's
        frame = frame.hstack(lookup(frame["holder_id"], ent.collect(), "holder_id"))
        frame = frame.with_columns(
            pl.col("holder_scale").fill_null(""),
            pl.col("holder_industry_code").fill_null(""),
            *[pl.col(tag_column(tags)).fill_null(False) for tags in tag_sets],
        )
        frame = frame.join(
            _industry_table(frame["holder_industry_code"]),
            on="holder_industry_code",
            how="left",
            maintain_order="left",
        )
    if "investment_total_10k_cny_per_ha" in metrics_needed:
        frame = _cumulative_investment(frame, inputs.indicators, occ, year)
    frame = frame.with_columns(metric_exprs)
    if metrics_only:
        return frame
    frame = _violation_facts(frame, inputs.violations, year_end)
    frame = _lease_facts(frame, leases, inputs.violations, inputs.relations, year_end, equity)
    frame = _commitment_facts(frame, inputs.commitments, year)
    return frame


def _industry_table(codes: pl.Series) -> pl.DataFrame:
    """GB/T 4754 division and section of each distinct code (a few hundred, not a row each)."""
    division = pl.col("holder_industry_code").str.extract(r"(\d{2})", 1)
    letter = pl.col("holder_industry_code").str.extract(r"^([A-Ta-t])", 1).str.to_uppercase()
    section = pl.coalesce(letter, division.replace_strict(DIVISION_SECTION, default=None))
    return (
        codes.unique()
        .to_frame("holder_industry_code")
        .with_columns(
            division.fill_null("").alias("holder_industry_division"),
            section.fill_null("").alias("holder_industry_section"),
        )
    )


def _cumulative_investment(frame, indicators, occ, year) -> pl.DataFrame:
    # Past years are attributed with this year's occupancy: the ledger keeps no history of it.
    # Figures without a parcel are summed per enterprise first, then spread once.
    past = indicators.lazy().filter(
        (pl.col("year") <= year) & pl.col("investment_10k_cny").is_not_null()
    )
    spread = (
        past.filter(pl.col("parcel_id").is_null())
        .group_by("enterprise_id")
        .agg(pl.col("investment_10k_cny").sum(), pl.lit(None, pl.Int64).alias("parcel_id"))
    )
    attributed = attribute(
        pl.concat([past.filter(pl.col("parcel_id").is_not_null()), spread], how="diagonal"),
        occ.lazy(),
        ["investment_10k_cny"],
    ).collect()
    positions = row_positions(attributed["parcel_id"], frame["parcel_id"])
    values = attributed["investment_10k_cny"].filter(pl.Series(positions >= 0))
    positions = positions[positions >= 0]
    rows = np.bincount(positions, minlength=frame.height)
    total = _sum_at(values, positions, frame.height, rows)
    return frame.with_columns(total.alias("investment_total_10k_cny"))


def _metric_columns(year_end: dt.date) -> list[pl.Expr]:
    ha = pl.col("area_m2") / M2_PER_HA
    mu = pl.col("area_m2") / M2_PER_MU
    exprs = []
    for fig in MONEY_FIGURES:
        exprs += [
            (pl.col(fig) / ha).alias(f"{fig}_per_ha"),
            (pl.col(fig) / mu).alias(f"{fig}_per_mu"),
            (pl.col(f"holder_{fig}") / ha).alias(f"holder_{fig}_per_ha"),
        ]
    exprs += [
        _ratio(pl.col("value_added_10k_cny"), pl.col("energy_tce")).alias(
            "value_added_10k_cny_per_tce"
        ),
        _ratio(pl.col("revenue_10k_cny"), pl.col("energy_tce")).alias("revenue_10k_cny_per_tce"),
        _ratio(pl.col("tax_10k_cny"), pl.col("energy_tce")).alias("tax_10k_cny_per_tce"),
        _ratio(pl.col("value_added_10k_cny"), pl.col("emissions_t")).alias(
            "value_added_10k_cny_per_t_emissions"
        ),
        _ratio(pl.col("revenue_10k_cny"), pl.col("emissions_t")).alias(
            "revenue_10k_cny_per_t_emissions"
        ),
        _ratio(pl.col("value_added_10k_cny"), pl.col("water_t")).alias(
            "value_added_10k_cny_per_t_water"
        ),
        _ratio(pl.col("tax_10k_cny") * 10_000, pl.col("electricity_kwh")).alias("tax_cny_per_kwh"),
        _ratio(pl.col("value_added_10k_cny"), pl.col("employees")).alias(
            "value_added_10k_cny_per_person"
        ),
        _ratio(pl.col("revenue_10k_cny"), pl.col("employees")).alias("revenue_10k_cny_per_person"),
        _ratio(pl.col("rd_expense_10k_cny") * 100, pl.col("revenue_10k_cny")).alias(
            "rd_share_percent"
        ),
        pl.when(
            pl.col("agreed_start").is_not_null()
            & (pl.col("actual_start").is_null() | (pl.col("actual_start") > year_end))
        )
        .then((pl.lit(year_end) - pl.col("agreed_start")).dt.total_days().cast(pl.Float64))
        .alias("unstarted_days"),
        pl.when(pl.col("actual_completion") <= year_end)
        .then((pl.lit(year_end) - pl.col("actual_completion")).dt.total_days().cast(pl.Float64))
        .alias("production_days"),
    ]
    # Wanted only when a policy reads it; build_frame then sums the years first.
    exprs.append((pl.col("investment_total_10k_cny") / ha).alias("investment_total_10k_cny_per_ha"))
    return exprs


def open_violations(violations: pl.DataFrame, year_end: dt.date) -> pl.DataFrame:
    """Violations that count in the year: found by its end and not remediated (已整改)."""
    return violations.filter(
        (pl.col("found_on").is_null() | (pl.col("found_on") <= year_end))
        & (pl.col("status").fill_null("open") != "remediated")
    )


def _violation_facts(frame, violations, year_end) -> pl.DataFrame:
    active = open_violations(violations, year_end)
    flags = active.group_by("parcel_id").agg(
        (pl.col("kind") == kind).any().alias(f"violation_{kind}") for kind in VIOLATION_KINDS
    )
    return _attach(frame, flags).with_columns(
        pl.col(f"violation_{kind}").fill_null(False) for kind in VIOLATION_KINDS
    )


def _lease_facts(frame, leases, violations, relations, year_end, equity) -> pl.DataFrame:
    """Unauthorised leases in the year, their tenants' equity relation, and the holder's stance."""
    remediated = violations.filter(
        (pl.col("kind") == "unauthorised_lease")
        & (pl.col("status") == "remediated")
        & (pl.col("found_on").is_null() | (pl.col("found_on") <= year_end))
    ).select("parcel_id", pl.col("found_on").alias("_fixed_on"))
    unapproved = leases.filter(~pl.col("approved").fill_null(False)).join(
        frame.select("parcel_id", "holder_id"), on="parcel_id"
    )
    # A lease is cleared by a remediated 擅自出租 record found on or after its start.
    covered = (
        unapproved.join(remediated, on="parcel_id")
        .filter(
            pl.col("start").is_null()
            | pl.col("_fixed_on").is_null()
            | (pl.col("_fixed_on") >= pl.col("start"))
        )
        .select("parcel_id", "tenant_id")
        .unique()
    )
    counting = unapproved.join(covered, on=["parcel_id", "tenant_id"], how="anti").filter(
        pl.col("tenant_id") != pl.col("holder_id").fill_null(-1)
    )
    pairs = counting.select(
        pl.col("holder_id").alias("enterprise_id"), pl.col("tenant_id").alias("other_id")
    ).drop_nulls()
    related = equity_related_pairs(
        relations,
        pairs,
        kinds=equity.kinds,
        common_shareholder=equity.common_shareholder,
        max_depth=equity.max_depth,
        min_share_percent=equity.min_share_percent,
    )
    lease_flags = (
        counting.join(
            related.select(
                pl.col("enterprise_id").alias("holder_id"),
                pl.col("other_id").alias("tenant_id"),
                "related",
                pl.col("path_zh").alias("_path_zh"),
            ),
            on=["holder_id", "tenant_id"],
            how="left",
        )
        .group_by("parcel_id")
        .agg(
            (~pl.col("related").fill_null(False)).any().alias("lease_unrelated_tenant"),
            pl.col("related").fill_null(False).all().alias("lease_related_tenant_only"),
            pl.col("_path_zh").drop_nulls().sort().first().alias("lease_relation_path_zh"),
        )
    )
    stance = (
        open_violations(violations, year_end)
        .filter(pl.col("kind") == "unauthorised_lease")
        .group_by("parcel_id")
        .agg(
            _tri_state("agrees_to_renewal").alias("lease_agrees_to_renewal"),
            _tri_state("refuses_correction").alias("lease_refuses_correction"),
        )
    )
    # One lookup into the (wide) frame for both small tables.
    frame = _attach(frame, lease_flags.join(stance, on="parcel_id", how="full", coalesce=True))
    return frame.with_columns(
        (
            pl.col("lease_unrelated_tenant").is_not_null() | pl.col("violation_unauthorised_lease")
        ).alias("lease_unauthorised"),
    )


def _tri_state(column: str) -> pl.Expr:
    """True if any record says yes, False if records say no and none yes, null if none say."""
    c = pl.col(column)
    return pl.when(c.eq(True).any()).then(True).when(c.eq(False).any()).then(False)


def _commitments_of(commitments: pl.DataFrame, year: int) -> pl.DataFrame:
    """Commitments judged in the year (a commitment without a year is judged every year)."""
    return commitments.filter(pl.col("year").is_null() | (pl.col("year") == year))


def commitment_metrics(commitments: pl.DataFrame, year: int) -> set[str]:
    """The metrics the year's commitments are judged on."""
    indicators = _commitments_of(commitments, year)["indicator"].unique().to_list()
    return {COMMITMENT_METRICS[i] for i in indicators if i in COMMITMENT_METRICS}


def _commitment_facts(frame: pl.DataFrame, commitments: pl.DataFrame, year: int) -> pl.DataFrame:
    rows = _commitments_of(commitments, year)
    factors = []
    for indicator, unit_text in (
        rows.select("indicator", "unit").unique().sort(["indicator", "unit"]).iter_rows()
    ):
        metric = COMMITMENT_METRICS.get(indicator)
        factor = None
        if metric is not None:
            try:
                factor = convert_value(1.0, policy_unit(unit_text), METRICS[metric].unit)
            except ValueError:  # UnknownUnit is a ValueError: the commitment cannot be judged
                factor = None
        factors.append((indicator, unit_text, metric, factor))
    table = pl.DataFrame(
        factors,
        schema={
            "indicator": pl.String,
            "unit": pl.String,
            "_metric": pl.String,
            "_factor": pl.Float64,
        },
        orient="row",
    )
    rows = rows.join(table, on=["indicator", "unit"], how="left")
    metric_names = sorted({m for m in table["_metric"].drop_nulls()})
    if metric_names:
        actuals = frame.select("parcel_id", *metric_names)  # narrow first, then filter
        actuals = actuals.filter(pl.col("parcel_id").is_in(rows["parcel_id"].implode())).unpivot(
            index="parcel_id", variable_name="_metric", value_name="_actual"
        )
        rows = rows.join(actuals, on=["parcel_id", "_metric"], how="left")
    else:
        rows = rows.with_columns(pl.lit(None, pl.Float64).alias("_actual"))
    target = pl.col("value") * pl.col("_factor")
    rows = rows.with_columns(
        (pl.col("_actual") >= target - target.abs() * REL_TOL).alias("_met"),
        pl.format(
            "{}：承诺 {} {}，实际 {}",
            "indicator",
            num(pl.col("value")),
            "unit",
            pl.coalesce(num(pl.col("_actual") / pl.col("_factor")), pl.lit("无数据")),
        ).alias("_text"),
    )
    per_parcel = (
        rows.sort(["parcel_id", "indicator"])
        .group_by("parcel_id")
        .agg(
            pl.len().alias("_n"),
            pl.when(pl.col("_met").is_null().any())
            .then(None)
            .otherwise(pl.col("_met").all())
            .alias("commitments_met"),
            pl.col("_text").fill_null("").str.join("；").alias("commitments_detail_zh"),
        )
    )
    return (
        _attach(frame, per_parcel)
        .with_columns(pl.col("_n").fill_null(0).gt(0).alias("commitments_recorded"))
        .drop("_n")
    )
