"""Validation: text frames → typed frames in canonical units, and every problem found.

Columns are checked vectorised with Polars (cast with ``strict=False``, then the rows where the
cast failed become problems); identifiers are checked once per distinct value. Nothing here
touches the database: what is already stored comes in as ``Known`` key sets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial

import numpy as np
import polars as pl
import shapely

from landcycle.core import geometry as geo
from landcycle.core import units
from landcycle.core.identifiers import InvalidIdentifier, normalise_resident_id, normalise_uscc
from landcycle.core.uscc_exceptions import LISTABLE_HINT, listable

from . import tables, values
from .errors import ImportProblem, ProblemList, SortedProblems, take
from .fastcheck import resident_id_ok, uscc_ok
from .fits import check_lengths
from .holders import match_holders
from .readers import ROW, GeoLayer, Inputs, RawSheet
from .readers.geodata import geodata_key, geodata_key_names
from .schema import (
    GEOMETRY_FIELDS,
    PRECISION_SUFFIX,
    SHEETS,
    TAG_SEPARATORS,
    Column,
    Kind,
    Sheet,
    sheet_named,
)
from .values import vocabularies
from .values.numbers import accepted_units

EXTRA = "x:"  # prefix of unknown columns kept for the record's extra JSON
MAX_NUMBER = 1e15  # in canonical units: 10^15 m², 万元, kWh … is no real figure


@dataclass
class Known:
    """Natural keys already in the database (loaded with one query per table)."""

    parcel_codes: set[str] = field(default_factory=set)
    parcel_areas: dict[str, float] = field(default_factory=dict)
    usccs: set[str] = field(default_factory=set)
    person_ids: set[str] = field(default_factory=set)
    # Verified credit codes that fail the GB 32100 check (landcycle.core.uscc_exceptions).
    uscc_exceptions: frozenset[str] = frozenset()
    enterprise_names: dict[str, str] = field(default_factory=dict)  # USCC → name (holders)
    parcel_holders: dict[str, str] = field(default_factory=dict)  # code → holder USCC


@dataclass
class SheetData:
    spec: Sheet
    name: str  # as the user wrote it
    source: str
    frame: pl.DataFrame  # _row, present column keys (typed, canonical), x:<header> extras
    present: set[str]
    headers: dict[str, str]  # column key → header as written

    @property
    def extra_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith(EXTRA)]


@dataclass
class Validated(SortedProblems):
    sheets: dict[str, SheetData] = field(default_factory=dict)  # by sheet key
    # Geometry for stored parcels not in this import's 宗地 sheet: code + GEOMETRY_FIELDS + extras.
    geometry_updates: pl.DataFrame | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    # Sheet keys given but refused whole (a required column missing): their records are not
    # known, so references to them are not checked (that would only repeat the one error).
    refused: set[str] = field(default_factory=set)


class _Sink:
    """Collects problems of one sheet; ``rows`` turns a failing mask into one problem per row."""

    def __init__(self, sheet: str, problems: list[ImportProblem]):
        self.sheet = sheet
        self.problems = problems

    def add(self, row, column, value, reason, warning=False):
        self.problems.append(
            ImportProblem(
                self.sheet, row, column, None if value is None else str(value), reason, warning
            )
        )

    def rows(
        self,
        frame: pl.DataFrame,
        mask: pl.Series,
        raw: pl.Series,
        column: str,
        reason,
        warning: bool = False,
    ):
        """One problem per row where mask is true; ``reason`` may be a function of the value."""
        if not mask.any():
            return
        picked = pl.DataFrame({"r": frame[ROW], "v": raw}).filter(mask.fill_null(False))
        picked = take(self.problems, self.sheet, column, picked, warning)  # capped: rest counted
        for row, value in picked.iter_rows():
            self.add(row, column, value, reason(value) if callable(reason) else reason, warning)


# ---------------------------------------------------------------- cell conversions (vectorised)


def keep_where(series: pl.Series, mask: pl.Series) -> pl.Series:
    """``series`` where ``mask`` is true, null elsewhere."""
    return pl.select(pl.when(mask.fill_null(False)).then(series).alias(series.name)).to_series()


def _report(sink: _Sink, frame: pl.DataFrame, raw: pl.Series, header: str, parsed) -> None:
    """A value parser's reasons (``landcycle.imports.values``): errors, then warnings, per row."""
    for reasons, warning in ((parsed.error, False), (parsed.warning, True)):
        mask = reasons.is_not_null()
        if not mask.any():
            continue
        picked = pl.DataFrame({"r": frame[ROW], "v": raw, "why": reasons}).filter(mask)
        picked = take(sink.problems, sink.sheet, header, picked, warning)  # capped (issue 10)
        for row, value, why in picked.iter_rows():
            sink.add(row, header, value, why, warning)


