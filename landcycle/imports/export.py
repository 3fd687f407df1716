"""Export: the ledger back in the interchange format (Chinese headers, units in the headers).

One query per table. Quantities are written in the canonical unit named in the header (平方米,
万元), enumerations as their Chinese labels, booleans as 是/否, extras as their own columns, so
importing the export into an empty database gives the same ledger. Empty tables are left out
(an empty sheet is an import error).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from landcycle.core import units
from landcycle.core.safe_output import csv_safe_frame, open_workbook
from landcycle.ledger import models as ledger

from .schema import SHEETS, Column, Kind, Sheet

# Per sheet: the queryset path of each column key (related natural keys by join, not per row).
_PATHS: dict[str, dict[str, str]] = {
    "enterprises": {
        "uscc": "uscc",
        "name": "name",
        "industry_code": "industry_code",
        "scale": "scale",
        "tags": "tags",
    },
    "persons": {"id_number": "id_number", "name": "name"},
    "parcels": {
        "code": "code",
        "name": "name",
        "jurisdiction": "jurisdiction__name",
        "district": "jurisdiction__parent__name",
        "land_use": "land_use",
        "supply_method": "supply_method",
        "project_type": "project_type",
        "area": "registered_area_m2",
        "holder_uscc": "holder__uscc",
        "term_start": "term_start",
        "term_end": "term_end",
        "agreed_start": "agreed_start",
        "agreed_completion": "agreed_completion",
        "agreed_attainment": "agreed_attainment",
        "actual_start": "actual_start",
        "actual_completion": "actual_completion",
        "far": "far",
        "in_control_line": "in_control_line",
        "geometry": "geometry_wkt",
    },
    "buildings": {
        "parcel_code": "parcel__code",
        "name": "name",
        "floor_area": "floor_area_m2",
        "floors": "floors",
        "use": "use",
        "completed_on": "completed_on",
    },
    "relations": {
        "subject": "subject__uscc",
        "party": "party_enterprise__uscc",
        "_party_person": "party_person__id_number",
        "kind": "kind",
        "share": "share_percent",
    },
    "leases": {
        "parcel_code": "parcel__code",
        "tenant_uscc": "tenant__uscc",
        "area": "area_m2",
        "start": "start",
        "end": "end",
        "approved": "approved",
    },
    "indicators": {
        "uscc": "enterprise__uscc",
        "year": "year",
        "parcel_code": "parcel__code",
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
    "violations": {
        "parcel_code": "parcel__code",
        "uscc": "enterprise__uscc",
        "kind": "kind",
        "found_on": "found_on",
        "status": "status",
        "refuses_correction": "refuses_correction",
        "agrees_to_renewal": "agrees_to_renewal",
    },
    "commitments": {
        "parcel_code": "parcel__code",
        "uscc": "enterprise__uscc",
        "indicator": "indicator",
        "value": "value",
        "unit": "unit",
        "year": "year",
    },
}
_MODELS = {
    "enterprises": ledger.Enterprise,
    "persons": ledger.Person,
    "parcels": ledger.Parcel,
    "buildings": ledger.Building,
    "relations": ledger.Relation,
    "leases": ledger.Lease,
    "indicators": ledger.IndicatorReport,
    "violations": ledger.Violation,
    "commitments": ledger.Commitment,
}
_ORDER = {
    "enterprises": ["uscc"],
    "persons": ["id_number"],
    "parcels": ["code"],
    "buildings": ["parcel__code", "name"],
    "relations": ["subject__uscc", "kind", "id"],
    "leases": ["parcel__code", "start", "id"],
    "indicators": ["enterprise__uscc", "year", "parcel__code"],
    "violations": ["parcel__code", "found_on", "kind"],
    "commitments": ["parcel__code", "year", "indicator"],
}


def _cell(column: Column, value):
    """A stored value as the workbook shows it."""
    if value is None:
        return None
    kind = column.kind
    if kind == Kind.ENUM:
        labels = {v: k for k, v in column.choices.items()}
        return labels.get(value, value) if value else None
    if kind == Kind.BOOL:
        return "是" if value else "否"
    if kind == Kind.TAGS:
        return ",".join(value) if value else None
    if kind == Kind.UNIT:
        return units.parse_unit(value).label if value else None
    if kind == Kind.TEXT or kind == Kind.GEOMETRY:
        return value or None
    return value


def sheet_frame(spec: Sheet, year: int | None = None) -> pl.DataFrame:
    """One sheet of the ledger with Chinese headers, read with one query."""
    model = _MODELS[spec.key]
    paths = _PATHS[spec.key]
    queryset = model._base_manager.order_by(*_ORDER[spec.key])
    if spec.key == "indicators" and year is not None:
        queryset = queryset.filter(year=year)
    has_extra = any(f.name == "extra" for f in model._meta.concrete_fields)
    keys = list(paths)
    fetched = [*paths.values(), *(["extra"] if has_extra else [])]
    rows = list(queryset.values_list(*fetched))
    columns: dict[str, list] = {}
    for index, key in enumerate(keys):
        if key.startswith("_"):
            continue
        column = spec.column(key)
        values = [row[index] for row in rows]
        if key == "party":  # an enterprise, else a person
            person = keys.index("_party_person")
            values = [
                v if v is not None else row[person] for v, row in zip(values, rows, strict=True)
            ]
        columns[column.export_header()] = [_cell(column, v) for v in values]
    if has_extra:
        extra_index = len(keys)
        extra_keys: list[str] = []
        for row in rows:
            for name in row[extra_index] or {}:
                if name not in extra_keys:
                    extra_keys.append(name)
        for name in extra_keys:
            columns[name] = [
                None if (v := (row[extra_index] or {}).get(name)) is None else str(v)
                for row in rows
            ]
    frame = pl.DataFrame(columns, strict=False)
    # Drop optional columns that are empty throughout; keep required ones and all headers of
    # columns with data.
    keep = [
        name
        for name, key in zip(frame.columns, [*_headers_keys(spec, frame.columns)], strict=True)
        if (key is not None and spec.column(key).required)
        or frame[name].null_count() < frame.height
    ]
    return frame.select(keep)


def _headers_keys(spec: Sheet, headers: list[str]):
    by_header = {c.export_header(): c.key for c in spec.columns}
    for header in headers:
        yield by_header.get(header)


def ledger_frames(year: int | None = None) -> dict[str, pl.DataFrame]:
    frames = {}
    for spec in SHEETS:
        frame = sheet_frame(spec, year)
        if frame.height:
            frames[spec.name] = frame
    return frames


def export_ledger(path: Path, year: int | None = None) -> dict[str, int]:
    """Write ``path`` (.xlsx) or a folder of CSV files; returns rows written per sheet."""
    frames = ledger_frames(year)
    if path.suffix.lower() == ".xlsx":
        write_workbook(path, frames)
    else:
        write_csv_folder(path, frames)
    return {name: frame.height for name, frame in frames.items()}


def write_workbook(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = open_workbook(
        str(path),
        {"constant_memory": True, "default_date_format": "yyyy-mm-dd", "strings_to_numbers": False},
    )
    bold = workbook.add_format({"bold": True})
    try:
        for name, frame in frames.items():
            sheet = workbook.add_worksheet(name)
            sheet.write_row(0, 0, frame.columns, bold)
            for index, row in enumerate(frame.iter_rows(), start=1):
                # Text stays text (codes, and names like "=1+1"): see open_workbook.
                sheet.write_row(index, 0, row)
    finally:
        workbook.close()


def write_csv_folder(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        csv_safe_frame(frame).write_csv(
            path / f"{name}.csv", include_bom=True, date_format="%Y-%m-%d"
        )
