"""Vocabularies of the field: supply methods as the land market writes them, land-use classes.

The words live in data files beside this module (``data/*.csv``, with their sources), not in
code:

- ``supply_methods.csv``: each term the land market writes (挂牌出让, 拍卖出让, 行政划拨 …), the
  ledger's ``Parcel.SupplyMethod`` key it is stored as (empty: the ledger has no such kind) and
  its synonyms. A sub-kind (挂牌出让 under 招拍挂出让) is kept in ``supply_method_detail``.
- ``land_use_codes.csv``: the classes of GB/T 21010-2017 (土地利用现状分类) and of the 2023
  《国土空间调查、规划、用途管制用地用海分类指南》, code, name, level, and the ledger's own word
  where the evaluation and policies use one (工业, 仓储).
- ``land_use_terms.csv``: the ledger's words (工业, 仓储, 新型产业(M0)) and their synonyms.

The two land-use standards reuse codes for different classes (1001 is 铁路用地 in GB/T 21010 but
工业用地 in the 2023 guide), so a bare code is read in the standard the rest of its column shows
(a 6-digit code, a code with its name); with no such evidence it is an error asking for
``code name``. Every function works per distinct value (a column holds few) and returns Polars
Series aligned with its input.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from ..readers import ROW

DATA = Path(__file__).parent / "data"
GB_21010 = "GB/T 21010-2017"
GUIDE_2023 = "用地用海分类2023"
STANDARD_NAMES = {GB_21010: "GB/T 21010-2017", GUIDE_2023: "用地用海分类（2023）"}


def fold(text: str) -> str:
    """Comparison form of a cell: NFKC (full-width → ASCII, （）→ ()), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- supply methods


@dataclass(frozen=True)
class SupplyTerm:
    """One supply-method word (供地方式) of ``data/supply_methods.csv``: the term, the
    ``Parcel.SupplyMethod`` key it is stored as (None: no such kind), synonyms, source.
    """

    term: str  # the land market's word, kept in supply_method_detail when it is a sub-kind
    kind: str | None  # Parcel.SupplyMethod key; None: the ledger has no such kind
    synonyms: tuple[str, ...]
    source: str


@cache
def supply_terms() -> tuple[dict[str, SupplyTerm], tuple[SupplyTerm, ...]]:
    """(folded word → term, terms in file order) from ``supply_methods.csv``.

    The ledger's own keys (tender_auction …) are words too; a kind in the file that the ledger
    does not have is a ValueError (the data file and the model disagree).
    """
    from landcycle.ledger.models import Parcel

    labels = dict(Parcel.SupplyMethod.choices)
    terms = tuple(
        SupplyTerm(
            row["term"],
            row["kind"] or None,
            tuple(filter(None, row["synonyms"].split("|"))),
            row["source"],
        )
        for row in _rows("supply_methods.csv")
    )
    words: dict[str, SupplyTerm] = {}
    for term in terms:
        if term.kind is not None and term.kind not in labels:
            raise ValueError(f"supply_methods.csv: {term.term}: unknown kind {term.kind!r}")
        for word in (term.term, *term.synonyms):
            words[fold(word)] = term
    for key, label in labels.items():
        own = next((t for t in terms if t.kind == key and t.term == label), None)
        if own is None:
            raise ValueError(f"supply_methods.csv: no row for the ledger's {label} ({key})")
        words.setdefault(fold(key), own)
    return words, terms


def supply_method_words() -> str:
    """The accepted words for an error message: 招拍挂出让、挂牌出让、…"""
    return "、".join(t.term for t in supply_terms()[1])


@dataclass
class SupplyMethods:
    """A 供地方式 column read: kind key, detail (sub-kind word), and masks of unknown words (errors)
    and known words without a ledger kind (warnings); Series aligned with the input.
    """

    kind: pl.Series  # Utf8: Parcel.SupplyMethod key, null where blank, unknown or without kind
    detail: pl.Series  # Utf8: the land market's word where it says more than the kind
    unknown: pl.Series  # Boolean: a word in no vocabulary (an error)
    without_kind: pl.Series  # Boolean: a known word the ledger has no kind for (a warning)


def supply_methods(raw: pl.Series) -> SupplyMethods:
    """Cells of 供地方式 → kind key, detail (sub-kind word), unknown and kind-less masks."""
    from landcycle.ledger.models import Parcel

    words, _terms = supply_terms()
    labels = dict(Parcel.SupplyMethod.choices)
    kinds: dict[str, str | None] = {}
    details: dict[str, str | None] = {}
    unknown: list[str] = []
    orphans: list[str] = []
    for value in raw.drop_nulls().unique().to_list():
        term = words.get(fold(value))
        if term is None:
            unknown.append(value)
            continue
        kinds[value] = term.kind
        details[value] = None if term.kind and labels[term.kind] == term.term else term.term
        if term.kind is None:
            orphans.append(value)
    return SupplyMethods(
        raw.replace_strict(kinds, default=None, return_dtype=pl.Utf8),
        raw.replace_strict(details, default=None, return_dtype=pl.Utf8),
        raw.is_in(unknown).fill_null(False),
        raw.is_in(orphans).fill_null(False),
    )