def _mapped(raw: pl.Series, mapping: dict[str, object], dtype) -> pl.Series:
    lowered = raw.str.to_lowercase()
    return lowered.replace_strict(
        {k.lower(): v for k, v in mapping.items()}, default=None, return_dtype=dtype
    )


@lru_cache(maxsize=8)
def _uscc_check(exceptions: frozenset[str]) -> Callable[[str], str]:
    """One check function per exception list, so ``_checked``'s cache serves every sheet."""
    return partial(normalise_uscc, exceptions=exceptions)


@lru_cache(maxsize=2_000_000)
def _checked(check: Callable[[str], str], value: str) -> tuple[str | None, str | None]:
    """(normalised, None) or (None, reason); cached so a USCC named on many sheets is checked once."""
    try:
        return check(value), None
    except (InvalidIdentifier, ValueError) as exc:
        return None, str(exc)


def _per_value(raw: pl.Series, check: Callable[[str], str]) -> tuple[pl.Series, dict[str, str]]:
    """Apply ``check`` once per distinct value: normalised values and reasons for the bad ones."""
    good: dict[str, str] = {}
    bad: dict[str, str] = {}
    for value in raw.drop_nulls().unique().to_list():
        normal, reason = _checked(check, value)
        if reason is None:
            good[value] = normal
        else:
            bad[value] = reason
    return raw.replace_strict(good, default=None, return_dtype=pl.Utf8), bad


# ---------------------------------------------------------------- one sheet


def _header_map(raw: RawSheet, spec: Sheet, sink: _Sink, profile=None):
    """Column key → (position, header, unit) and the positions of unknown columns.

    Headers are matched by :func:`tables.match_header` (a profile's names first, then ours,
    full-width brackets and spaces ignored); a unit in a header must be one of its column's.
    """
    known: dict[str, tuple[int, str, units.Unit | units.RateUnit | None]] = {}
    extras: list[tuple[int, str]] = []
    at = raw.header_row
    have = {c.key for c in spec.columns}
    for position, header in enumerate(raw.headers):
        if not header:
            if raw.frame[f"c{position}"].drop_nulls().len():
                sink.add(
                    at,
                    f"{tables.column_letter(position)}列(无标题)",
                    None,
                    "列没有标题 column without a header",
                )
            continue
        found = tables.match_header(spec, header, profile)
        keys = [k for k in found.keys if k in have] if found else []
        if not keys:
            extras.append((position, header))
            continue
        unit = None
        if found.unit:
            try:
                unit = units.parse_unit(found.unit)
            except units.UnknownUnit:
                sink.add(at, header, found.unit, _unknown_unit(spec, keys, found.unit))
                continue
        for key in keys:
            column = spec.column(key)
            if key in known:
                sink.add(
                    at,
                    header,
                    None,
                    f"列重复：与「{known[key][1]}」是同一列 duplicate column (also {known[key][1]})",
                )
                continue
            if unit is not None and not _unit_fits(
                column, spec, unit, found.unit, header, sink, at
            ):
                continue
            known[key] = (position, header, unit)
    return known, extras


_DIMENSIONS = {
    "area": "面积",
    "money": "金额",
    "energy": "能耗",
    "mass": "质量",
    "count": "人数",
    "ratio": "比例",
    "electricity": "电量",
    "volume": "体积",
}


def _unknown_unit(spec: Sheet, keys: list[str], text: str) -> str:
    column = spec.column(keys[0])
    known = f"，此列可用{accepted_units(column.unit)}" if column.unit else ""
    return f"未知单位「{text}」{known} unknown unit"


def _unit_fits(column: Column, spec: Sheet, unit, unit_text: str, header, sink, at) -> bool:
    if column.key == "value" and spec.key == "commitments":
        return True  # a promise keeps the unit it was given in
    if column.unit is None:
        sink.add(at, header, unit_text, "此列不带单位 this column takes no unit")
        return False
    if not isinstance(unit, units.Unit) or unit.dimension != column.dimension:
        sink.add(
            at,
            header,
            unit_text,
            f"单位不符：「{unit_text}」不是{_DIMENSIONS.get(column.dimension, '')}单位，"
            f"此列可用{accepted_units(column.unit)} unit {unit_text} is not a unit of "
            f"{column.dimension}",
        )
        return False
    return True


