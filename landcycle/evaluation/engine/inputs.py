"""The engine's input frames (the contract table in docs/architecture.md) and their fingerprint."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import polars as pl

# Required columns per frame, then optional ones (added as nulls when absent).
SCHEMAS: dict[str, tuple[dict[str, pl.DataType], dict[str, pl.DataType]]] = {
    "parcels": (
        {
            "parcel_id": pl.Int64,
            "code": pl.String,
            "jurisdiction_id": pl.Int64,
            "area_m2": pl.Float64,
        },
        {
            "jurisdiction": pl.String,
            "land_use": pl.String,
            "supply_method": pl.String,
            "project_type": pl.String,
            "holder_id": pl.Int64,
            "in_control_line": pl.Boolean,
            "agreed_start": pl.Date,
            "actual_start": pl.Date,
            "actual_completion": pl.Date,
            "far": pl.Float64,
        },
    ),
    "enterprises": (
        {"enterprise_id": pl.Int64},
        {
            "uscc": pl.String,
            "name": pl.String,
            "industry_code": pl.String,
            "scale": pl.String,
            "tags": pl.List(pl.String),
        },
    ),
    "indicators": (
        {"enterprise_id": pl.Int64, "year": pl.Int32},
        {
            "parcel_id": pl.Int64,
            "output_10k_cny": pl.Float64,
            "revenue_10k_cny": pl.Float64,
            "tax_10k_cny": pl.Float64,
            "value_added_10k_cny": pl.Float64,
            "energy_tce": pl.Float64,
            "emissions_t": pl.Float64,
            "rd_expense_10k_cny": pl.Float64,
            "investment_10k_cny": pl.Float64,
            "employees": pl.Int64,
            # optional additions to the contract (see docs/policies.md)
            "electricity_kwh": pl.Float64,
            "water_t": pl.Float64,
        },
    ),
    "leases": (
        {"parcel_id": pl.Int64, "tenant_id": pl.Int64},
        {"area_m2": pl.Float64, "start": pl.Date, "end": pl.Date, "approved": pl.Boolean},
    ),
    "violations": (
        {"parcel_id": pl.Int64, "kind": pl.String},
        {
            "enterprise_id": pl.Int64,
            "found_on": pl.Date,
            "status": pl.String,
            "refuses_correction": pl.Boolean,
            "agrees_to_renewal": pl.Boolean,
        },
    ),
    "commitments": (
        {"parcel_id": pl.Int64, "indicator": pl.String, "value": pl.Float64, "unit": pl.String},
        {"enterprise_id": pl.Int64, "year": pl.Int32},
    ),
    "relations": (
        {"subject_id": pl.Int64, "kind": pl.String},
        {"party_enterprise_id": pl.Int64, "party_person_id": pl.Int64, "share_percent": pl.Float64},
    ),
}

# Sort keys that make a frame's bytes independent of row order (for the fingerprint).
_SORT_KEYS = {
    "parcels": ["parcel_id"],
    "enterprises": ["enterprise_id"],
    "indicators": ["enterprise_id", "year", "parcel_id"],
    "leases": ["parcel_id", "tenant_id", "start"],
    "violations": ["parcel_id", "kind", "found_on"],
    "commitments": ["parcel_id", "indicator", "year"],
    "relations": ["subject_id", "kind", "party_enterprise_id", "party_person_id"],
}


class InputError(ValueError):
    """An input frame that does not meet the contract: which frame, which column, why."""


def _empty(name: str) -> pl.DataFrame:
    required, optional = SCHEMAS[name]
    return pl.DataFrame(schema={**required, **optional})


def conform(name: str, frame: pl.DataFrame | pl.LazyFrame | None) -> pl.DataFrame:
    """The frame with every contract column in its contract type; extra columns are kept."""
    if frame is None:
        return _empty(name)
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    required, optional = SCHEMAS[name]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"{name}: missing column(s) {', '.join(missing)}")
    casts = []
    for column, dtype in {**required, **optional}.items():
        if column not in frame.columns:
            casts.append(pl.lit(None, dtype=dtype).alias(column))
        elif frame.schema[column] != dtype:
            try:
                frame.select(pl.col(column).cast(dtype, strict=True))
            except (pl.exceptions.PolarsError, TypeError) as exc:
                first = str(exc).strip().splitlines()[0]
                raise InputError(
                    f"{name}.{column}: expected {dtype}, got {frame.schema[column]} ({first})"
                ) from None
            casts.append(pl.col(column).cast(dtype, strict=True))
    frame = frame.with_columns(casts) if casts else frame
    for column in required:
        nulls = frame[column].null_count()
        if nulls:
            raise InputError(f"{name}.{column}: {nulls} row(s) have no value")
    return frame


@dataclass(frozen=True)
class EvaluationInputs:
    """The frames of the contract. Missing frames are empty; columns are checked and cast."""

    parcels: pl.DataFrame
    enterprises: pl.DataFrame | None = None
    indicators: pl.DataFrame | None = None
    leases: pl.DataFrame | None = None
    violations: pl.DataFrame | None = None
    commitments: pl.DataFrame | None = None
    relations: pl.DataFrame | None = None

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, conform(f.name, getattr(self, f.name)))
        # Sorted by id once here, so the engine's joins on parcel_id take the sorted path.
        parcels = self.parcels.sort("parcel_id").with_columns(pl.col("parcel_id").set_sorted())
        object.__setattr__(self, "parcels", parcels)
        if parcels["parcel_id"].n_unique() != parcels.height:
            raise InputError("parcels.parcel_id: ids are not unique")
        bad = parcels.filter(pl.col("area_m2") <= 0)
        if bad.height:
            raise InputError(
                f"parcels.area_m2: must be positive (parcel {bad['code'][0]!r} has {bad['area_m2'][0]})"
            )

        ids = parcels.select("parcel_id")
        for name in ("indicators", "leases", "violations", "commitments"):
            frame = getattr(self, name)
            unknown = frame.filter(pl.col("parcel_id").is_not_null()).join(
                ids, on="parcel_id", how="anti"
            )
            if unknown.height:
                raise InputError(
                    f"{name}.parcel_id: {unknown.height} row(s) name a parcel that is not in "
                    f"parcels (first: {unknown['parcel_id'][0]})"
                )

    def frames(self) -> dict[str, pl.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def inputs_fingerprint(inputs: EvaluationInputs, year: int | None = None) -> str:
    """A stable SHA-256 of the inputs: each frame's contract columns, rows sorted, column by
    column as fixed-width little-endian numbers (floats rounded to 9 decimals) or UTF-8 text,
    with the null mask. No text formatting of numbers: a million parcels hash in a second."""
    digest = hashlib.sha256()
    digest.update(f"fingerprint v2 year={year}\n".encode())
    for name, frame in inputs.frames().items():
        required, optional = SCHEMAS[name]
        columns = [*required, *optional]
        frame = frame.select(columns).with_columns(
            pl.col(c).list.join("\x1f") for c in columns if isinstance(frame.schema[c], pl.List)
        )
        keys = _SORT_KEYS[name]
        frame = frame.sort([*keys, *[c for c in columns if c not in keys]], nulls_last=True)
        digest.update(f"[{name}] {frame.height}\n".encode())
        for column in frame.iter_columns():
            digest.update(f"{column.name}:{column.dtype}\n".encode())
            digest.update(column.is_null().to_numpy().tobytes())
            digest.update(_canonical_bytes(column))
    return digest.hexdigest()


def _canonical_bytes(column: pl.Series) -> bytes:
    if column.dtype == pl.String:
        lengths = column.str.len_bytes().fill_null(0).cast(pl.UInt32).to_numpy()
        return lengths.astype("<u4").tobytes() + column.fill_null("").str.join("").item().encode()
    if column.dtype.is_float():
        # + 0.0 makes -0.0 into 0.0; rounding hides the last bits of a sum's order.
        values = (column.cast(pl.Float64).round(9) + 0.0).fill_null(0.0).fill_nan(0.0)
        return values.to_numpy().astype("<f8").tobytes()
    return column.to_physical().cast(pl.Int64).fill_null(0).to_numpy().astype("<i8").tobytes()
