"""Writing validated sheets to the ledger: upsert by natural key, in bulk, with change history.

Per table: one query loads what is stored; new rows go in from Polars with ``bulk_insert_frame``
(one more query reads back the ids above the largest id before) and their change records with
``record_bulk_frame`` (snapshots encoded as JSON by Polars); changed rows go through
``bulk_update`` and ``record_bulk`` (updates carry the changed fields before and after). Rows
equal to what is stored write nothing, so re-importing the same workbook changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
import polars as pl
from django.db import models

from landcycle.core.bulk import bulk_insert_frame, bulk_update
from landcycle.core.changelog import record_bulk, record_bulk_frame, snapshot_from_row
from landcycle.ledger import models as ledger

from .schema import GEOMETRY_FIELDS, PRECISION_SUFFIX, SHEETS, Kind, sheet_named
from .validation import EXTRA, SheetData, keep_where

# The column → model field map is declared once, in the schema (``Column.attnames``).
NATURAL_KEYS: dict[str, tuple[str, ...]] = {spec.key: spec.natural_attnames for spec in SHEETS}
# Related model → the sheet whose id map resolves references to it.
_TABLE_OF = {spec.model: spec.key for spec in SHEETS}


@dataclass
class Counts:
    """Rows of one table created, updated and left unchanged by an import."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        """``{"created": n, "updated": n, "unchanged": n}``."""
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class TablePlan:
    """What to write to one table: model, natural-key attnames, value attnames, the frame of rows
    (keys, fields, extras, ``_repr``), extra columns, whether new rows are inserted.
    """

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


def _with_defaults(frame: pl.DataFrame, model, fields) -> pl.DataFrame:
    exprs = []
    for name, default in zip(fields, _defaults(model, fields), strict=True):
        if default is None:
            continue
        if isinstance(default, list):
            exprs.append(pl.col(name).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))))
        else:
            exprs.append(pl.col(name).fill_null(default))
    return frame.with_columns(exprs) if exprs else frame


def _key_frame(rows, keys, schema) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"_id": pl.Int64, **{k: schema[k] for k in keys}}, orient="row", strict=False
    )


def upsert(plan: TablePlan, ids_wanted: bool = True) -> tuple[Counts, dict[tuple, int]]:
    """Write one table; returns the counts and natural key → id of every stored row.

    ``ids_wanted`` False: the id map is left empty (only tables others refer to need it).

    New rows are told apart with a join on the natural key, so a fresh import does no
    per-row Python work besides what the drivers need; rows already stored are compared field
    by field.
    """
    model, keys, fields = plan.model, plan.keys, plan.fields
    nk, nf = len(keys), len(fields)
    has_extra = any(f.name == "extra" for f in model._meta.concrete_fields)
    stored_fields = [*fields, "extra"] if has_extra else list(fields)
    write_fields = stored_fields
    stored_rows = list(model._base_manager.values_list("id", *keys, *stored_fields))
    stored = {row[1 : 1 + nk]: (row[0], row[1 + nk :]) for row in stored_rows}
    frame = _with_defaults(plan.frame, model, fields)
    if stored:
        known = _key_frame([row[: 1 + nk] for row in stored_rows], keys, frame.schema)
        joined = frame.join(known, on=list(keys), how="left", nulls_equal=True)
        new = joined.filter(pl.col("_id").is_null()).drop("_id")
        old = joined.filter(pl.col("_id").is_not_null()).drop("_id")
    else:
        new, old = frame, frame.clear()
    if not plan.insert:
        new = new.clear()
    extra_names = [c.removeprefix(EXTRA) for c in plan.extra_columns]
    counts = Counts(created=new.height)
    if old.height and not plan.extra_columns:
        old, counts.unchanged = _drop_unchanged(old, stored_rows, keys, fields)
    updates, changes = [], []
    for row in old.select(*keys, *fields, *plan.extra_columns, "_repr").iter_rows():
        pk, previous = stored[row[:nk]]
        values = row[nk : nk + nf]
        old_values = previous[:nf]
        new_extra = None
        if has_extra:
            new_extra = dict(previous[nf] or {})
            for name, value in zip(extra_names, row[nk + nf : -1], strict=True):
                if value is None:
                    new_extra.pop(name, None)
                else:
                    new_extra[name] = value
        changed = [i for i in range(nf) if not _same(values[i], old_values[i])]
        extra_changed = has_extra and new_extra != (previous[nf] or {})
        if not changed and not extra_changed:
            counts.unchanged += 1
            continue
        counts.updated += 1
        updates.append((pk, *values, new_extra) if has_extra else (pk, *values))
        before = {fields[i]: old_values[i] for i in changed}
        after = {fields[i]: values[i] for i in changed}
        if extra_changed:
            before["extra"], after["extra"] = previous[nf], new_extra
        changes.append((pk, row[-1], snapshot_from_row(before), snapshot_from_row(after)))
    if updates:
        bulk_update(model, write_fields, updates)
    if changes:
        record_bulk(model, changes)
    ids = {key: value[0] for key, value in stored.items()} if ids_wanted else {}
    if new.height:
        located = _insert(model, keys, fields, has_extra, new, plan.extra_columns)
        if ids_wanted:
            ids.update((row[1:], row[0]) for row in located.select("_id", *keys).iter_rows())
    return counts, ids


def _drop_unchanged(old: pl.DataFrame, stored_rows, keys, fields) -> tuple[pl.DataFrame, int]:
    """Rows equal to what is stored, told apart in Polars (a re-import is mostly these).

    Only equality is decided here; every row not shown equal goes on to the field-by-field
    comparison, so a value Polars could not hold only costs time, never a missed change.
    """
    nk, nf = len(keys), len(fields)
    schema = {name: old.schema[name] for name in (*keys, *fields)}
    try:
        stored = pl.DataFrame(
            [row[1 : 1 + nk + nf] for row in stored_rows],
            schema={k: schema[k] for k in keys} | {f"{f}__stored": schema[f] for f in fields},
            orient="row",
        )
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        return old, 0
    joined = old.join(stored, on=list(keys), how="left", nulls_equal=True)
    same = []
    for name in fields:
        new, was = pl.col(name), pl.col(f"{name}__stored")
        if schema[name] in (pl.Float32, pl.Float64):
            close = (new - was).abs() <= 1e-12 * pl.max_horizontal(new.abs(), was.abs())
            same.append((new.is_null() & was.is_null()) | close.fill_null(False))
        else:
            same.append(new.eq_missing(was))
    unchanged = pl.all_horizontal(same) if same else pl.lit(True)
    marked = joined.with_columns(unchanged.alias("_unchanged"))
    rest = marked.filter(~pl.col("_unchanged")).select(old.columns)
    return rest, marked.height - rest.height


def _insert(model, keys, fields, has_extra, new: pl.DataFrame, extra_columns) -> pl.DataFrame:
    """Insert the new rows and their change records; returns their keys and ids ("_id").

    Rows stay in Polars until the driver: values, JSON snapshots and the ids read back (one
    query for the rows above the largest id before) are joined as columns, not per row.
    """
    data = new.select(*keys, *fields)
    if has_extra:
        data = data.with_columns(_extra_json(new, extra_columns))
    before_max = model._base_manager.aggregate(m=models.Max("id"))["m"] or 0
    bulk_insert_frame(model, data)
    inserted = model._base_manager.filter(id__gt=before_max).values_list("id", *keys)
    known = _key_frame(list(inserted), keys, data.schema)
    located = data.select(keys).join(
        known, on=list(keys), how="left", nulls_equal=True, maintain_order="left"
    )
    if located.height != data.height or located["_id"].null_count():
        raise RuntimeError(f"{model.__name__}: inserted rows not found again by natural key")
    # Change records: each created row's values as JSON (dates as ISO text), built by Polars.
    temporal = [c for c in (*keys, *fields) if data.schema[c] in (pl.Date, pl.Datetime)]
    snapshot = data.with_columns(pl.col(temporal).cast(pl.Utf8))
    after = snapshot.select(*keys, *fields).select(
        pl.struct(pl.all()).struct.json_encode().alias("after")
    )["after"]
    if has_extra:  # splice the extra object (already JSON) in as the last member
        after = (after.str.head(-1) + ',"extra":' + data["extra"] + "}").alias("after")
    record_bulk_frame(
        model,
        pl.DataFrame(
            {
                "object_id": located["_id"],
                "object_repr": new["_repr"],
                "before": pl.Series([None] * data.height, dtype=pl.Utf8),
                "after": after,
            }
        ),
    )
    return located


def _extra_json(new: pl.DataFrame, extra_columns) -> pl.Series:
    """The ``extra`` JSON object of each row: the extra columns with a value ({} if none)."""
    if not extra_columns:
        return pl.Series("extra", ["{}"] * new.height, dtype=pl.Utf8)
    names = [c.removeprefix(EXTRA) for c in extra_columns]
    texts = [
        orjson.dumps(
            {k: v for k, v in zip(names, values, strict=True) if v is not None},
            option=orjson.OPT_NON_STR_KEYS,
        ).decode()
        for values in new.select(extra_columns).iter_rows()
    ]
    return pl.Series("extra", texts, dtype=pl.Utf8)


def frame_for(
    data: SheetData,
    key_maps: dict[str, dict],
    jurisdiction_ids: Callable[[pl.DataFrame], pl.Series] | None = None,
) -> TablePlan:
    """Turn a validated sheet into a plan with model attnames and resolved foreign keys.

    Every stored column of the sheet's schema is written under its declared attnames; a column
    absent from the file is left alone, except natural-key columns (null). Foreign keys are
    resolved through ``key_maps`` (sheet key → natural key → id), the street through
    ``jurisdiction_ids``. Partial dates carry their precision ("" for full dates).
    """
    spec = data.spec
    model = spec.model
    frame = data.frame
    keys = NATURAL_KEYS[spec.key]
    columns: dict[str, pl.Series] = {}
    for column in spec.columns:
        attnames = column.attnames
        if not attnames or (column.key not in data.present and attnames[0] not in keys):
            continue
        if column.kind == Kind.GEOMETRY:
            for name in GEOMETRY_FIELDS:
                columns[name] = frame[name]
            continue
        if column.kind == Kind.PARTY:
            kinds, party = frame["_party_kind"], frame[column.key]
            for attname, kind, table in zip(
                attnames, ("enterprise", "person"), ("enterprises", "persons"), strict=True
            ):
                columns[attname] = keep_where(party, kinds == kind).replace_strict(
                    key_maps[table], default=None, return_dtype=pl.Int64
                )
            continue
        if column.lookup and model._meta.get_field(column.model_field).related_model is (
            ledger.Jurisdiction
        ):
            columns[attnames[0]] = jurisdiction_ids(frame)
            continue
        if column.key in frame.columns:
            series = frame[column.key]
        else:  # an optional natural-key column left out: null, of the column's type
            dtype = pl.Date if column.kind == Kind.DATE else pl.Utf8
            series = pl.Series([None] * frame.height, dtype=dtype)
        if column.lookup:
            table = _TABLE_OF[model._meta.get_field(column.model_field).related_model]
            series = series.replace_strict(key_maps[table], default=None, return_dtype=pl.Int64)
        columns[attnames[0]] = series.alias(attnames[0])
        if column.partial:
            precision = column.key + PRECISION_SUFFIX
            columns[attnames[1]] = (
                frame[precision].cast(pl.Utf8).fill_null("")
                if precision in frame.columns
                else pl.Series([""] * frame.height, dtype=pl.Utf8)
            ).alias(attnames[1])
    fields = [name for name in columns if name not in keys]
    reprs = _reprs(spec.key, frame)
    out = pl.DataFrame(columns).hstack(frame.select(data.extra_columns)).with_columns(reprs)
    return TablePlan(model, keys, fields, out, data.extra_columns)


def _reprs(sheet: str, frame: pl.DataFrame) -> pl.Series:
    present = [c for c in sheet_named(sheet).natural_key if c in frame.columns]
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
    """The plan that updates only the geometry fields (and extras) of stored parcels, by code; no
    inserts.
    """
    extra = [c for c in updates.columns if c.startswith(EXTRA)]
    frame = updates.select("code", *GEOMETRY_FIELDS, *extra).with_columns(
        pl.col("code").alias("_repr")
    )
    return TablePlan(ledger.Parcel, ("code",), list(GEOMETRY_FIELDS), frame, extra, insert=False)
