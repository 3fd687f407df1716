"""Writing validated sheets to the ledger: upsert by natural key, in bulk, with change history.

Per table: one query loads what is stored, new rows go in with ``bulk_insert`` (one more query
reads back their ids), changed rows with ``bulk_update``, and every create or update becomes a
change record through ``record_bulk`` (updates carry the changed fields before and after). Rows
equal to what is stored write nothing, so re-importing the same workbook changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.db import models

from landcycle.core.bulk import bulk_insert, bulk_update
from landcycle.core.changelog import record_bulk, snapshot_from_row
from landcycle.ledger import models as ledger

from .validation import EXTRA, GEOMETRY_FIELDS, SheetData, keep_where

# Per sheet: the model, and column key → model attname. A reference column maps to the FK
# attname and is resolved through the id map of the table named in REFERENCES.
SHEET_MODELS: dict[str, tuple[type[models.Model], dict[str, str]]] = {
    "enterprises": (
        ledger.Enterprise,
        {
            "uscc": "uscc",
            "name": "name",
            "industry_code": "industry_code",
            "scale": "scale",
            "tags": "tags",
        },
    ),
    "persons": (ledger.Person, {"id_number": "id_number", "name": "name"}),
    "parcels": (
        ledger.Parcel,
        {
            "code": "code",
            "name": "name",
            "jurisdiction": "jurisdiction_id",
            "land_use": "land_use",
            "supply_method": "supply_method",
            "project_type": "project_type",
            "area": "registered_area_m2",
            "holder_uscc": "holder_id",
            "term_start": "term_start",
            "term_end": "term_end",
            "agreed_start": "agreed_start",
            "agreed_completion": "agreed_completion",
            "agreed_attainment": "agreed_attainment",
            "actual_start": "actual_start",
            "actual_completion": "actual_completion",
            "far": "far",
            "in_control_line": "in_control_line",
        },
    ),
    "buildings": (
        ledger.Building,
        {
            "parcel_code": "parcel_id",
            "name": "name",
            "floor_area": "floor_area_m2",
            "floors": "floors",
            "use": "use",
            "completed_on": "completed_on",
        },
    ),
    "relations": (
        ledger.Relation,
        {"subject": "subject_id", "kind": "kind", "share": "share_percent"},
    ),
    "leases": (
        ledger.Lease,
        {
            "parcel_code": "parcel_id",
            "tenant_uscc": "tenant_id",
            "area": "area_m2",
            "start": "start",
            "end": "end",
            "approved": "approved",
        },
    ),
    "indicators": (
        ledger.IndicatorReport,
        {
            "uscc": "enterprise_id",
            "year": "year",
            "parcel_code": "parcel_id",
            "output": "output_10k_cny",
            "revenue": "revenue_10k_cny",
            "tax": "tax_10k_cny",
            "value_added": "value_added_10k_cny",
            "energy_tce": "energy_tce",
            "emissions_t": "emissions_t",
            "rd_expense": "rd_expense_10k_cny",
            "employees": "employees",
            "investment": "investment_10k_cny",
        },
    ),
    "violations": (
        ledger.Violation,
        {
            "parcel_code": "parcel_id",
            "uscc": "enterprise_id",
            "kind": "kind",
            "found_on": "found_on",
            "status": "status",
            "refuses_correction": "refuses_correction",
            "agrees_to_renewal": "agrees_to_renewal",
        },
    ),
    "commitments": (
        ledger.Commitment,
        {
            "parcel_code": "parcel_id",
            "uscc": "enterprise_id",
            "indicator": "indicator",
            "value": "value",
            "unit": "unit",
            "year": "year",
        },
    ),
}
# Model attnames making the natural key of each table.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "enterprises": ("uscc",),
    "persons": ("id_number",),
    "parcels": ("code",),
    "buildings": ("parcel_id", "name"),
    "relations": ("subject_id", "party_enterprise_id", "party_person_id", "kind"),
    "leases": ("parcel_id", "tenant_id", "start"),
    "indicators": ("enterprise_id", "year", "parcel_id"),
    "violations": ("parcel_id", "kind", "found_on"),
    "commitments": ("parcel_id", "indicator", "year"),
}
REFERENCES = {
    "holder_id": "enterprises",
    "tenant_id": "enterprises",
    "enterprise_id": "enterprises",
    "subject_id": "enterprises",
    "parcel_id": "parcels",
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class TablePlan:
    model: type[models.Model]
    keys: tuple[str, ...]  # natural-key attnames
    fields: list[str]  # value attnames written and compared
    frame: pl.DataFrame  # keys + fields + extra columns + "_repr"
    extra_columns: list[str] = field(default_factory=list)
    insert: bool = True


def _same(new, old) -> bool:
    """Equal; floats within 1e-12 relative, as a workbook keeps 15–16 significant digits."""
    if new == old:
        return True
    if isinstance(new, float) and isinstance(old, float):
        return math.isclose(new, old, rel_tol=1e-12)
    return False


def _defaults(model, fields):
    """What a null cell stores in a NOT NULL field ('' text, False, [] tags, the default)."""
    out = []
    for name in fields:
        model_field = model._meta.get_field(name)
        out.append(None if model_field.null else model_field.get_default())
    return out


def upsert(plan: TablePlan) -> tuple[Counts, dict[tuple, int]]:
    """Write one table; returns the counts and natural key → id of every stored row."""
    model, keys, fields = plan.model, plan.keys, plan.fields
    has_extra = any(f.name == "extra" for f in model._meta.concrete_fields)
    stored_fields = [*fields, "extra"] if has_extra else list(fields)
    stored = {
        row[1 : 1 + len(keys)]: (row[0], row[1 + len(keys) :])
        for row in model._base_manager.values_list("id", *keys, *stored_fields).iterator(
            chunk_size=20_000
        )
    }
    defaults = _defaults(model, fields)
    nk, nf = len(keys), len(fields)
    extra_names = [c.removeprefix(EXTRA) for c in plan.extra_columns]
    columns = [*keys, *fields, *plan.extra_columns, "_repr"]
    inserts, insert_reprs, updates, changes = [], [], [], []
    counts = Counts()
    for row in plan.frame.select(columns).iter_rows():
        key = row[:nk]
        values = tuple(
            d if v is None and d is not None else v
            for v, d in zip(row[nk : nk + nf], defaults, strict=True)
        )
        extra_values = row[nk + nf : -1]
        existing = stored.get(key)
        if existing is None:
            if not plan.insert:
                continue
            extra = {k: v for k, v in zip(extra_names, extra_values, strict=True) if v is not None}
            inserts.append((*key, *values, extra) if has_extra else (*key, *values))
            insert_reprs.append(row[-1])
            stored[key] = (None, ())
            continue
        pk, old = existing
        old_values = old[:nf]
        new_extra = None
        if has_extra:
            old_extra = old[nf] or {}
            new_extra = dict(old_extra)
            for name, value in zip(extra_names, extra_values, strict=True):
                if value is None:
                    new_extra.pop(name, None)
                else:
                    new_extra[name] = value
        changed = [i for i in range(nf) if not _same(values[i], old_values[i])]
        extra_changed = has_extra and new_extra != (old[nf] or {})
        if not changed and not extra_changed:
            counts.unchanged += 1
            continue
        counts.updated += 1
        updates.append((pk, *values, new_extra) if has_extra else (pk, *values))
        before = {fields[i]: old_values[i] for i in changed}
        after = {fields[i]: values[i] for i in changed}
        if extra_changed:
            before["extra"], after["extra"] = old[nf], new_extra
        changes.append((pk, row[-1], snapshot_from_row(before), snapshot_from_row(after)))
    write_fields = [*fields, "extra"] if has_extra else list(fields)
    if inserts:
        bulk_insert(model, [*keys, *write_fields], inserts)
        counts.created = len(inserts)
    if updates:
        bulk_update(model, write_fields, updates)
    ids = (
        {
            row[1:]: row[0]
            for row in model._base_manager.values_list("id", *keys).iterator(chunk_size=50_000)
        }
        if inserts
        else {k: v[0] for k, v in stored.items()}
    )
    names = [*keys, *write_fields]
    for row, text in zip(inserts, insert_reprs, strict=True):
        changes.append(
            (ids[row[:nk]], text, None, snapshot_from_row(dict(zip(names, row, strict=True))))
        )
    if changes:
        record_bulk(model, changes)
    return counts, ids


def frame_for(
    data: SheetData,
    key_maps: dict[str, dict],
    jurisdiction_ids: Callable[[pl.DataFrame], pl.Series] | None = None,
) -> TablePlan:
    """Turn a validated sheet into a plan with model attnames and resolved foreign keys."""
    sheet = data.spec.key
    model, mapping = SHEET_MODELS[sheet]
    frame = data.frame
    columns = {}
    for key, attname in mapping.items():
        if key not in data.present and attname not in NATURAL_KEYS[sheet]:
            continue
        if key == "jurisdiction":
            columns[attname] = jurisdiction_ids(frame)
            continue
        series = (
            frame[key] if key in frame.columns else pl.Series([None] * frame.height, dtype=pl.Utf8)
        )
        if attname in REFERENCES:
            series = series.replace_strict(
                key_maps[REFERENCES[attname]], default=None, return_dtype=pl.Int64
            )
        columns[attname] = series.alias(attname)
    if sheet == "relations":
        kinds = frame["_party_kind"]
        party = frame["party"]
        columns["party_enterprise_id"] = keep_where(party, kinds == "enterprise").replace_strict(
            key_maps["enterprises"], default=None, return_dtype=pl.Int64
        )
        columns["party_person_id"] = keep_where(party, kinds == "person").replace_strict(
            key_maps["persons"], default=None, return_dtype=pl.Int64
        )
    if sheet == "parcels" and "geometry" in data.present:
        for name in GEOMETRY_FIELDS:
            columns[name] = frame[name]
    keys = NATURAL_KEYS[sheet]
    fields = [name for name in columns if name not in keys]
    reprs = _reprs(sheet, frame)
    out = pl.DataFrame(columns).hstack(frame.select(data.extra_columns)).with_columns(reprs)
    return TablePlan(model, keys, fields, out, data.extra_columns)


def _reprs(sheet: str, frame: pl.DataFrame) -> pl.Series:
    natural = {
        "enterprises": ["uscc"],
        "persons": ["id_number"],
        "parcels": ["code"],
        "buildings": ["parcel_code", "name"],
        "relations": ["subject", "party", "kind"],
        "leases": ["parcel_code", "tenant_uscc", "start"],
        "indicators": ["uscc", "year", "parcel_code"],
        "violations": ["parcel_code", "kind", "found_on"],
        "commitments": ["parcel_code", "indicator", "year"],
    }[sheet]
    present = [c for c in natural if c in frame.columns]
    if sheet == "persons":  # never the whole ID number in the log's label
        return (
            frame["id_number"].str.slice(0, 6) + "********" + frame["id_number"].str.slice(14)
        ).alias("_repr")
    return frame.select(
        pl.concat_str([pl.col(c).cast(pl.Utf8).fill_null("") for c in present], separator=" ")
        .str.slice(0, 200)
        .alias("_repr")
    ).to_series()


def geometry_plan(updates: pl.DataFrame) -> TablePlan:
    extra = [c for c in updates.columns if c.startswith(EXTRA)]
    frame = updates.select("code", *GEOMETRY_FIELDS, *extra).with_columns(
        pl.col("code").alias("_repr")
    )
    return TablePlan(ledger.Parcel, ("code",), list(GEOMETRY_FIELDS), frame, extra, insert=False)