def _convert(
    column: Column,
    raw: pl.Series,
    unit,
    frame: pl.DataFrame,
    header: str,
    sink: _Sink,
    today: dt.date,
    uscc_exceptions: frozenset[str] = frozenset(),
) -> pl.Series | pl.DataFrame:
    """One column's text → typed values in canonical units (a partial date: a frame of the
    date and ``<key>_precision``); every refused cell reported to ``sink``."""
    present = raw.is_not_null()
    kind = column.kind
    if kind == Kind.TEXT:
        return raw
    if kind == Kind.YEAR:
        parsed = values.parse_years(raw)
        _report(sink, frame, raw, header, parsed)
        if column.not_future:
            sink.rows(
                frame, parsed.value > today.year, raw, header, "年度在未来 year is in the future"
            )
        return parsed.value
    if kind in (Kind.NUMBER, Kind.INTEGER):
        # A unit in a cell is read into the header's unit, else into the column's default one.
        target = unit if isinstance(unit, units.Unit) else column.unit
        parsed = values.parse_numbers(raw, target)
        _report(sink, frame, raw, header, parsed)
        value = parsed.value
        if kind == Kind.INTEGER:
            fractional = value.is_not_null() & (value != value.floor())
            sink.rows(frame, fractional, raw, header, "须为整数 must be a whole number")
            value = keep_where(value, ~fractional.fill_null(False))
        elif column.unit is not None and target is not None:
            value = value * (target.factor / units.CANONICAL[target.dimension].factor)
        # Beyond what any figure of the field can be (and beyond float: 1e308 公顷 is inf m²):
        # refused, so no page, export or sum ever meets an infinite or absurd number.
        huge = (value.is_infinite() | (value.abs() > MAX_NUMBER)).fill_null(False)
        sink.rows(
            frame, huge, raw, header, f"数值过大：超过 {MAX_NUMBER:.0e}（折合后）number too large"
        )
        value = keep_where(value, ~huge)
        if column.unit is units.PERCENT:
            shown = value.drop_nulls()
            if shown.len() and shown.max() <= 1 and shown.max() > 0:
                # 0.35 typed in a plain cell means 35 % to most officers; a %-formatted cell
                # is already read as the percent it shows (readers.formats).
                sink.add(
                    None,
                    header,
                    None,
                    f"此列的值都不大于1（最大 {shown.max():g}），是否为小数形式？35% 应写作 35 或 35%"
                    " — all values ≤ 1: fractions where percents are expected?",
                    warning=True,
                )
        if column.plausible is not None:
            low, high = column.plausible
            canonical = units.CANONICAL[column.dimension].label if column.dimension else ""
            odd = ((value < low) | (value > high)).fill_null(False) & (value > 0)
            sink.rows(
                frame,
                odd,
                raw,
                header,
                f"数值不合常理（合理范围 {low:g}–{high:g} {canonical}），请确认单位"
                " implausible: check the unit in the header",
                warning=True,
            )
        if column.minimum is not None:
            low = (
                (value <= column.minimum) if column.minimum_exclusive else (value < column.minimum)
            )
            bound = "大于" if column.minimum_exclusive else "不小于"
            sink.rows(
                frame, low, raw, header, f"须{bound}{column.minimum:g} must be ≥ {column.minimum:g}"
            )
        if column.maximum is not None:
            sink.rows(
                frame,
                value > column.maximum,
                raw,
                header,
                f"须在{column.minimum or 0:g}–{column.maximum:g}之间 out of range",
            )
        if kind == Kind.INTEGER:
            return value.cast(pl.Int64)
        return value
    if kind == Kind.DATE:
        partial_date = getattr(column, "partial", False)
        parsed = values.parse_dates(raw, allow_partial=partial_date)
        _report(sink, frame, raw, header, parsed)
        value = parsed.value
        if column.not_future:
            sink.rows(frame, value > today, raw, header, "日期在未来 date is in the future")
        if partial_date:  # the date and its precision, side by side
            return pl.DataFrame(
                {column.key: value, column.key + PRECISION_SUFFIX: parsed.precision}
            )
        return value
    if kind == Kind.BOOL:
        parsed = values.parse_booleans(raw)
        _report(sink, frame, raw, header, parsed)
        return parsed.value
    if kind == Kind.ENUM:
        value, unknown, allowed = vocabularies.enum_values(column, raw)
        sink.rows(frame, unknown, raw, header, f"不在列表中 not one of {allowed}")
        return value
    if kind in (Kind.USCC, Kind.ID_NUMBER):
        check = _uscc_check(uscc_exceptions) if kind == Kind.USCC else normalise_resident_id
        screen = uscc_ok if kind == Kind.USCC else resident_id_ok
        text = raw.str.strip_chars().str.to_uppercase()
        passed = screen(text)
        # The authority decides (and explains) whatever the vectorised screen did not pass.
        checked, bad = _per_value(raw.filter(present & ~passed), check)
        good = dict(zip(raw.filter(present & ~passed), checked, strict=True))
        others = raw.replace_strict(good, default=None, return_dtype=pl.Utf8)
        value = pl.select(pl.when(passed).then(text).otherwise(others).alias(raw.name)).to_series()
        if kind == Kind.USCC:  # a code of the right shape may be a verified exception
            bad = {v: r + LISTABLE_HINT if listable(v) else r for v, r in bad.items()}
        sink.rows(frame, raw.is_in(list(bad)), raw, header, lambda v: bad[v])
        return value
    if kind == Kind.PARTY:
        return raw.str.strip_chars().str.to_uppercase()
    if kind == Kind.TAGS:
        return (
            raw.str.replace_all(TAG_SEPARATORS, ",")
            .str.split(",")
            .list.eval(pl.element().str.strip_chars())
            .list.eval(pl.element().filter(pl.element() != ""))
        )
    if kind == Kind.UNIT:

        def unit_key(text):
            return units.parse_unit(text).key

        value, bad = _per_value(raw, unit_key)
        sink.rows(
            frame,
            raw.is_in(list(bad)),
            raw,
            header,
            lambda v: f"未知单位「{v}」：如 万元/公顷、亩、% unknown unit",
        )
        return value
    raise AssertionError(kind)


