"""Find the table in a sheet: which kind of sheet it is, where its header is, which rows are data.

Readers hand over a *grid*: every cell of a sheet as text, columns ``c0..cN`` and ``_row`` (the
spreadsheet row number, first line = 1). Officers' sheets are rarely just a header and data:
published lists carry 附件 / title / 填报单位 rows above the header, a 序号 column, 合计 / 小计 rows,
two-row group headers (约定容积率 over 下限 / 上限, 用地面积 over （亩）) and sheets named ``Sheet1``.
This module turns a grid into the :class:`RawSheet` validation reads, and reports what it skipped:

* the sheet kind comes from the sheet name, else from the headers (most columns of one kind);
* the header row is the row among the first ``HEADER_SCAN`` that names most columns of that kind;
  a second header row combines with the first (group label + sub-header; a unit below applies);
* 序号 columns are ignored; blank rows are skipped; total rows are skipped with a warning;
* a cell with content under no header is an error (nothing is ever dropped silently).

Only the first ``HEADER_SCAN`` rows are read cell by cell; data rows are handled by Polars.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import polars as pl

from landcycle.core import units

from .errors import ImportProblem
from .readers.cells import _column_text, cell_text
from .readers.shapes import ROW, Grid, RawSheet
from .schema import SHEETS, Sheet, sheet_named

HEADER_SCAN = 30  # rows searched for the header
MIN_RECOGNISED = 2  # columns of a kind a header must name for an unnamed sheet to be read as it
SERIAL_HEADERS = frozenset({"序号", "序", "no", "no.", "编号序号"})
TOTAL = re.compile(r"^\s*(合\s*计|小\s*计|总\s*计|共\s*计|总\s*合\s*计)\s*([:：(（].*)?$")


# ---------------------------------------------------------------- grids (used by readers)


def grid_from_rows(rows: list[list], first_row: int = 1) -> pl.DataFrame:
    """Python rows (as calamine or openpyxl give them) → grid frame.

    Shape: Utf8 columns ``c0..cN`` (every column holding anything; blank = null, text stripped)
    and ``_row`` (Int64, spreadsheet row number, ``first_row`` for ``rows[0]``). The first
    ``HEADER_SCAN`` rows are converted cell by cell (headers are text above numbers); the rest
    column by column.
    """
    width = max((len(r) for r in rows), default=0)
    head, tail = rows[:HEADER_SCAN], rows[HEADER_SCAN:]
    data: dict[str, pl.Series] = {}
    tail_columns = list(zip(*(_padded(r, width) for r in tail), strict=True)) if tail else []
    for i in range(width):
        name = f"c{i}"
        top = pl.Series(name, [cell_text(r[i]) if i < len(r) else None for r in head], pl.Utf8)
        if tail_columns:
            top = pl.concat([top, _column_text(name, tail_columns[i])])
        data[name] = top
    data[ROW] = pl.Series(ROW, range(first_row, first_row + len(rows)), dtype=pl.Int64)
    return _without_empty_columns(pl.DataFrame(data))


def _padded(row: list, width: int) -> list:
    return row if len(row) == width else list(row) + [None] * (width - len(row))


def grid_from_frame(frame: pl.DataFrame, first_row: int = 1) -> pl.DataFrame:
    """A frame read without a header (e.g. ``pl.read_csv(has_header=False)``) → grid frame."""
    columns = [
        pl.col(c).cast(pl.Utf8).str.strip_chars().replace("", None).alias(f"c{i}")
        for i, c in enumerate(frame.columns)
    ]
    grid = frame.select(columns).with_columns(
        pl.int_range(first_row, first_row + frame.height, dtype=pl.Int64).alias(ROW)
    )
    return _without_empty_columns(grid)


def _without_empty_columns(grid: pl.DataFrame) -> pl.DataFrame:
    """Trailing empty columns dropped; ``c<i>`` stays the sheet's column i (A = c0)."""
    counts = grid.null_count().row(0, named=True)
    columns = [c for c in grid.columns if c != ROW]
    width = max((i + 1 for i, c in enumerate(columns) if counts[c] < grid.height), default=0)
    return grid.select(*[pl.col(c).alias(f"c{i}") for i, c in enumerate(columns[:width])], ROW)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column as a spreadsheet shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------- header matching


