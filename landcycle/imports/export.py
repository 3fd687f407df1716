"""Export: the ledger back in the interchange format (Chinese headers, units in the headers).

One query per table. Quantities are written in the canonical unit named in the header (平方米,
万元), enumerations as their Chinese labels, booleans as 是/否, extras as their own columns, so
importing the export into an empty database gives the same ledger. Empty tables are left out
(an empty sheet is an import error).
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from landcycle.core import units
from landcycle.core.safe_output import write_csv_folder, write_workbook
from landcycle.ledger import models as ledger

from .schema import SHEETS, Column, Kind, Sheet

# Column → queryset paths come from the schema (``Column.export_paths``); related natural keys
# are read by join, not per row.
_ORDER = {
    "jurisdictions": ["path"],
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
    """One sheet of the ledger with Chinese headers, read with one query.

    Columns follow the schema's declarations (``Column.export_paths``); partial dates are
    written as the partial date they were given (``2023-05``, ``2023``) so they re-import the
    same; extras become their own columns.
    """
    model = spec.model
    queryset = model._base_manager.order_by(*_ORDER[spec.key])
    if spec.key == "indicators" and year is not None:
        queryset = queryset.filter(year=year)
    has_extra = any(f.name == "extra" for f in model._meta.concrete_fields)
    exported = spec.columns
    paths = [path for column in exported for path in column.export_paths]
    rows = list(queryset.values_list(*paths, *(["extra"] if has_extra else [])))
    series = list(zip(*rows, strict=True)) if rows else [() for _ in range(len(paths) + 1)]
    columns: dict[str, list] = {}
    index = 0
    for column in exported:
        width = len(column.export_paths)
        values = series[index]
        if column.kind == Kind.PARTY:  # an enterprise, else a person
            values = [
                e if e is not None else p for e, p in zip(values, series[index + 1], strict=True)
            ]
        elif column.partial:
            values = _partial_dates(values, series[index + 1])
        index += width
        columns[column.export_header()] = [_cell(column, v) for v in values]
    if has_extra:
        extras = series[index]
        extra_keys: list[str] = []
        for extra in extras:
            for name in extra or {}:
                if name not in extra_keys:
                    extra_keys.append(name)
        for name in extra_keys:
            columns[name] = [
                None if (v := (extra or {}).get(name)) is None else str(v) for extra in extras
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


def _partial_dates(dates, precisions) -> list:
    """Dates as given: a date, or ``2023-05`` / ``2023`` text where only that much was known.

    A column holding any partial date is written as text throughout (ISO for full dates), as
    a spreadsheet column holds one kind of cell best.
    """
    if not any(precisions):
        return list(dates)
    out = []
    for date, precision in zip(dates, precisions, strict=True):
        if date is None:
            out.append(None)
        elif precision == ledger.DatePrecision.YEAR:
            out.append(f"{date.year:04d}")
        elif precision == ledger.DatePrecision.MONTH:
            out.append(f"{date.year:04d}-{date.month:02d}")
        else:
            out.append(date.isoformat())
    return out


def _headers_keys(spec: Sheet, headers: list[str]):
    by_header = {c.export_header(): c.key for c in spec.columns}
    for header in headers:
        yield by_header.get(header)


def ledger_frames(year: int | None = None) -> dict[str, pl.DataFrame]:
    """The whole ledger as interchange frames ``{Chinese sheet name: frame}``, headers with units
    (values in the export unit), codes and labels as the import reads them; ``year`` limits the
    yearly figures; empty sheets left out. One query per table.
    """
    frames = {}
    for spec in SHEETS:
        frame = sheet_frame(spec, year)
        if frame.height:
            frames[spec.name] = frame
    return frames


WORKBOOK_SUFFIX = ".xlsx"


def export_ledger(path: Path, year: int | None = None) -> dict[str, int]:
    """Write ``path`` (.xlsx) or a folder of CSV files (a path without a suffix); returns rows
    written per sheet. Raises ValueError for another suffix (.ods, .csv, .xls: say .xlsx or a
    folder). A workbook is written under a temporary name and renamed when complete, so a
    failed export never leaves a cut-off file that looks like a ledger; a sheet over Excel's
    1,048,575 rows raises ``core.safe_output.WorkbookTooLarge`` (export to a folder instead)."""
    suffix = path.suffix.lower()
    if suffix and suffix != WORKBOOK_SUFFIX and not path.is_dir():
        raise ValueError(
            f"不能导出为 {path.suffix} 文件：请写 .xlsx 工作簿，或一个文件夹名（导出为 CSV 文件）"
            f" — export writes .xlsx or a folder of CSV files, not {path.suffix}"
        )
    frames = ledger_frames(year)
    if suffix == WORKBOOK_SUFFIX:
        partial = path.with_name(f".{path.name}.partial.xlsx")
        try:
            write_workbook(frames, partial, title="landcycle 台账导出 ledger export")
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    else:
        write_csv_folder(frames, path)
    return {name: frame.height for name, frame in frames.items()}