def geometry_columns(
    raw: pl.Series, rows: pl.Series, crs: int, header: str, sink: _Sink
) -> pl.DataFrame:
    """WKT/GeoJSON text → stored WKT in EPSG:4490, computed area and bounding box."""
    texts = raw.to_list()
    values = np.array(texts, dtype=object)
    parsed = np.full(len(texts), None, dtype=object)
    wkt = np.array([t is not None and not t.lstrip().startswith("{") for t in texts], dtype=bool)
    if wkt.any():
        parsed[wkt] = shapely.from_wkt(values[wkt], on_invalid="ignore")
    for i, text in enumerate(texts):
        if text is None or parsed[i] is not None:
            continue
        try:  # GeoJSON, and the reason for WKT that did not parse
            parsed[i] = geo.parse_geometry(text)
        except geo.GeometryError as exc:
            sink.add(int(rows[i]), header, _short(text), str(exc))
    return _geometry_frame(parsed, rows, texts, crs, header, sink)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _settle_crs(parsed, ok, crs, header, sink, rows, texts):
    """Geometries and EPSG after recognising Gauss–Krüger metres (geo.recognise_projection):
    notes are warnings on the column, refusals errors on their rows."""
    if not ok.any():
        return parsed, crs
    parsed = parsed.copy()
    at = np.flatnonzero(ok)
    parsed[ok], notes, refused = geo.recognise_projection(parsed[ok], crs)
    for note in notes:
        sink.add(None, header, None, note, warning=True)
    for i, reason in refused.items():
        sink.add(int(rows[at[i]]), header, _short(texts[at[i]]) if texts[at[i]] else None, reason)
        ok[at[i]] = False
    return parsed, crs