# ---------------------------------------------------------------- land use


@dataclass(frozen=True)
class LandClass:
    """A land-use class (``data/land_use_codes.csv``) of GB/T 21010-2017 or the 2023 用地用海分类
    guide: code, name, level, and the ledger's word for it (工业, 仓储) if any.
    """

    standard: str
    code: str
    name: str
    level: int
    ledger: str  # the ledger's word for it (工业, 仓储) or ""

    @property
    def stored_name(self) -> str:
        """What the ledger stores for the class: its own word, else the standard's name."""
        return self.ledger or self.name


@cache
def land_classes() -> tuple[dict[str, list[LandClass]], dict[str, list[LandClass]], dict[str, str]]:
    """(code → classes, folded name → classes, folded ledger word or synonym → ledger word)."""
    by_code: dict[str, list[LandClass]] = {}
    by_name: dict[str, list[LandClass]] = {}
    for row in _rows("land_use_codes.csv"):
        entry = LandClass(
            row["standard"], row["code"], row["name"], int(row["level"]), row["ledger"]
        )
        by_code.setdefault(entry.code, []).append(entry)
        by_name.setdefault(fold(entry.name), []).append(entry)
    words = {}
    for row in _rows("land_use_terms.csv"):
        for word in [row["term"], *filter(None, row["synonyms"].split("|"))]:
            words[fold(word)] = row["term"]
    return by_code, by_name, words


_CODE_FIRST = re.compile(r"^(?P<code>\d+)(?:[-_:、.,]*(?P<name>\D.*))?$")
_NAME_FIRST = re.compile(r"^(?P<name>\D.*?)\((?P<code>\d+)\)$")


def split_land_use(text: str) -> tuple[str | None, str | None]:
    """``1001 工业用地`` / ``1001`` / ``工业用地(1001)`` / ``工业用地`` → (code, folded name)."""
    folded = fold(text)
    match = _CODE_FIRST.match(folded) or _NAME_FIRST.match(folded)
    if match is None:
        return None, folded or None
    return match["code"], match["name"] or None


def _named(name: str, by_name) -> list[LandClass]:
    # Officers drop the 用地 of a class name (二类工业); the standard's name has it.
    return by_name.get(name) or by_name.get(name + "用地") or []


@dataclass
class LandUse:
    """A land-use column read: the stored word per row, the class code (null when none is known),
    and the errors and warnings by cell value.
    """

    land_use: pl.Series  # Utf8: the ledger's word, the standard's name, or free text as written
    code: pl.Series  # Utf8: the class code, null where none is known
    errors: dict[str, str]  # cell value → reason
    warnings: dict[str, str]  # cell value → note (free text kept as written)


def _meaning(entries: list[LandClass]) -> str:
    return "；".join(f"{STANDARD_NAMES[e.standard]}：{e.code} {e.name}" for e in entries)


def land_uses(cells: pl.Series, max_length: int = 50) -> LandUse:
    """Cells holding a code, a name or ``code name`` → stored land use, code, problems.

    A code in neither standard, a code whose name does not match, or a code meaning different
    classes in the two standards with nothing in the column to say which is an error. A name of
    a standard class gives its code when only one class has that name (or the column shows the
    standard); the ledger's words (工业, 仓储, 新型产业(M0)) are kept without a code; any other
    text is kept as written with a warning.
    """
    by_code, by_name, words = land_classes()
    resolved: dict[str, list[LandClass]] = {}
    errors: dict[str, str] = {}
    stored: dict[str, str] = {}
    for value in cells.drop_nulls().unique().to_list():
        code, name = split_land_use(value)
        if code is None:
            if name in words:
                stored[value] = words[name]
            elif _named(name, by_name):
                resolved[value] = _named(name, by_name)
            elif len(value.strip()) > max_length:
                errors[value] = f"土地用途超过{max_length}字 longer than {max_length} characters"
            else:
                stored[value] = value.strip()
            continue
        entries = by_code.get(code, [])
        if not entries:
            hint = (
                "（三位编码为已废止的GB/T 21010-2007；数字单元格丢了前导0时请将该列设为文本）"
                if len(code) in (3, 5)
                else ""
            )
            errors[value] = (
                f"用地分类代码{code}不在GB/T 21010-2017或用地用海分类（2023）中{hint} "
                f"unknown land-use code {code}"
            )
            continue
        if name is not None:
            # The class's own name, a parent class's name (工业用地 for 100102) or the ledger word.
            named = _named(name, by_name)
            matching = [
                e
                for e in entries
                if any(n.standard == e.standard and e.code.startswith(n.code) for n in named)
                or words.get(name) == e.ledger
            ]
            if not matching:
                errors[value] = (
                    f"代码与名称不符 code and name disagree: {code} 是 {_meaning(entries)}"
                )
                continue
            entries = matching
        resolved[value] = entries
    # The column's standard: shown by the cells that fit one standard only.
    shown = {
        entries[0].standard
        for value, entries in resolved.items()
        if len({e.standard for e in entries}) == 1
    }
    codes: dict[str, str] = {}
    for value, entries in resolved.items():
        if len({e.stored_name for e in entries}) > 1 or len({e.code for e in entries}) > 1:
            if len(shown) == 1:
                entries = [e for e in entries if e.standard in shown] or entries
        names = {e.stored_name for e in entries}
        if len(names) > 1:
            errors[value] = (
                f"代码在两项分类中含义不同，请写成“代码 名称” the code means different classes "
                f"in the two standards, write 'code name': {_meaning(entries)}"
            )
            continue
        stored[value] = names.pop()
        if len({e.code for e in entries}) == 1:
            codes[value] = entries[0].code
    free = [v for v, text in stored.items() if v not in resolved and fold(text) not in words]
    counts = dict(cells.filter(cells.is_in(free)).value_counts().iter_rows()) if free else {}
    warnings = {
        value: (
            f"土地用途不在GB/T 21010-2017或用地用海分类（2023）中，按原文保存（共{counts[value]}行）"
            f" not a class of either standard; kept as written ({counts[value]} rows)"
        )
        for value in free
    }
    ok = {v: s for v, s in stored.items() if v not in errors}
    return LandUse(
        cells.replace_strict(ok, default=None, return_dtype=pl.Utf8),
        cells.replace_strict(codes, default=None, return_dtype=pl.Utf8),
        errors,
        warnings,
    )


