"""Load the ledger into the engine's input frames: one query per table.

PostgreSQL streams ``COPY (SELECT …) TO STDOUT`` as CSV straight into Polars; SQLite fetches the
rows through one cursor. Either way the frames come out with exactly the columns and types of
the contract in ``docs/architecture.md`` (canonical units, ids as i64, dates as Date).
"""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl
from django.db import connection, transaction

from landcycle.ledger import models as ledger

STR, I64, I32, F64, BOOL, DATE = pl.Utf8, pl.Int64, pl.Int32, pl.Float64, pl.Boolean, pl.Date
TAGS = pl.List(pl.Utf8)

# The contract: frame → ordered (column, dtype).
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "parcels": {
        "parcel_id": I64,
        "code": STR,
        "jurisdiction_id": I64,
        "jurisdiction": STR,
        "land_use": STR,
        "supply_method": STR,
        "project_type": STR,
        "area_m2": F64,
        "holder_id": I64,
        "in_control_line": BOOL,
        "agreed_start": DATE,
        "actual_start": DATE,
        "actual_completion": DATE,
        "far": F64,
    },
    "enterprises": {
        "enterprise_id": I64,
        "uscc": STR,
        "name": STR,
        "industry_code": STR,
        "scale": STR,
        "tags": TAGS,
    },
    "indicators": {
        "enterprise_id": I64,
        "year": I32,
        "parcel_id": I64,
        "output_10k_cny": F64,
        "revenue_10k_cny": F64,
        "tax_10k_cny": F64,
        "value_added_10k_cny": F64,
        "energy_tce": F64,
        "emissions_t": F64,
        "rd_expense_10k_cny": F64,
        "investment_10k_cny": F64,
        "employees": I64,
        "electricity_kwh": F64,
        "water_t": F64,
    },
    "leases": {
        "parcel_id": I64,
        "tenant_id": I64,
        "area_m2": F64,
        "start": DATE,
        "end": DATE,
        "approved": BOOL,
    },
    "violations": {
        "parcel_id": I64,
        "enterprise_id": I64,
        "kind": STR,
        "found_on": DATE,
        "status": STR,
        "refuses_correction": BOOL,
        "agrees_to_renewal": BOOL,
    },
    "commitments": {
        "parcel_id": I64,
        "enterprise_id": I64,
        "indicator": STR,
        "value": F64,
        "unit": STR,
        "year": I32,
    },
    "relations": {
        "subject_id": I64,
        "party_enterprise_id": I64,
        "party_person_id": I64,
        "kind": STR,
        "share_percent": F64,
    },
}
# Text columns the ledger stores blank rather than null; the contract wants "" there.
_BLANK_TEXT = {
    "parcels": {"land_use", "supply_method", "project_type", "code", "jurisdiction"},
    "enterprises": {"uscc", "name", "industry_code", "scale"},
    "violations": {"kind", "status"},
    "commitments": {"indicator", "unit"},
    "relations": {"kind"},
}