def _geometry_frame(parsed, rows, texts, crs, header, sink) -> pl.DataFrame:
    rows = list(rows)
    ok = np.array([g is not None for g in parsed], dtype=bool)
    parsed, crs = _settle_crs(parsed, ok, crs, header, sink, rows, texts)  # GK metres, X/Y
    # Check the coordinates as given first (projected metres given as degrees, swapped axes).
    if crs == geo.CGCS2000:
        candidates = parsed
    else:
        candidates = parsed.copy()
        if ok.any():
            try:
                candidates[ok] = geo.to_cgcs2000(parsed[ok], crs)
            except Exception as exc:  # pyproj: unknown or unusable CRS
                sink.add(
                    None, header, str(crs), f"无法转换坐标 cannot reproject from EPSG:{crs}: {exc}"
                )
                ok[:] = False
    # Vectorised screen; the per-geometry checks (with their reasons) run on suspects only.
    suspect = np.zeros(len(parsed), dtype=bool)
    if ok.any():
        shapes = candidates[ok]
        bounds = shapely.bounds(shapes)
        inside = (
            (bounds[:, 0] >= geo.CHINA_LON[0])
            & (bounds[:, 2] <= geo.CHINA_LON[1])
            & (bounds[:, 1] >= geo.CHINA_LAT[0])
            & (bounds[:, 3] <= geo.CHINA_LAT[1])
        )
        polygon = np.isin(shapely.get_type_id(shapes), (3, 6))
        fine = inside & polygon & shapely.is_valid(shapes) & ~shapely.is_empty(shapes)
        suspect[np.flatnonzero(ok)[~fine]] = True
    for i in np.flatnonzero(suspect):
        geometry = candidates[i]
        try:
            geo.check_polygon(geometry)
            geo.check_geographic_china(geometry)
        except geo.GeometryError as exc:
            sink.add(int(rows[i]), header, _short(texts[i]) if texts[i] else None, str(exc))
            ok[i] = False
    good = candidates[ok]
    wkt = np.full(len(parsed), None, dtype=object)
    areas = np.full(len(parsed), np.nan)
    bounds = np.full((len(parsed), 4), np.nan)
    if len(good):
        wkt[ok] = shapely.to_wkt(good, rounding_precision=8, trim=True)
        # Measure what is stored, so a re-import of the stored WKT gives the same figures.
        good = shapely.from_wkt(wkt[ok])
        areas[ok] = geo.projected_areas_m2(good)
        bounds[ok] = shapely.bounds(good)
    return pl.DataFrame(
        {
            "geometry_wkt": pl.Series(wkt.tolist(), dtype=pl.Utf8),
            "computed_area_m2": pl.Series(areas).fill_nan(None),
            "min_lon": pl.Series(bounds[:, 0]).fill_nan(None),
            "min_lat": pl.Series(bounds[:, 1]).fill_nan(None),
            "max_lon": pl.Series(bounds[:, 2]).fill_nan(None),
            "max_lat": pl.Series(bounds[:, 3]).fill_nan(None),
        }
    )


def validate_sheet(
    raw: RawSheet,
    spec: Sheet,
    crs: int,
    problems,
    today,
    uscc_exceptions: frozenset[str] = frozenset(),
    profile=None,
    defaults: dict[str, str] | None = None,
) -> SheetData | None:
    """One sheet's text frame → typed frame; ``defaults``: column key → value for empty cells
    and for a missing column (``--street`` gives ``jurisdiction``)."""
    sink = _Sink(raw.name, problems)
    if not raw.headers or raw.frame.height == 0:
        sink.add(
            None, None, None, "空表：没有表头或没有数据行 empty sheet: no header or no data rows"
        )
        return None
    known, extras = _header_map(raw, spec, sink, profile)
    frame = raw.frame
    for key, value in (defaults or {}).items():
        if not value or not any(c.key == key for c in spec.columns):
            continue
        if key in known:
            frame = frame.with_columns(pl.col(f"c{known[key][0]}").fill_null(pl.lit(value)))
        else:
            position = len(frame.columns) + 1000  # after every column the sheet has
            frame = frame.with_columns(pl.lit(value, dtype=pl.Utf8).alias(f"c{position}"))
            known[key] = (position, spec.column(key).header, None)
    missing = [
        c
        for c in spec.columns
        if c.required and c.key not in known and not (spec.key == "commitments" and c.key == "unit")
    ]
    for column in missing:
        sink.add(raw.header_row, column.header, None, _missing_column(spec, column, raw, profile))
    if missing:
        return None  # the sheet cannot be read without it; other checks would only add noise
    out = {ROW: frame[ROW]}
    for key, (position, header, unit) in known.items():
        column = spec.column(key)
        series = frame[f"c{position}"]
        if column.required:
            sink.rows(frame, series.is_null(), series, header, "必填 required value is empty")
        if column.kind == Kind.GEOMETRY:
            geometry = geometry_columns(series, frame[ROW], crs, header, sink)
            for name in GEOMETRY_FIELDS:
                out[name] = geometry[name]
            continue
        converted = _convert(column, series, unit, frame, header, sink, today, uscc_exceptions)
        if isinstance(converted, pl.DataFrame):  # a partial date and its precision
            out.update(converted.to_dict())
        else:
            out[key] = converted.alias(key)
    if spec.key == "parcels":  # words of the field → kinds and codes (values.vocabularies)
        columns = {k: (f"c{p}", h) for k, (p, h, _u) in known.items() if p >= 0}
        for key, header in vocabularies.parcel_companions(frame, columns, out, sink).items():
            known.setdefault(key, (-1, header, None))
    if spec.key == "commitments" and "value" in known:
        header_unit = known["value"][2]
        fallback = header_unit.key if header_unit is not None else ""
        given = out.get("unit")
        out["unit"] = (
            given.fill_null(fallback)
            if given is not None
            else pl.Series("unit", [fallback] * frame.height, dtype=pl.Utf8)
        )
        known.setdefault("unit", (-1, "单位", None))
    for position, header in extras:
        out[EXTRA + header] = frame[f"c{position}"]
    typed = pl.DataFrame(out)
    for start, end in spec.date_pairs:
        if start in typed.columns and end in typed.columns:
            sink.rows(
                typed,
                _last_day(typed, end) < typed[start],
                typed[end].cast(pl.Utf8),
                known[end][1],
                f"早于{known[start][1]} ends before it starts",
            )
    headers = {key: header for key, (_p, header, _u) in known.items()}
    return SheetData(spec, raw.name, raw.source, typed, set(known), headers)