def normalise(text: str) -> str:
    """Header text for comparison: NFKC (full-width → half-width), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


# Per sheet kind: (its columns, normalised name → key, memo of header matches). Rebuilt when a
# sheet's columns change (tests patch the schema), so a match never outlives its declaration.
_CACHE: dict[str, tuple[tuple, dict[str, str], dict]] = {}


def _names(spec: Sheet) -> tuple[dict[str, str], dict]:
    """Normalised header, key and aliases → column key, and the match memo, for one kind."""
    cached = _CACHE.get(spec.key)
    if cached is not None and cached[0] is spec.columns:
        return cached[1], cached[2]
    names: dict[str, str] = {}
    for column in spec.columns:
        for name in (column.header, column.key, *getattr(column, "aliases", ())):
            names.setdefault(normalise(name), column.key)
    _CACHE[spec.key] = (spec.columns, names, {})
    return names, _CACHE[spec.key][2]


@dataclass(frozen=True)
class HeaderMatch:
    """The column keys a header fills, and the unit written in it (``用地面积（亩）`` → 亩)."""

    keys: tuple[str, ...]  # column keys this header fills (a profile may fill several)
    unit: str | None  # unit written in the header, if it is not part of the column's name


def match_header(spec: Sheet, header: str, profile=None) -> HeaderMatch | None:
    """The columns of ``spec`` a header names (profile first, then our names), or None.

    ``'用地面积（亩）'`` → ``HeaderMatch(('area',), '亩')``; a header whose full text is a name
    (e.g. a profile entry ``面积(公顷)``) carries no separate unit unless the profile gives one.
    """
    names, memo = _names(spec)
    key = (header, profile)
    if key not in memo:
        if len(memo) > 50_000:  # a long-running server sees many headers: keep the memo small
            memo.clear()
        memo[key] = _match(spec.key, names, header, profile)
    return memo[key]


def _match(sheet: str, names: dict[str, str], header: str, profile) -> HeaderMatch | None:
    full = normalise(header)
    base, unit = units.split_header(header)
    base_n = normalise(base)
    if profile is not None and profile.sheet == sheet:
        for text, unit_text in ((full, None), (base_n, unit)):
            keys = profile.keys_for(text)
            if keys:
                return HeaderMatch(keys, unit_text or profile.unit_for(text))
    if full in names:
        return HeaderMatch((names[full],), None)
    if unit is not None and base_n in names:
        return HeaderMatch((names[base_n],), unit)
    return None


def is_serial(header: str | None) -> bool:
    """True for a serial-number header (序号 and the like) that is not data."""
    return header is not None and normalise(header) in SERIAL_HEADERS


def _is_unit(text: str | None) -> bool:
    if not text:
        return False
    inner = normalise(text).strip("()")
    try:
        units.parse_unit(inner)
    except units.UnknownUnit:
        return False
    return True


def combine_headers(top: list[str | None], sub: list[str | None], spec, profile) -> list[str]:
    """Two header rows → one header per column, as the officer would read them.

    A group label spans the columns to its right whose top cell is blank and whose sub cell is
    not (a merged cell); ``约定容积率`` over ``下限`` reads ``约定容积率下限``; ``用地面积`` over
    ``（亩）`` reads ``用地面积（亩）``; a sub-header that is a column name by itself wins.
    """
    width = max(len(top), len(sub))
    top = list(top) + [None] * (width - len(top))
    sub = list(sub) + [None] * (width - len(sub))
    group = None
    headers = []
    for t, s in zip(top, sub, strict=True):
        if t:
            group = t
        elif not s:
            group = None
        label = t or (group if s else None)
        if not s:
            headers.append(label or "")
            continue
        if not label:
            headers.append(s)
            continue
        if _is_unit(s):
            unit = s if s.startswith(("(", "（")) else f"（{s}）"
            headers.append(f"{label}{unit}")
            continue
        joined = f"{label}{s}"
        if match_header(spec, joined, profile) is None and match_header(spec, s, profile):
            headers.append(s)
        else:
            headers.append(joined)
    return headers


def _score(spec: Sheet, headers: list[str | None], profile) -> tuple[int, int]:
    """(columns named, required columns named) by a header row."""
    keys: set[str] = set()
    for header in headers:
        if header:
            found = match_header(spec, header, profile)
            if found:
                keys.update(found.keys)
    required = sum(1 for c in spec.columns if c.required and c.key in keys)
    return len(keys), required


# ---------------------------------------------------------------- finding the table


@dataclass
class Found:
    """Where a sheet's table was found: the sheet spec, header row index, one or two header rows,
    the headers, and the match score.
    """

    spec: Sheet
    header_row: int  # index into the scanned rows of the (first) header row
    two_rows: bool
    headers: list[str]
    score: tuple[int, int]


def _best(spec: Sheet, rows: list[list[str | None]], profile) -> Found | None:
    best = None
    for i, row in enumerate(rows):
        if not any(row):
            continue
        candidates = [(False, [c or "" for c in row])]
        if i + 1 < len(rows) and any(rows[i + 1]):
            candidates.append((True, combine_headers(row, rows[i + 1], spec, profile)))
        one = _score(spec, candidates[0][1], profile)
        choice = Found(spec, i, False, candidates[0][1], one)
        if len(candidates) > 1:
            two = _score(spec, candidates[1][1], profile)
            below = _score(spec, [c or "" for c in rows[i + 1]], profile)
            units_below = all(_is_unit(c) for c in rows[i + 1] if c)
            # Both rows must add to the header: a title above a header is not a group label.
            if two > max(one, below) or (two == one and one[0] and units_below):
                choice = Found(spec, i, True, candidates[1][1], two)
        if best is None or choice.score > best.score:
            best = choice
    return best


def recognise(name: str, rows: list[list[str | None]], profile=None) -> tuple[Found | None, bool]:
    """The kind and header of a sheet: (found, by_name); found None = not recognised.

    By name (宗地, parcels …) the kind is fixed and the header is the row naming most of its
    columns (the first non-blank row when none does). Otherwise every kind is tried and the one
    whose header names most columns (at least ``MIN_RECOGNISED``, one of them required) wins.
    """
    spec = sheet_named(name)
    if spec is not None:
        found = _best(spec, rows, profile)
        if found is None:
            return None, True
        if found.score[0] == 0:
            first = next(i for i, r in enumerate(rows) if any(r))
            found = Found(spec, first, False, [c or "" for c in rows[first]], (0, 0))
        return found, True
    # Kinds a sheet of another name may be (the 辖区 sheet only by its name: see Sheet.by_headers).
    specs = tuple(s for s in SHEETS if s.by_headers)
    if profile is not None and profile.sheet:
        specs = tuple(s for s in SHEETS if s.key == profile.sheet) + tuple(
            s for s in specs if s.key != profile.sheet
        )
    best = None
    for spec in specs:
        found = _best(spec, rows, profile)
        if found is None or found.score[0] < MIN_RECOGNISED or not found.score[1]:
            continue
        if best is None or found.score > best.score:
            best = found
    return best, False


def find_table(grid: Grid, problems: list[ImportProblem], profile=None):
    """A grid → ``(Sheet, RawSheet)``, or None when the sheet is not one of ours (a warning).

    Problems found on the way (total rows skipped, values under no header) go to ``problems``.
    """
    frame = grid.frame
    data_columns = [c for c in frame.columns if c != ROW]
    head = frame.head(HEADER_SCAN)
    rows = [list(r) for r in head.select(data_columns).iter_rows()]
    row_numbers = head[ROW].to_list()
    if not any(any(r) for r in rows):
        spec = sheet_named(grid.name)
        if spec is None:
            return None
        return spec, RawSheet(grid.name, grid.source, [], _empty(), 1)
    found, by_name = recognise(grid.name, rows, profile)
    if found is None:
        problems.append(
            ImportProblem.whole(
                grid.name,
                "未识别的工作表，已忽略：表名与表头都不是导入格式中的工作表 "
                "sheet not recognised by its name or headers, ignored (sheets: "
                + "、".join(s.name for s in SHEETS)
                + ")",
                warning=True,
            )
        )
        return None
    last = found.header_row + (1 if found.two_rows else 0)
    header_row = row_numbers[last]
    if not by_name or header_row != 1:
        where = f"表头在第{row_numbers[found.header_row]}" + (
            f"–{header_row}行" if found.two_rows else "行"
        )
        how = "按表名" if by_name else "按表头"
        problems.append(
            ImportProblem.whole(
                grid.name,
                f"{how}读作「{found.spec.name}」工作表，{where} "
                f"read as the {found.spec.name} ({found.spec.key}) sheet, header on row "
                f"{header_row}",
                warning=True,
            )
        )
    body = frame.filter(pl.col(ROW) > header_row)
    headers = found.headers + [""] * (len(data_columns) - len(found.headers))
    body = _fill_merged_down(grid, body, headers, header_row, problems)
    for row, index, reason in grid.cell_problems:
        header = headers[index] if index < len(headers) and headers[index] else None
        problems.append(
            ImportProblem(grid.name, row, header or f"{column_letter(index)}列", None, reason)
        )
    raw = _body(grid, body, headers, header_row, problems)
    return found.spec, raw


def _fill_merged_down(
    grid: Grid, body: pl.DataFrame, headers: list[str], header_row: int, problems
):
    """Cells merged down a column below the header take the merge's value (Excel keeps it in
    the top cell only): one warning per column naming the rows filled."""
    filled: dict[int, list[str]] = {}
    for first, left, last, right in grid.merged:
        if first <= header_row or last == first:
            continue  # header merges are read by the header logic; one-row merges run across
        for index in range(left, right + 1):
            name = f"c{index}"
            if name not in body.columns:
                continue
            top = body.filter(pl.col(ROW) == first)[name]
            if top.is_empty() or top[0] is None:
                continue
            inside = pl.col(ROW).is_between(first + 1, last) & pl.col(name).is_null()
            body = body.with_columns(
                pl.when(inside).then(pl.lit(top[0])).otherwise(pl.col(name)).alias(name)
            )
            filled.setdefault(index, []).append(f"{first}–{last}")
    for index, spans in sorted(filled.items()):
        header = (
            headers[index]
            if index < len(headers) and headers[index]
            else f"{column_letter(index)}列"
        )
        shown = "、".join(spans[:10]) + (f" 等{len(spans)}处" if len(spans) > 10 else "")
        problems.append(
            ImportProblem(
                grid.name,
                None,
                header,
                None,
                f"合并单元格已按其值填入所覆盖的每一行（第{shown}行） merged cells filled down "
                f"to every row they cover",
                warning=True,
            )
        )
    return body


def _empty() -> pl.DataFrame:
    return pl.DataFrame({ROW: pl.Series([], dtype=pl.Int64)})


def _body(grid: Grid, body: pl.DataFrame, headers: list[str], header_row: int, problems):
    """Data rows: blank and 序号-only rows dropped, total rows skipped, unheaded cells reported."""
    serial = [f"c{i}" for i, h in enumerate(headers) if is_serial(h)]
    content = [f"c{i}" for i, h in enumerate(headers) if not is_serial(h)]
    if content:
        body = body.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in content))
    else:
        body = body.clear()
    all_columns = serial + content
    if all_columns and body.height:
        total = pl.any_horizontal(pl.col(c).str.contains(TOTAL.pattern) for c in all_columns)
        totals = body.filter(total.fill_null(False))
        for row in totals.iter_rows(named=True):
            where = next(c for c in all_columns if row[c] and TOTAL.match(row[c]))
            index = int(where[1:])
            problems.append(
                ImportProblem(
                    grid.name,
                    row[ROW],
                    headers[index] or f"{column_letter(index)}列",
                    row[where],
                    "合计行已跳过，未导入 total row skipped, not imported",
                    warning=True,
                )
            )
        body = body.filter(~total.fill_null(False))
    for i, header in enumerate(headers):
        if header:
            continue
        values = body.filter(pl.col(f"c{i}").is_not_null()).select(ROW, f"c{i}")
        for row, value in values.iter_rows():
            problems.append(
                ImportProblem(
                    grid.name,
                    row,
                    f"{column_letter(i)}列(无标题)",
                    value,
                    f"单元格上方没有列标题（表头在第{header_row}行）：请补上列标题或删除此值 "
                    "value under no header: add the header or delete the value",
                )
            )
    kept = [i for i, h in enumerate(headers) if h and not is_serial(h)]
    frame = body.select(*[pl.col(f"c{i}").alias(f"c{j}") for j, i in enumerate(kept)], pl.col(ROW))
    return RawSheet(grid.name, grid.source, [headers[i] for i in kept], frame, header_row)


def find_tables(grids: list[Grid], problems: list[ImportProblem], profile=None):
    """Every grid through :func:`find_table`: the ``(Sheet, RawSheet)`` pairs recognised."""
    found = []
    for grid in grids:
        table = find_table(grid, problems, profile)
        if table is not None:
            found.append(table)
    return found