@dataclass(frozen=True)
class LoadWindow:
    """What to load for one evaluation: the year, and how many earlier years of figures."""

    year: int
    indicator_years_back: int = 0  # a policy comparing with earlier years asks for them

    @property
    def first_day(self) -> str:
        return f"{int(self.year):04d}-01-01"

    @property
    def last_day(self) -> str:
        return f"{int(self.year):04d}-12-31"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _col(model, field: str) -> str:
    return _q(model._meta.get_field(field).column)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _sql(frame: str, window: LoadWindow) -> tuple[str, list[str]]:
    """The one SELECT for a frame, its output columns in contract order."""
    boolean = (lambda c: f"CAST({c} AS INTEGER)") if connection.vendor == "postgresql" else str
    tags = (lambda c: f"CAST({c} AS TEXT)") if connection.vendor == "postgresql" else (lambda c: c)
    first, last = f"'{window.first_day}'", f"'{window.last_day}'"
    if frame == "parcels":
        p, j = ledger.Parcel, ledger.Jurisdiction
        select = [
            f"p.{_q('id')}",
            f"p.{_col(p, 'code')}",
            f"p.{_col(p, 'jurisdiction')}",
            f"j.{_col(j, 'name')}",
            f"p.{_col(p, 'land_use')}",
            f"p.{_col(p, 'supply_method')}",
            f"p.{_col(p, 'project_type')}",
            f"p.{_col(p, 'registered_area_m2')}",
            f"p.{_col(p, 'holder')}",
            boolean(f"p.{_col(p, 'in_control_line')}"),
            f"p.{_col(p, 'agreed_start')}",
            f"p.{_col(p, 'actual_start')}",
            f"p.{_col(p, 'actual_completion')}",
            f"p.{_col(p, 'far')}",
        ]
        sql = (
            f"SELECT {', '.join(select)} FROM {_table(p)} p "
            f"JOIN {_table(j)} j ON j.{_q('id')} = p.{_col(p, 'jurisdiction')} "
            f"ORDER BY p.{_q('id')}"
        )
    elif frame == "enterprises":
        e = ledger.Enterprise
        select = [
            _q("id"),
            _col(e, "uscc"),
            _col(e, "name"),
            _col(e, "industry_code"),
            _col(e, "scale"),
            tags(_col(e, "tags")),
        ]
        sql = f"SELECT {', '.join(select)} FROM {_table(e)} ORDER BY {_q('id')}"
    elif frame == "indicators":
        r = ledger.IndicatorReport
        fields = ["enterprise", "year", "parcel", *r.FIGURES]
        first_year = int(window.year) - int(window.indicator_years_back)
        sql = (
            f"SELECT {', '.join(_col(r, f) for f in fields)} FROM {_table(r)} "
            f"WHERE {_col(r, 'year')} BETWEEN {first_year} AND {int(window.year)} "
            f"ORDER BY {_q('id')}"
        )
    elif frame == "leases":
        m = ledger.Lease
        select = [
            _col(m, "parcel"),
            _col(m, "tenant"),
            _col(m, "area_m2"),
            _col(m, "start"),
            _col(m, "end"),
            boolean(_col(m, "approved")),
        ]
        # Leases in force at some time in the year.
        sql = (
            f"SELECT {', '.join(select)} FROM {_table(m)} "
            f"WHERE ({_col(m, 'start')} IS NULL OR {_col(m, 'start')} <= {last}) "
            f"AND ({_col(m, 'end')} IS NULL OR {_col(m, 'end')} >= {first}) "
            f"ORDER BY {_q('id')}"
        )
    elif frame == "violations":
        m = ledger.Violation
        select = [
            _col(m, "parcel"),
            _col(m, "enterprise"),
            _col(m, "kind"),
            _col(m, "found_on"),
            _col(m, "status"),
            boolean(_col(m, "refuses_correction")),
            boolean(_col(m, "agrees_to_renewal")),
        ]
        # Found by the end of the year; the status says whether it still counts.
        sql = (
            f"SELECT {', '.join(select)} FROM {_table(m)} "
            f"WHERE {_col(m, 'found_on')} <= {last} ORDER BY {_q('id')}"
        )
    elif frame == "commitments":
        m = ledger.Commitment
        fields = ["parcel", "enterprise", "indicator", "value", "unit", "year"]
        sql = (
            f"SELECT {', '.join(_col(m, f) for f in fields)} FROM {_table(m)} "
            f"WHERE {_col(m, 'year')} <= {int(window.year)} ORDER BY {_q('id')}"
        )
    elif frame == "relations":
        m = ledger.Relation
        fields = ["subject", "party_enterprise", "party_person", "kind", "share_percent"]
        sql = f"SELECT {', '.join(_col(m, f) for f in fields)} FROM {_table(m)} ORDER BY {_q('id')}"
    else:
        raise KeyError(frame)
    return sql, list(SCHEMAS[frame])


def _raw_dtype(dtype: pl.DataType) -> pl.DataType:
    """How a column arrives from the database before it is cast to the contract type.

    Booleans come as 0/1, tags as JSON text, dates as ISO text from COPY (Django's SQLite
    connection already converts them to dates).
    """
    if dtype == BOOL:
        return pl.Int8
    if dtype == TAGS or (dtype == DATE and connection.vendor == "postgresql"):
        return STR
    return dtype