def _last_day(typed: pl.DataFrame, key: str) -> pl.Series:
    """The last day of each period of a date column (a partial date's month or year)."""
    value = typed[key]
    precision = typed.get_column(key + PRECISION_SUFFIX, default=None)
    if precision is None:
        return value
    return typed.select(
        pl.when(precision == "month")
        .then(value.dt.month_end())
        .when(precision == "year")
        .then(value.dt.offset_by("1y").dt.offset_by("-1d"))
        .otherwise(value)
    ).to_series()


def _missing_column(spec: Sheet, column: Column, raw: RawSheet, profile) -> str:
    accepted = [column.header, column.key, *getattr(column, "aliases", ())]
    if profile is not None and profile.sheet == spec.key:
        accepted += [h for h in profile.accepted() if column.key in profile.keys_for(h)]
    found = "、".join(h for h in raw.headers if h) or "无"
    hint = (
        "；或指定所属街道（导入页面「所属街道」栏；命令行 --street） or give the street"
        if column.key == "jurisdiction"
        else ""
    )
    if profile is None:
        from .profiles import suggest

        names = suggest(spec.key, raw.headers)
        if names:
            hint += (
                f"；这些列名像列名方案 {'、'.join(names)}：试试选「{names[0]}」"
                f"（导入页面「列名方案」栏；命令行 --profile {names[0]}） (try that profile)"
            )
    return (
        f"缺少必填列「{column.header}」（可用列名：{'、'.join(accepted)}；"
        f"表头第{raw.header_row}行中的列：{found}）{hint} "
        f"missing required column {column.header} ({column.key})"
    )


def _duplicates(data: SheetData, sink: _Sink) -> None:
    """Rows repeating an earlier row's natural key (optional key columns may be absent)."""
    spec = data.spec
    keys = [k for k in spec.natural_key if k in data.frame.columns]
    required = [k for k in spec.natural_key if spec.column(k).required]
    if any(k not in data.frame.columns for k in required):
        return  # already reported as a missing column
    frame = data.frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in required))
    first = frame.group_by(keys).agg(pl.col(ROW).min().alias("_first"))
    joined = frame.join(first, on=keys, nulls_equal=True)
    dupes = joined.filter(pl.col(ROW) != pl.col("_first")).sort(ROW)
    label = "、".join(data.headers.get(k, k) for k in keys)
    for row in dupes.select(ROW, "_first", *keys).iter_rows():
        value = "/".join("" if v is None else str(v) for v in row[2:])
        sink.add(row[0], label, value, f"重复 duplicate of row {row[1]}")


