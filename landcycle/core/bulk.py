"""Fast bulk writes: COPY on PostgreSQL, executemany on SQLite.

Django's ``bulk_create`` builds one INSERT per 999 parameters on SQLite and costs ~25 s a
million rows; these write the same rows in a few seconds. Rows are tuples of Python values in
the order of ``fields`` (attribute names, e.g. ``parcel_id``); they are adapted per field type
here, so callers pass dates, datetimes, dicts and None as they are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache

import orjson
import polars as pl
from django.db import connection, models

from .databases import sqlite_pragmas


def _column_adapters(model: type[models.Model], fields: Sequence[str]):
    """Per-column converters for values the driver cannot take as they are (None = keep)."""
    vendor = connection.vendor
    adapters = []
    for name in fields:
        field = model._meta.get_field(name)  # accepts attnames such as parcel_id
        adapter = None
        if isinstance(field, models.JSONField):
            adapter = _json_adapter
        elif vendor == "sqlite":
            if isinstance(field, models.DateTimeField):
                adapter = _sqlite_datetime
            elif isinstance(field, models.DateField):
                adapter = _sqlite_date
        adapters.append(adapter)
    return adapters


def _json_adapter(value):
    # orjson is ~10x faster than json on the change log's snapshots; NaN becomes null.
    return None if value is None else orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _sqlite_date(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@lru_cache(maxsize=1024)
def _sqlite_datetime(value):
    # Cached: bulk rows usually share one timestamp (e.g. every change record of an import).
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    return value


def _adapt(rows, adapters):
    """Apply adapters column-wise (C-level zip/map instead of a Python loop per cell)."""
    if not any(adapters):
        return rows
    columns = list(zip(*rows, strict=True))
    for i, adapter in enumerate(adapters):
        if adapter is not None:
            columns[i] = map(adapter, columns[i])
    return list(zip(*columns, strict=True))


def _columns(model, fields):
    return [model._meta.get_field(f).column for f in fields]


def bulk_insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Insert rows; returns the count. Runs inside the caller's transaction.

    Concrete fields not named get their model default (Django defaults live in Python, not in
    the schema, so a raw INSERT would otherwise leave them NULL).
    """
    if not rows:
        return 0
    named = {model._meta.get_field(f).attname for f in fields}
    missing = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in named
        and not f.primary_key
        and (f.has_default() or (not f.null and f.empty_strings_allowed))
    ]
    if missing:
        defaults = tuple(f.get_default() for f in missing)
        fields = [*fields, *(f.attname for f in missing)]
        rows = [(*row, *defaults) for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(c) for c in _columns(model, fields)]
    rows = _adapt(rows, _column_adapters(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )
    return len(rows)


def _json_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A JSON field's column as JSON text (a Utf8 column is taken as JSON text already)."""
    column = pl.col(name)
    if frame.schema[name] == pl.Utf8:
        return column
    # struct.json_encode gives {"name":<value>}: keep the value (NaN becomes null, as in orjson).
    prefix = "{" + orjson.dumps(name).decode() + ":"
    text = pl.struct(column).struct.json_encode().str.strip_prefix(prefix).str.strip_suffix("}")
    return pl.when(column.is_null()).then(None).otherwise(text).alias(name)


def _frame_for_database(model, frame: pl.DataFrame) -> pl.DataFrame:
    """Convert columns in Polars to what the database takes (JSON text; on SQLite ISO dates)."""
    exprs = []
    sqlite = connection.vendor == "sqlite"
    for name, dtype in frame.schema.items():
        field = model._meta.get_field(name)
        if isinstance(field, models.JSONField):
            exprs.append(_json_text(frame, name))
        elif sqlite and isinstance(dtype, pl.Datetime):
            column = pl.col(name)
            if dtype.time_zone is not None:
                column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
            exprs.append(column.dt.to_string("%Y-%m-%d %H:%M:%S%.6f").alias(name))
        elif sqlite and dtype == pl.Date:
            exprs.append(pl.col(name).cast(pl.Utf8))
    return frame.with_columns(exprs) if exprs else frame


def bulk_insert_frame(model: type[models.Model], frame: pl.DataFrame) -> int:
    """Insert a Polars frame whose columns are attnames of ``model``; returns the count.

    The columnar twin of ``bulk_insert`` for large writes: values are converted by Polars for
    the whole column, and PostgreSQL gets one COPY of Polars' CSV instead of a row at a time.
    JSON fields may be given as values (lists, structs) or as JSON text (Utf8). Fields not
    named get their model default.
    """
    return bulk_insert_frames(model, [frame])


def bulk_insert_frames(model: type[models.Model], frames: Iterable[pl.DataFrame]) -> int:
    """Insert frames of the same columns (e.g. made chunk by chunk) as ``bulk_insert_frame``.

    On PostgreSQL they go into one COPY as they come: the server stores a chunk while the next
    is made (a generator of chunks keeps both processors busy).
    """
    table = connection.ops.quote_name(model._meta.db_table)
    count = 0
    with connection.cursor() as cursor, contextlib.ExitStack() as stack:
        copy = None
        for frame in frames:
            if frame.height == 0:
                continue
            frame = _frame_for_database(model, _with_defaults(model, frame))
            columns = ", ".join(
                connection.ops.quote_name(c) for c in _columns(model, frame.columns)
            )
            count += frame.height
            if connection.vendor == "postgresql":
                if copy is None:
                    copy = stack.enter_context(
                        cursor.cursor.copy(
                            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
                        )
                    )
                # Text always quoted, nulls as unquoted \N: an empty text stays '' and a
                # text reading \N stays text.
                copy.write(
                    frame.write_csv(
                        include_header=False, null_value="\\N", quote_style="non_numeric"
                    ).encode()
                )
                continue
            # A column with one value for every row (the change log's time, source, type...)
            # goes into the statement once instead of being bound a million times.
            values = [_sqlite_literal(frame[c]) for c in frame.columns]
            varying = [c for c, v in zip(frame.columns, values, strict=True) if v is None]
            placeholders = ", ".join("%s" if v is None else v.replace("%", "%%") for v in values)
            rows = frame.select(varying).rows() if varying else [()] * frame.height
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return count


def _with_defaults(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with the model default of every field it does not name."""
    named = {model._meta.get_field(c).attname for c in frame.columns}
    defaults = {}
    for f in model._meta.concrete_fields:
        if f.attname in named or f.primary_key:
            continue
        if f.has_default() or (not f.null and f.empty_strings_allowed):
            value = f.get_default()
            if isinstance(f, models.JSONField):
                value = orjson.dumps(value).decode()
            defaults[f.attname] = value
    return (
        frame.with_columns(pl.lit(v).alias(k) for k, v in defaults.items()) if defaults else frame
    )


def _sqlite_literal(column: pl.Series) -> str | None:
    """The SQL literal of a column holding one value (or null) on every row, else None."""
    if column.null_count() == len(column):
        return "NULL"
    if column.dtype.is_nested() or column.null_count():
        return None
    first = column[0]
    if not (column == first).all():
        return None
    if isinstance(first, bool):
        return "1" if first else "0"
    if isinstance(first, int):
        return str(first)
    if isinstance(first, float) and math.isfinite(first):
        return repr(first)
    if isinstance(first, str) and "\x00" not in first:
        return "'" + first.replace("'", "''") + "'"
    return None


@contextlib.contextmanager
def bulk_session(cache_mb: int = 256):
    """Settings for one large write on this connection, restored afterwards.

    SQLite: a larger page cache (a big transaction otherwise spills pages to the WAL while it
    runs) and temporary indexes in memory. Durability settings are left as they are.
    """
    # temp_store cannot change inside a transaction (e.g. a caller's atomic block, a test).
    wanted = {"cache_size": -1024 * int(cache_mb)}
    if not connection.in_atomic_block:
        wanted["temp_store"] = 2  # 2 = MEMORY
    with sqlite_pragmas(wanted, using=connection.alias):
        yield


def bulk_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> int:
    """Update rows by primary key: each row is (pk, *values in the order of fields)."""
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(c) for c in _columns(model, fields)]
    pk = connection.ops.quote_name(model._meta.pk.column)
    adapters = [None, *_column_adapters(model, fields)]
    rows = _adapt(rows, adapters)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            staging = connection.ops.quote_name(f"_staging_{model._meta.db_table}")
            cursor.execute(
                f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS "
                f"SELECT {pk}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            raw = cursor.cursor
            with raw.copy(f"COPY {staging} ({pk}, {', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            assignments = ", ".join(f"{c} = s.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s WHERE t.{pk} = s.{pk}"
            )
            cursor.execute(f"DROP TABLE {staging}")
        else:
            assignments = ", ".join(f"{c} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [(*row[1:], row[0]) for row in rows],
            )
    return len(rows)


def bulk_delete(model: type[models.Model], pks: Sequence[int]) -> int:
    """Delete the rows of ``model`` with primary keys ``pks`` (in chunks of 900, SQLite's bound-parameter
    limit), without signals, cascades or change records; returns the number of rows deleted.
    """
    if not pks:
        return 0
    total = 0
    for start in range(0, len(pks), 900):
        total += model._base_manager.filter(pk__in=pks[start : start + 900])._raw_delete(
            connection.alias
        )
    return total