def _fetch_postgresql(sql: str, columns: list[str], schema: dict) -> pl.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    raw_schema = {c: _raw_dtype(schema[c]) for c in columns}
    if buffer.tell() == 0:
        return pl.DataFrame(schema=raw_schema)
    buffer.seek(0)
    # Empty text reads as null; the contract's text columns are never null, so
    # _to_contract turns them back into "".
    return pl.read_csv(buffer, has_header=False, new_columns=columns, schema=raw_schema)


def _fetch_sqlite(sql: str, columns: list[str], schema: dict) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    raw_schema = {c: _raw_dtype(schema[c]) for c in columns}
    return pl.DataFrame(rows, schema=raw_schema, orient="row")


def _to_contract(frame: str, raw: pl.DataFrame) -> pl.DataFrame:
    schema = SCHEMAS[frame]
    blank = _BLANK_TEXT.get(frame, set())
    exprs = []
    for name, dtype in schema.items():
        col = pl.col(name)
        if dtype == BOOL:
            col = col.cast(BOOL)
        elif dtype == DATE and raw.schema[name] != DATE:
            col = col.str.slice(0, 10).str.to_date("%Y-%m-%d")
        elif dtype == TAGS:
            col = col.fill_null("[]").str.json_decode(TAGS).fill_null(pl.lit([], dtype=TAGS))
        else:
            col = col.cast(dtype)
        if name in blank:
            col = col.fill_null("")
        exprs.append(col.alias(name))
    return raw.select(exprs)


def fetch_frame(sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Any one SELECT into a frame of ``schema`` (plain types), COPY on PostgreSQL."""
    columns = list(schema)
    if connection.vendor == "postgresql":
        return _fetch_postgresql(sql, columns, schema)
    return _fetch_sqlite(sql, columns, schema)


def load_frame(frame: str, window: LoadWindow) -> pl.DataFrame:
    """One frame of the contract, with one database query."""
    sql, columns = _sql(frame, window)
    schema = SCHEMAS[frame]
    if connection.vendor == "postgresql":
        raw = _fetch_postgresql(sql, columns, schema)
    else:
        raw = _fetch_sqlite(sql, columns, schema)
    return _to_contract(frame, raw)


def load_frames(
    window: LoadWindow, frames: tuple[str, ...] | None = None
) -> dict[str, pl.DataFrame]:
    """Every frame the evaluation needs (all seven unless ``frames`` narrows them).

    A frame left out is returned empty with its contract columns, so the engine always sees the
    same shape. On PostgreSQL outside a transaction, the frames are read by two connections at
    once that share one snapshot: both processors work, and every frame sees the same ledger.
    """
    wanted = [name for name in SCHEMAS if frames is None or name in frames]
    if connection.vendor == "postgresql" and not connection.in_atomic_block and len(wanted) > 1:
        loaded = _load_with_two_connections(window, wanted)
    else:
        loaded = {name: load_frame(name, window) for name in wanted}
    return {name: loaded.get(name, pl.DataFrame(schema=SCHEMAS[name])) for name in SCHEMAS}


# The two connections' shares, about equal at a million parcels (the largest reads first).
_SECOND_CONNECTION = ("indicators", "enterprises")
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def _load_with_two_connections(window: LoadWindow, names: list[str]) -> dict[str, pl.DataFrame]:
    second = [n for n in names if n in _SECOND_CONNECTION]
    first = [n for n in names if n not in second]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        if not _SNAPSHOT_ID.match(snapshot):  # it goes into SQL as a literal below
            raise ValueError(f"unexpected snapshot id {snapshot!r}")

        def read_second():
            # A thread has its own database connection; it reads in the first one's snapshot.
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                    return {name: load_frame(name, window) for name in second}
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            other = pool.submit(read_second)
            loaded = {name: load_frame(name, window) for name in first}
            loaded.update(other.result())
    return loaded