def validate(
    inputs: Inputs,
    known: Known,
    crs: int | None = None,
    today=None,
    profile=None,
    street: str | None = None,
) -> Validated:
    """``crs``: EPSG of all given coordinates; None = 4490, or a geodata file's own CRS.

    ``profile``: a :class:`profiles.Profile` whose header names are accepted besides ours;
    ``street``: 所属街道 of 宗地 rows that give none. Grids go through ``tables.find_tables``
    first; an input in which no sheet and no geodata layer is recognised is an error.
    """
    today = today or dt.date.today()
    result = Validated(problems=ProblemList(inputs.problems))
    problems = result.problems
    tables_found = [(sheet_named(raw.name), raw) for raw in inputs.sheets]
    for raw in inputs.sheets:
        if sheet_named(raw.name) is None:
            problems.append(
                ImportProblem.whole(
                    raw.name,
                    "未识别的工作表，已忽略 unknown sheet ignored (sheets: "
                    + "、".join(s.name for s in SHEETS)
                    + ")",
                    warning=True,
                )
            )
    tables_found += tables.find_tables(inputs.grids, problems, profile)
    tables_found = [(spec, raw) for spec, raw in tables_found if spec is not None]
    if (inputs.sheets or inputs.grids) and not tables_found and not inputs.layers:
        problems.append(
            ImportProblem(
                "、".join(
                    sorted({r.source for r in inputs.sheets} | {g.source for g in inputs.grids})
                ),
                None,
                None,
                None,
                "没有识别出任何工作表，未导入：工作表名或表头须为导入格式中的一种（"
                + "、".join(s.name for s in SHEETS)
                + "） no sheet recognised by its name or headers; nothing imported",
            )
        )
    defaults = {"jurisdiction": street} if street else None
    seen: dict[str, RawSheet] = {}
    for spec, raw in tables_found:
        if spec.key in seen:
            problems.append(
                ImportProblem.whole(
                    raw.name,
                    f"工作表重复：「{spec.name}」已由 {seen[spec.key].source} 的"
                    f" {seen[spec.key].name} 给出 sheet given twice "
                    f"({seen[spec.key].source}, {raw.source})",
                )
            )
            continue
        seen[spec.key] = raw
        data = validate_sheet(
            raw,
            spec,
            crs or geo.CGCS2000,
            problems,
            today,
            known.uscc_exceptions,
            profile,
            defaults if spec.key == "parcels" else None,
        )
        if data is not None:
            _duplicates(data, _Sink(raw.name, problems))
            result.sheets[spec.key] = data
        else:
            result.refused.add(spec.key)
    _merge_geodata(inputs.layers, result, known, crs)
    _check_references(result, known)
    match_holders(result, known)
    check_lengths(result)
    _area_warnings(result, known)
    _checked.cache_clear()
    return result


def _merge_geodata(layers: list[GeoLayer], result: Validated, known: Known, option: int | None):
    """Geometry from geodata files: onto the 宗地 rows, or as updates of stored parcels."""
    for layer in layers:
        sink = _Sink(layer.source, result.problems)
        key = geodata_key(layer.fields)
        if key is None:
            sink.add(
                None,
                "宗地编号",
                "、".join(layer.fields) or None,
                "地理数据缺少宗地编号字段 features need a parcel code field; 可用字段名 accepted: "
                + "、".join(geodata_key_names()),
            )
            continue
        crs = option or layer.crs_epsg or geo.CGCS2000
        rows = layer.attributes[ROW]
        texts = [None if g is None else "" for g in layer.geometries]
        parsed = np.array(layer.geometries, dtype=object)
        for i, g in enumerate(parsed):
            if g is None:
                sink.add(int(rows[i]), "geometry", None, "要素没有几何 feature without geometry")
        geometry = _geometry_frame(parsed, rows, ["" for _ in texts], crs, "geometry", sink)
        codes = layer.attributes[key].alias("code")
        sink.rows(layer.attributes, codes.is_null(), codes, key, "必填 宗地编号 is empty")
        extras = {
            EXTRA + f: layer.attributes[f]
            for f in layer.fields
            if f != key and not f.lower().startswith(("shape_", "objectid", "fid"))
        }
        frame = pl.DataFrame({ROW: rows, "code": codes, **extras}).hstack(
            geometry.select(GEOMETRY_FIELDS)
        )
        frame = frame.filter(pl.col("code").is_not_null())
        dupes = frame.filter(pl.col("code").is_duplicated())
        for row, code in dupes.select(ROW, "code").iter_rows():
            sink.add(row, key, code, "宗地编号重复 duplicate parcel code in geodata")
        parcels = result.sheets.get("parcels")
        sheet_codes = set(parcels.frame["code"].drop_nulls()) if parcels else set()
        unknown = frame.filter(~pl.col("code").is_in(list(sheet_codes | known.parcel_codes)))
        for row, code in unknown.select(ROW, "code").iter_rows():
            sink.add(row, key, code, "宗地不存在 no such parcel in the 宗地 sheet or the ledger")
        frame = frame.filter(pl.col("code").is_in(list(sheet_codes | known.parcel_codes)))
        if parcels is not None and "geometry" in parcels.present:
            # The sheet has its own 几何 column: geodata replaces it where it has a feature.
            on_sheet = frame.filter(pl.col("code").is_in(list(sheet_codes))).drop(ROW)
            merged = parcels.frame.join(on_sheet, on="code", how="left", suffix="_geo")
            for name in merged.columns:
                if name.endswith("_geo"):
                    base = name.removesuffix("_geo")
                    merged = merged.with_columns(pl.coalesce(name, base).alias(base)).drop(name)
            parcels.frame = merged
            frame = frame.filter(~pl.col("code").is_in(list(sheet_codes)))
        if frame.height:
            result.geometry_updates = (
                frame
                if result.geometry_updates is None
                else pl.concat([result.geometry_updates, frame], how="diagonal_relaxed")
            )