# ---------------------------------------------------------------- hooks for validation


def enum_values(column, raw: pl.Series) -> tuple[pl.Series, pl.Series, str]:
    """An ENUM column's cells → (stored keys, unknown mask, accepted words for the message).

    ``supply_method`` reads the supply-method vocabulary (a word the ledger has no kind for is
    null here and not unknown: ``parcel_companions`` keeps it and warns); other ENUM columns
    accept their choices' labels and keys, compared in folded form (full width, spaces, case).
    """
    if column.key == "supply_method":
        read = supply_methods(raw)
        return read.kind, read.unknown, supply_method_words()
    words = {fold(k): v for k, v in column.choices.items()}
    words.update({fold(v): v for v in column.choices.values()})
    mapping = {v: words.get(fold(v)) for v in raw.drop_nulls().unique().to_list()}
    value = raw.replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    return value, raw.is_not_null() & value.is_null(), "、".join(column.choices)


def parcel_companions(frame: pl.DataFrame, columns: dict, out: dict, sink) -> dict[str, str]:
    """Fill the 宗地 columns the vocabularies derive: supply_method_detail, land_use(_code).

    ``columns``: key → (frame column of the raw cells, header as written), for the columns the
    sheet has; ``frame`` has the ``_row`` column; ``out``: key → typed Series so far (changed
    in place); ``sink``: validation's problem sink (``rows`` for errors, ``add`` for warnings). Returns key → header of
    the columns filled, for the caller to mark present. An explicit 供地方式明细 cell wins over
    the derived word; a 用地分类代码 column is read together with 土地用途 as ``code name``.
    """
    filled: dict[str, str] = {}
    if "supply_method" in columns:
        name, header = columns["supply_method"]
        raw = frame[name]
        read = supply_methods(raw)
        reason = (
            "台账没有这种供地方式：供地方式留空，原文存入供地方式明细（评价按未记录处理） "
            "the ledger has no such kind: supply method left blank, the word kept in "
            "供地方式明细 (evaluation treats it as unrecorded)"
        )
        for row, value in frame.select(ROW, raw).filter(read.without_kind).iter_rows():
            sink.add(row, header, value, reason, warning=True)
        given = out.get("supply_method_detail")
        detail = read.detail if given is None else given.fill_null(read.detail)
        out["supply_method_detail"] = detail.alias("supply_method_detail")
        filled["supply_method_detail"] = header
    if "land_use" in columns or "land_use_code" in columns:
        parts = [frame[columns[k][0]] for k in ("land_use_code", "land_use") if k in columns]
        cells = (
            parts[0]
            if len(parts) == 1
            else pl.select(
                pl.concat_str(parts, separator=" ", ignore_nulls=True).alias("land_use")
            ).to_series()
        )
        header = "、".join(columns[k][1] for k in ("land_use_code", "land_use") if k in columns)
        read = land_uses(cells)
        sink.rows(frame, cells.is_in(list(read.errors)), cells, header, lambda v: read.errors[v])
        if read.warnings:  # once per distinct text, at its first row
            firsts = (
                pl.DataFrame({ROW: frame[ROW], "text": cells})
                .filter(pl.col("text").is_in(list(read.warnings)))
                .group_by("text")
                .agg(pl.col(ROW).min())
                .sort(ROW)
            )
            for text, row in firsts.iter_rows():
                sink.add(row, header, text, read.warnings[text], warning=True)
        out["land_use"] = read.land_use.alias("land_use")
        out["land_use_code"] = read.code.alias("land_use_code")
        filled["land_use"] = filled["land_use_code"] = header
    return filled