_REFERENCED = {
    "parcel": {"parcels"},
    "enterprise": {"enterprises"},
    "party": {"enterprises", "persons"},
}


def _check_references(result: Validated, known: Known) -> None:
    parcels = result.sheets.get("parcels")
    enterprises = result.sheets.get("enterprises")
    persons = result.sheets.get("persons")
    parcel_codes = known.parcel_codes | (
        set(parcels.frame["code"].drop_nulls()) if parcels else set()
    )
    usccs = known.usccs | (set(enterprises.frame["uscc"].drop_nulls()) if enterprises else set())
    person_ids = known.person_ids | (
        set(persons.frame["id_number"].drop_nulls()) if persons else set()
    )
    for data in result.sheets.values():
        sink = _Sink(data.name, result.problems)
        for column in data.spec.columns:
            if column.references is None or column.key not in data.frame.columns:
                continue
            if _REFERENCED[column.references] & result.refused:
                continue
            series = data.frame[column.key]
            header = data.headers[column.key]
            if column.references == "parcel":
                missing = series.is_not_null() & ~series.is_in(list(parcel_codes))
                sink.rows(
                    data.frame,
                    missing,
                    series,
                    header,
                    "宗地不存在 unknown parcel (not in the 宗地 sheet nor the ledger)",
                )
            elif column.references == "enterprise":
                missing = series.is_not_null() & ~series.is_in(list(usccs))
                sink.rows(
                    data.frame,
                    missing,
                    series,
                    header,
                    "企业不存在 unknown enterprise (not in the 企业 sheet nor the ledger)",
                )
            elif column.references == "party":
                kinds = _party_kinds(series, usccs, person_ids)
                data.frame = data.frame.with_columns(kinds.alias("_party_kind"))
                sink.rows(
                    data.frame,
                    series.is_not_null() & kinds.is_null(),
                    series,
                    header,
                    lambda v: _party_reason(v),
                )


def _party_kinds(series: pl.Series, usccs: set[str], person_ids: set[str]) -> pl.Series:
    """'enterprise' or 'person' for each 关联方 found among the known ones, else null."""
    mapping = {}
    for value in series.drop_nulls().unique().to_list():
        if value in usccs:
            mapping[value] = "enterprise"
        elif value in person_ids:
            mapping[value] = "person"
    return series.replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def _party_reason(value: str) -> str:
    try:
        normalise_resident_id(value)
        return "责任人不存在 unknown person (not in the 责任人 sheet nor the ledger)"
    except InvalidIdentifier:
        pass
    try:
        normalise_uscc(value)
        return "企业不存在 unknown enterprise (not in the 企业 sheet nor the ledger)"
    except InvalidIdentifier:
        return "关联方须为统一社会信用代码或身份证号码 party must be a valid USCC or resident ID"


def _area_warnings(result: Validated, known: Known) -> None:
    parcels = result.sheets.get("parcels")
    frames = []
    if parcels is not None and "computed_area_m2" in parcels.frame.columns:
        frame = parcels.frame
        area = frame["area"] if "area" in frame.columns else None
        if area is not None:
            frames.append((parcels.name, frame.select(ROW, "code", "computed_area_m2", area)))
    if result.geometry_updates is not None:
        areas = dict(known.parcel_areas)
        if parcels is not None and "area" in parcels.frame.columns:
            areas.update(zip(parcels.frame["code"], parcels.frame["area"], strict=True))
        updates = result.geometry_updates.with_columns(
            pl.col("code")
            .replace_strict(areas, default=None, return_dtype=pl.Float64)
            .alias("area")
        )
        frames.append(("geodata", updates.select(ROW, "code", "computed_area_m2", "area")))
    for sheet, frame in frames:
        # Screen in Polars; area_differs (the rule behind Parcel.area_mismatch) decides.
        off = ((pl.col("computed_area_m2") - pl.col("area")).abs() / pl.col("area")) > 0.04
        for row, code, computed, registered in frame.filter(off.fill_null(False)).iter_rows():
            if geo.area_differs(registered, computed):
                result.problems.append(
                    ImportProblem(
                        sheet,
                        row,
                        "几何",
                        code,
                        f"图形面积与登记面积相差超过5% geometric area {computed:,.0f} m² differs "
                        f"from registered {registered:,.0f} m² by more than 5 %",
                        warning=True,
                    )
                )


__all__ = ["Known", "SheetData", "Validated", "validate"]
