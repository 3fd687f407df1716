"""The policy file schema: TOML → a validated, immutable ``Policy``.

Errors name the key path (``rules[3].all[0].metric``) and the line of the file where it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from landcycle.core.units import RateUnit, Unit, UnknownUnit

from .quantities import Quantity, dimensions, policy_unit
from .vocabulary import FACTS, METRICS, VIOLATION_KINDS

REVIEW = "REVIEW"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
COMPARISONS = ("at_least", "above", "below", "at_most")
EQUITY_KINDS = ("shareholder", "actual_controller")
RELATION_KINDS = (
    "legal_representative",
    "shareholder",
    "actual_controller",
    "director",
    "supervisor",
    "executive",
)


class PolicyError(ValueError):
    """An invalid policy: ``path`` (file), ``line`` (1-based or None), ``key`` and ``reason``."""

    def __init__(self, reason: str, *, path: str = "", line: int | None = None, key: str = ""):
        self.reason = reason
        self.path = path
        self.line = line
        self.key = key
        where = path or "<policy>"
        if line:
            where += f":{line}"
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {reason}")


class _Invalid(Exception):
    """Raised inside parsing with the key path; turned into PolicyError with a line by the loader."""

    def __init__(self, key: str, reason: str):
        super().__init__(reason)
        self.key = key
        self.reason = reason


@dataclass(frozen=True)
class Source:
    title: str
    number: str = ""
    url: str = ""
    seed: str = ""
    note: str = ""


@dataclass(frozen=True)
class ClassDef:
    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Condition:
    """One test: on a metric or fact (``subject``), open violations, or holder tags."""

    kind: str  # metric | fact | violation | tag
    subject: str = ""
    op: str = ""  # at_least above below at_most is in not_in missing any
    value: Any = None  # bool, list[str], or None
    threshold: Quantity | None = None
    threshold_name: str = ""
    key: str = ""  # key path in the file, for messages

    def threshold_in_metric_unit(self) -> float:
        assert self.threshold is not None
        return self.threshold.to(METRICS[self.subject].unit)


@dataclass(frozen=True)
class Rule:
    id: str
    klass: str
    all: tuple[Condition, ...] = ()
    any: tuple[Condition, ...] = ()
    none: tuple[Condition, ...] = ()
    reason_zh: str = ""
    reason_en: str = ""
    next: str = ""  # id of the rule whose failed thresholds are this row's gap


@dataclass(frozen=True)
class EquityOptions:
    kinds: tuple[str, ...] = ("shareholder",)
    common_shareholder: bool = True
    max_depth: int = 4
    min_share_percent: float = 0.0


@dataclass(frozen=True)
class ScoredIndicator:
    metric: str
    weight: float
    method: str  # benchmark | minmax | mean
    benchmark: Quantity | None = None
    factor: float = 1.0  # for mean: benchmark = factor × the group mean
    mean_year_offset: int = 0  # for mean: 0 this year, -1 the previous year
    floor: float = (
        20.0  # for minmax: weight × [floor + (100 − floor) × (v − min)/(max − min)] / 100
    )
    missing: str = "zero"  # zero | group_average | review
    max_score: float | None = None  # cap as a multiple of the weight


@dataclass(frozen=True)
class Group:
    id: str
    label_zh: str
    label_en: str
    when: tuple[Condition, ...]
    indicators: tuple[ScoredIndicator, ...]


@dataclass(frozen=True)
class Exclusion:
    id: str
    klass: str
    any: tuple[Condition, ...]
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Adjustment:
    id: str
    points: float
    all: tuple[Condition, ...]
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Band:
    klass: str
    min_score: float | None = None  # score bands
    share: float | None = None  # rank proportions (fraction of the group)


@dataclass(frozen=True)
class Composite:
    groups: tuple[Group, ...]
    exclusions: tuple[Exclusion, ...]
    out_of_scope_class: str
    out_of_scope_reason_zh: str
    out_of_scope_reason_en: str
    adjustments: tuple[Adjustment, ...]
    method: str  # score_bands | rank_proportion
    bands: tuple[Band, ...]
    rank_within: tuple[str, ...]  # ("group",) or ("group", "jurisdiction")


@dataclass(frozen=True)
class ResultList:
    id: str
    title_zh: str
    title_en: str
    classes: tuple[str, ...]
    include_related_parties: bool = False
    public: bool = False


@dataclass(frozen=True)
class FactorPrice:
    klass: str
    item: str
    label_zh: str
    surcharge: Quantity
    example: bool = False


# Units of consequences.notice_days: calendar days (自然日) or working days (工作日).
NOTICE_UNITS = ("days", "working_days")


@dataclass(frozen=True)
class RelatedPartyRule:
    """Who counts as a right holder's related party (关联方) on a list that takes them in.

    The default is the reading of 关联方 in 《公司法》(2023) 第二百六十五条 and 《企业会计准则第36号
    ——关联方披露》: the enterprises the holder's controlling shareholder, actual controller,
    directors, supervisors and senior managers **control**, and the enterprises above or below
    the holder in a chain of controlling holdings. Sharing a director or a minority shareholder
    alone does not relate two enterprises. See docs/evaluation-lists.md.
    """

    # The person's role in the holder (any of these makes them one of its key persons).
    holder_roles: tuple[str, ...] = (
        "legal_representative",
        "actual_controller",
        "shareholder",
        "director",
        "supervisor",
        "executive",
    )
    # A shareholder of the holder is one of its key persons from this share (percent): a
    # principal investor (主要投资者, significant influence: 20 %).
    holder_share_percent: float = 20.0
    # The person's role in the other enterprise that relates it (control).
    party_roles: tuple[str, ...] = ("actual_controller", "shareholder")
    # A shareholding controls from this share (percent); a holding without a share counts.
    control_share_percent: float = 50.0
    # Controlling holdings followed up and down from the holder (0: none).
    shareholding_depth: int = 3


# Every policy states its related-party rule ([consequences.related_parties]): these keys, all
# required. The values seed 000 (京技管发〔2023〕15号 "产权人及其关联方") gives when read by
# 《公司法》(2023) 第二百六十五条 and 《企业会计准则第36号》 are the defaults above (20 % makes a
# shareholder a key person, 50 % controls, 3 levels of holdings); runs made before the rule was
# required used exactly these, so their stored policy texts are read with them filled in
# (``parse_policy(legacy=True)``), never a new policy file.
RELATED_PARTY_KEYS = (
    "holder_roles",
    "holder_share_percent",
    "party_roles",
    "control_share_percent",
    "shareholding_depth",
)
SEED_RELATED_PARTIES = RelatedPartyRule()
MISSING_RELATED_RULE = "缺少关联方认定规则"


@dataclass(frozen=True)
class ReviewOptions:
    """How a REVIEW parcel is decided (复核结论): whether a second officer must confirm the
    officer's decision before it counts."""

    second_officer: bool = True


@dataclass(frozen=True)
class Consequences:
    lists: tuple[ResultList, ...] = ()
    notice_days: int = 0
    notice_example: bool = False
    public_fields: tuple[str, ...] = ()
    factor_prices: tuple[FactorPrice, ...] = ()
    measures_zh: dict[str, str] = field(default_factory=dict)
    related_parties: RelatedPartyRule = RelatedPartyRule()
    # How notice_days count: calendar days (自然日) or working days (工作日, official calendar).
    notice_unit: str = "days"


@dataclass(frozen=True)
class Policy:
    name: str
    version: str
    title_zh: str
    title_en: str
    jurisdiction: str
    effective: dt.date
    kind: str  # rules | composite
    sources: tuple[Source, ...]
    classes: tuple[ClassDef, ...]
    thresholds: dict[str, Quantity]
    rules: tuple[Rule, ...]
    composite: Composite | None
    equity: EquityOptions
    rank_metric: str
    industry_level: str
    consequences: Consequences
    review: ReviewOptions = ReviewOptions()
    default: bool = False
    notes: str = ""
    path: str = ""
    sha256: str = ""
    source: str = field(default="", repr=False, compare=False)  # the file's text, as hashed
    # Required keys the file did not state, filled from seed 000's values (legacy texts only).
    filled_keys: tuple[str, ...] = field(default=(), compare=False)

    @property
    def class_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.classes)

    def class_order(self, key: str) -> int:
        """0 for the best class; REVIEW and unknown keys sort last."""
        keys = self.class_keys
        return keys.index(key) if key in keys else len(keys)

    def conditions(self) -> list[Condition]:
        """Every test of the policy, in rules, groups, exclusions and adjustments."""
        conds: list[Condition] = []
        for rule in self.rules:
            conds += [*rule.all, *rule.any, *rule.none]
        if self.composite:
            for group in self.composite.groups:
                conds += group.when
            for exc in self.composite.exclusions:
                conds += exc.any
            for adj in self.composite.adjustments:
                conds += adj.all
        return conds

    def metrics_used(self) -> set[str]:
        used = {self.rank_metric}
        if self.composite:
            used |= {i.metric for g in self.composite.groups for i in g.indicators}
        return used | {c.subject for c in self.conditions() if c.kind == "metric"}

    def tag_sets(self) -> set[tuple[str, ...]]:
        """The sets of holder tags the policy tests for (any of a set)."""
        return {tuple(sorted(c.value)) for c in self.conditions() if c.kind == "tag"}


# ---------------------------------------------------------------- parsing helpers


def _get(d: dict, key: str, path: str, types, required=True, default=None):
    if key not in d:
        if required:
            raise _Invalid(_join(path, key), "required key is missing")
        return default
    value = d[key]
    if types is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, types) or (isinstance(value, bool) and types in (int, float)):
        name = types.__name__ if isinstance(types, type) else "/".join(t.__name__ for t in types)
        raise _Invalid(_join(path, key), f"must be {name}, got {type(value).__name__}")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _check_keys(d: dict, allowed: set[str], path: str) -> None:
    for key in d:
        if key not in allowed:
            raise _Invalid(_join(path, key), f"unknown key (allowed: {', '.join(sorted(allowed))})")


def _quantity(value: Any, path: str) -> Quantity:
    if not isinstance(value, dict):
        raise _Invalid(path, 'must be a table such as { value = 3, unit = "亿元/公顷" }')
    _check_keys(value, {"value", "unit", "example", "note"}, path)
    number = _get(value, "value", path, float)
    unit_text = _get(value, "unit", path, str)
    try:
        unit = policy_unit(unit_text)
    except UnknownUnit as exc:
        raise _Invalid(_join(path, "unit"), str(exc)) from None
    return Quantity(number, unit, unit_text)


def _compatible(q: Quantity, target: Unit | RateUnit, path: str) -> None:
    if dimensions(q.unit) != dimensions(target):
        raise _Invalid(
            path,
            f"unit {q.unit_text!r} does not fit {target.label} ({'/'.join(dimensions(target))})",
        )


def _condition(raw: Any, path: str, thresholds: dict[str, Quantity]) -> Condition:
    if not isinstance(raw, dict):
        raise _Invalid(
            path, "a condition must be an inline table such as { metric = …, at_least = … }"
        )
    subjects = [k for k in ("metric", "fact", "violation", "tag") if k in raw]
    if len(subjects) != 1:
        raise _Invalid(path, "a condition names exactly one of metric, fact, violation, tag")
    kind = subjects[0]
    if kind == "violation" or kind == "tag":
        _check_keys(raw, {kind}, path)
        values = raw[kind]
        if isinstance(values, str):
            values = [values]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise _Invalid(_join(path, kind), "must be a non-empty list of strings")
        if kind == "violation":
            for v in values:
                if v not in VIOLATION_KINDS:
                    raise _Invalid(
                        _join(path, kind),
                        f"unknown violation kind {v!r} (known: {', '.join(VIOLATION_KINDS)})",
                    )
        return Condition(kind, op="any", value=tuple(values), key=path)

    subject = raw[kind]
    if not isinstance(subject, str):
        raise _Invalid(_join(path, kind), "must be a string")
    ops = [k for k in raw if k != kind]
    if len(ops) != 1:
        raise _Invalid(path, f"a condition has exactly one test, got {ops or 'none'}")
    op = ops[0]
    arg = raw[op]
    if kind == "metric":
        if subject not in METRICS:
            raise _Invalid(
                _join(path, "metric"), f"unknown metric {subject!r} (see docs/policies.md)"
            )
        if op == "missing":
            if not isinstance(arg, bool):
                raise _Invalid(_join(path, op), "must be true or false")
            return Condition(kind, subject, op, arg, key=path)
        if op not in COMPARISONS:
            raise _Invalid(
                _join(path, op),
                f"unknown test for a metric (use {', '.join(COMPARISONS)}, missing)",
            )
        name = ""
        if isinstance(arg, str):
            if arg not in thresholds:
                raise _Invalid(_join(path, op), f"no threshold named {arg!r} in [thresholds]")
            name, quantity = arg, thresholds[arg]
        else:
            quantity = _quantity(arg, _join(path, op))
        _compatible(quantity, METRICS[subject].unit, _join(path, op))
        return Condition(kind, subject, op, None, quantity, name, key=path)

    if subject not in FACTS:
        raise _Invalid(_join(path, "fact"), f"unknown fact {subject!r} (see docs/policies.md)")
    if op in ("is", "missing"):
        if not isinstance(arg, bool):
            raise _Invalid(_join(path, op), "must be true or false")
        return Condition(kind, subject, op, arg, key=path)
    if op in ("in", "not_in"):
        if not isinstance(arg, list) or not all(isinstance(v, str) for v in arg):
            raise _Invalid(_join(path, op), "must be a list of strings")
        return Condition(kind, subject, op, tuple(arg), key=path)
    raise _Invalid(_join(path, op), "unknown test for a fact (use is, in, not_in, missing)")


def _conditions(d: dict, key: str, path: str, thresholds) -> tuple[Condition, ...]:
    raw = d.get(key, [])
    if not isinstance(raw, list):
        raise _Invalid(_join(path, key), "must be a list of conditions")
    return tuple(_condition(c, f"{_join(path, key)}[{i}]", thresholds) for i, c in enumerate(raw))


def _text_pair(d: dict, path: str, base: str = "reason") -> tuple[str, str]:
    zh = _get(d, f"{base}_zh", path, str)
    en = _get(d, f"{base}_en", path, str)
    return zh, en


def _list_of_tables(d: dict, key: str, path: str, required=False) -> list[dict]:
    raw = d.get(key)
    if raw is None:
        if required:
            raise _Invalid(_join(path, key), "required key is missing")
        return []
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise _Invalid(_join(path, key), "must be an array of tables ([[...]])")
    return raw


# ---------------------------------------------------------------- the policy


def parse_policy(data: dict, *, path: str = "", sha256: str = "", legacy: bool = False) -> Policy:
    """Validate a parsed TOML document; raises ``_Invalid`` (the loader adds file and line).

    ``legacy``: a policy written before the related-party rule was required (a text stored with
    a run, an adopted policy): missing ``[consequences.related_parties]`` keys are filled with
    seed 000's values (``SEED_RELATED_PARTIES``, what the engine used then) and named in
    ``Policy.filled_keys``; otherwise a missing key is refused.
    """
    top = {
        "name", "version", "title_zh", "title_en", "jurisdiction", "effective", "kind", "default",
        "notes", "sources", "classes", "thresholds", "rules", "equity", "ranking", "composite",
        "consequences", "review",
    }  # fmt: skip
    _check_keys(data, top, "")
    name = _get(data, "name", "", str)
    if not NAME_RE.match(name):
        raise _Invalid("name", "must be lower-case letters, digits and hyphens")
    version = _get(data, "version", "", str)
    effective = _get(data, "effective", "", dt.date)
    if isinstance(effective, dt.datetime):
        raise _Invalid("effective", "must be a date (YYYY-MM-DD), not a date-time")
    kind = _get(data, "kind", "", str)
    if kind not in ("rules", "composite"):
        raise _Invalid("kind", 'must be "rules" or "composite"')

    sources = []
    for i, s in enumerate(_list_of_tables(data, "sources", "", required=True)):
        p = f"sources[{i}]"
        _check_keys(s, {"title", "number", "url", "seed", "note"}, p)
        sources.append(
            Source(
                _get(s, "title", p, str),
                _get(s, "number", p, str, False, ""),
                _get(s, "url", p, str, False, ""),
                _get(s, "seed", p, str, False, ""),
                _get(s, "note", p, str, False, ""),
            )
        )
    if not sources:
        raise _Invalid("sources", "cite at least one source document")

    classes = []
    for i, c in enumerate(_list_of_tables(data, "classes", "", required=True)):
        p = f"classes[{i}]"
        _check_keys(c, {"key", "label_zh", "label_en"}, p)
        key = _get(c, "key", p, str)
        if key == REVIEW or key in [x.key for x in classes]:
            raise _Invalid(_join(p, "key"), f"class {key!r} is reserved or repeated")
        classes.append(ClassDef(key, _get(c, "label_zh", p, str), _get(c, "label_en", p, str)))
    class_keys = {c.key for c in classes} | {REVIEW}

    thresholds: dict[str, Quantity] = {}
    raw_thresholds = _get(data, "thresholds", "", dict, False, {})
    for key, value in raw_thresholds.items():
        thresholds[key] = _quantity(value, f"thresholds.{key}")

    def check_class(value: str, p: str) -> str:
        if value not in class_keys:
            raise _Invalid(
                p, f"unknown class {value!r} (declared: {', '.join(sorted(class_keys))})"
            )
        return value

    rules = []
    rule_ids: set[str] = set()
    for i, r in enumerate(_list_of_tables(data, "rules", "")):
        p = f"rules[{i}]"
        _check_keys(r, {"id", "class", "all", "any", "none", "reason_zh", "reason_en", "next"}, p)
        rid = _get(r, "id", p, str)
        if rid in rule_ids:
            raise _Invalid(_join(p, "id"), f"rule id {rid!r} is repeated")
        rule_ids.add(rid)
        zh, en = _text_pair(r, p)
        rule = Rule(
            rid,
            check_class(_get(r, "class", p, str), _join(p, "class")),
            _conditions(r, "all", p, thresholds),
            _conditions(r, "any", p, thresholds),
            _conditions(r, "none", p, thresholds),
            zh,
            en,
            _get(r, "next", p, str, False, ""),
        )
        if not (rule.all or rule.any or rule.none):
            raise _Invalid(p, "a rule needs at least one condition in all, any or none")
        rules.append(rule)
    for i, rule in enumerate(rules):
        if rule.next and rule.next not in rule_ids:
            raise _Invalid(f"rules[{i}].next", f"no rule with id {rule.next!r}")

    equity_raw = _get(data, "equity", "", dict, False, {})
    _check_keys(
        equity_raw, {"kinds", "common_shareholder", "max_depth", "min_share_percent"}, "equity"
    )
    kinds = tuple(_get(equity_raw, "kinds", "equity", list, False, ["shareholder"]))
    for k in kinds:
        if k not in EQUITY_KINDS:
            raise _Invalid(
                "equity.kinds", f"{k!r} is not an equity relation ({', '.join(EQUITY_KINDS)})"
            )
    equity = EquityOptions(
        kinds,
        _get(equity_raw, "common_shareholder", "equity", bool, False, True),
        _get(equity_raw, "max_depth", "equity", int, False, 4),
        _get(equity_raw, "min_share_percent", "equity", float, False, 0.0),
    )
    if not 1 <= equity.max_depth <= 10:
        raise _Invalid("equity.max_depth", "must be between 1 and 10")

    ranking = _get(data, "ranking", "", dict, False, {})
    _check_keys(ranking, {"metric", "industry_level"}, "ranking")
    rank_metric = _get(ranking, "metric", "ranking", str, False, "tax_10k_cny_per_ha")
    if rank_metric not in METRICS:
        raise _Invalid("ranking.metric", f"unknown metric {rank_metric!r}")
    industry_level = _get(ranking, "industry_level", "ranking", str, False, "division")
    if industry_level not in ("section", "division"):
        raise _Invalid("ranking.industry_level", 'must be "section" or "division"')

    composite = None
    if kind == "composite":
        composite = _composite(_get(data, "composite", "", dict), thresholds, check_class)
    elif "composite" in data:
        raise _Invalid("composite", 'only a policy of kind "composite" has [composite]')
    if kind == "rules" and not rules:
        raise _Invalid("rules", 'a policy of kind "rules" needs [[rules]]')

    consequences, filled = _consequences(
        _get(data, "consequences", "", dict, False, {}), check_class, class_keys, legacy
    )
    review_raw = _get(data, "review", "", dict, False, {})
    _check_keys(review_raw, {"second_officer"}, "review")
    review = ReviewOptions(_get(review_raw, "second_officer", "review", bool, False, True))
    return Policy(
        name=name,
        version=version,
        title_zh=_get(data, "title_zh", "", str),
        title_en=_get(data, "title_en", "", str),
        jurisdiction=_get(data, "jurisdiction", "", str),
        effective=effective,
        kind=kind,
        sources=tuple(sources),
        classes=tuple(classes),
        thresholds=thresholds,
        rules=tuple(rules),
        composite=composite,
        equity=equity,
        rank_metric=rank_metric,
        industry_level=industry_level,
        consequences=consequences,
        review=review,
        default=_get(data, "default", "", bool, False, False),
        notes=_get(data, "notes", "", str, False, ""),
        filled_keys=filled,
        path=path,
        sha256=sha256,
    )


def _composite(raw: dict, thresholds, check_class) -> Composite:
    p0 = "composite"
    _check_keys(
        raw,
        {"groups", "exclusions", "out_of_scope", "adjustments", "classification"},
        p0,
    )
    groups = []
    for i, g in enumerate(_list_of_tables(raw, "groups", p0, required=True)):
        p = f"{p0}.groups[{i}]"
        _check_keys(g, {"id", "label_zh", "label_en", "when", "indicators"}, p)
        indicators = []
        for j, ind in enumerate(_list_of_tables(g, "indicators", p, required=True)):
            q = f"{p}.indicators[{j}]"
            _check_keys(
                ind,
                {"metric", "weight", "method", "benchmark", "factor", "mean_year_offset", "floor",
                 "missing", "max_score", "note"},
                q,
            )  # fmt: skip
            metric = _get(ind, "metric", q, str)
            if metric not in METRICS:
                raise _Invalid(_join(q, "metric"), f"unknown metric {metric!r}")
            method = _get(ind, "method", q, str, False, "benchmark")
            if method not in ("benchmark", "minmax", "mean"):
                raise _Invalid(_join(q, "method"), 'must be "benchmark", "minmax" or "mean"')
            benchmark = None
            if method == "benchmark":
                bm = _get(ind, "benchmark", q, (dict, str))
                if isinstance(bm, str):
                    if bm not in thresholds:
                        raise _Invalid(_join(q, "benchmark"), f"no threshold named {bm!r}")
                    benchmark = thresholds[bm]
                else:
                    benchmark = _quantity(bm, _join(q, "benchmark"))
                _compatible(benchmark, METRICS[metric].unit, _join(q, "benchmark"))
                if benchmark.value <= 0:
                    raise _Invalid(_join(q, "benchmark"), "a benchmark must be positive")
            missing = _get(ind, "missing", q, str, False, "zero")
            if missing not in ("zero", "group_average", "review"):
                raise _Invalid(_join(q, "missing"), 'must be "zero", "group_average" or "review"')
            weight = _get(ind, "weight", q, float)
            if weight <= 0:
                raise _Invalid(_join(q, "weight"), "must be positive")
            indicators.append(
                ScoredIndicator(
                    metric,
                    weight,
                    method,
                    benchmark,
                    _get(ind, "factor", q, float, False, 1.0),
                    _get(ind, "mean_year_offset", q, int, False, 0),
                    _get(ind, "floor", q, float, False, 20.0),
                    missing,
                    _get(ind, "max_score", q, float, False, None),
                )
            )
        groups.append(
            Group(
                _get(g, "id", p, str),
                _get(g, "label_zh", p, str),
                _get(g, "label_en", p, str),
                _conditions(g, "when", p, thresholds),
                tuple(indicators),
            )
        )
    exclusions = []
    for i, e in enumerate(_list_of_tables(raw, "exclusions", p0)):
        p = f"{p0}.exclusions[{i}]"
        _check_keys(e, {"id", "class", "any", "reason_zh", "reason_en"}, p)
        zh, en = _text_pair(e, p)
        exclusions.append(
            Exclusion(
                _get(e, "id", p, str),
                check_class(_get(e, "class", p, str), _join(p, "class")),
                _conditions(e, "any", p, thresholds),
                zh,
                en,
            )
        )
    oos = _get(raw, "out_of_scope", p0, dict)
    _check_keys(oos, {"class", "reason_zh", "reason_en"}, f"{p0}.out_of_scope")
    oos_zh, oos_en = _text_pair(oos, f"{p0}.out_of_scope")
    adjustments = []
    for i, a in enumerate(_list_of_tables(raw, "adjustments", p0)):
        p = f"{p0}.adjustments[{i}]"
        _check_keys(a, {"id", "points", "all", "reason_zh", "reason_en", "example"}, p)
        zh, en = _text_pair(a, p)
        adjustments.append(
            Adjustment(
                _get(a, "id", p, str),
                _get(a, "points", p, float),
                _conditions(a, "all", p, thresholds),
                zh,
                en,
            )
        )
    cls = _get(raw, "classification", p0, dict)
    pc = f"{p0}.classification"
    _check_keys(cls, {"method", "bands", "rank_within", "note"}, pc)
    method = _get(cls, "method", pc, str)
    if method not in ("score_bands", "rank_proportion"):
        raise _Invalid(_join(pc, "method"), 'must be "score_bands" or "rank_proportion"')
    bands = []
    for i, b in enumerate(_list_of_tables(cls, "bands", pc, required=True)):
        p = f"{pc}.bands[{i}]"
        _check_keys(b, {"class", "min_score", "share"}, p)
        klass = check_class(_get(b, "class", p, str), _join(p, "class"))
        if method == "score_bands":
            bands.append(Band(klass, min_score=_get(b, "min_score", p, float)))
        else:
            share = _get(b, "share", p, float)
            if not 0 < share <= 1:
                raise _Invalid(_join(p, "share"), "must be a fraction in (0, 1]")
            bands.append(Band(klass, share=share))
    if method == "rank_proportion":
        total = sum(b.share or 0 for b in bands)
        if abs(total - 1) > 1e-9:
            raise _Invalid(_join(pc, "bands"), f"shares must add up to 1, they add up to {total:g}")
    else:
        mins = [b.min_score for b in bands]
        if mins != sorted(mins, reverse=True):
            raise _Invalid(
                _join(pc, "bands"), "bands go from the best class down (min_score decreasing)"
            )
    rank_within = tuple(_get(cls, "rank_within", pc, list, False, ["group"]))
    for r in rank_within:
        if r not in ("group", "jurisdiction"):
            raise _Invalid(_join(pc, "rank_within"), 'items must be "group" or "jurisdiction"')
    return Composite(
        tuple(groups),
        tuple(exclusions),
        check_class(_get(oos, "class", f"{p0}.out_of_scope", str), f"{p0}.out_of_scope.class"),
        oos_zh,
        oos_en,
        tuple(adjustments),
        method,
        tuple(bands),
        rank_within,
    )


def _consequences(
    raw: dict, check_class, class_keys, legacy: bool = False
) -> tuple[Consequences, tuple[str, ...]]:
    p0 = "consequences"
    _check_keys(
        raw,
        {
            "lists", "notice_days", "notice_example", "notice_unit", "public_fields",
            "factor_prices", "measures_zh", "related_parties",
        },
        p0,
    )  # fmt: skip
    lists = []
    for i, item in enumerate(_list_of_tables(raw, "lists", p0)):
        p = f"{p0}.lists[{i}]"
        _check_keys(
            item, {"id", "title_zh", "title_en", "classes", "include_related_parties", "public"}, p
        )
        classes = _get(item, "classes", p, list)
        for c in classes:
            check_class(c, _join(p, "classes"))
        lists.append(
            ResultList(
                _get(item, "id", p, str),
                _get(item, "title_zh", p, str),
                _get(item, "title_en", p, str),
                tuple(classes),
                _get(item, "include_related_parties", p, bool, False, False),
                _get(item, "public", p, bool, False, False),
            )
        )
    prices = []
    for i, item in enumerate(_list_of_tables(raw, "factor_prices", p0)):
        p = f"{p0}.factor_prices[{i}]"
        _check_keys(item, {"class", "item", "label_zh", "surcharge", "example"}, p)
        prices.append(
            FactorPrice(
                check_class(_get(item, "class", p, str), _join(p, "class")),
                _get(item, "item", p, str),
                _get(item, "label_zh", p, str),
                _quantity(_get(item, "surcharge", p, dict), _join(p, "surcharge")),
                _get(item, "example", p, bool, False, False),
            )
        )
    measures = _get(raw, "measures_zh", p0, dict, False, {})
    for key, value in measures.items():
        check_class(key, f"{p0}.measures_zh.{key}")
        if not isinstance(value, str):
            raise _Invalid(f"{p0}.measures_zh.{key}", "must be a string")
    notice = _get(raw, "notice_days", p0, int, False, 0)
    if notice < 0:
        raise _Invalid(_join(p0, "notice_days"), "must not be negative")
    notice_unit = _get(raw, "notice_unit", p0, str, False, "days")
    if notice_unit not in NOTICE_UNITS:
        raise _Invalid(_join(p0, "notice_unit"), f"must be one of {', '.join(NOTICE_UNITS)}")
    related, filled = _related_party_rule(_get(raw, "related_parties", p0, dict, False, {}), legacy)
    consequences = Consequences(
        tuple(lists),
        notice,
        _get(raw, "notice_example", p0, bool, False, False),
        tuple(_get(raw, "public_fields", p0, list, False, [])),
        tuple(prices),
        dict(measures),
        related,
        notice_unit,
    )
    return consequences, filled


def _related_party_rule(raw: dict, legacy: bool = False) -> tuple[RelatedPartyRule, tuple]:
    """The policy's related-party rule and the keys filled from seed 000 (legacy texts only)."""
    p = "consequences.related_parties"
    _check_keys(raw, set(RELATED_PARTY_KEYS), p)
    missing = tuple(k for k in RELATED_PARTY_KEYS if k not in raw)
    default = SEED_RELATED_PARTIES
    roles = {}
    for key in ("holder_roles", "party_roles"):
        value = tuple(_get(raw, key, p, list, False, list(getattr(default, key))))
        for kind in value:
            if kind not in RELATION_KINDS:
                raise _Invalid(
                    _join(p, key), f"{kind!r} is not a relation kind ({', '.join(RELATION_KINDS)})"
                )
        roles[key] = value
    shares = {}
    for key in ("holder_share_percent", "control_share_percent"):
        shares[key] = float(_get(raw, key, p, (int, float), False, getattr(default, key)))
        if not 0 <= shares[key] <= 100:
            raise _Invalid(_join(p, key), "must be between 0 and 100")
    depth = _get(raw, "shareholding_depth", p, int, False, default.shareholding_depth)
    if not 0 <= depth <= 10:
        raise _Invalid(_join(p, "shareholding_depth"), "must be between 0 and 10")
    # Values first (a wrong value is the more precise message), then what is not stated.
    if missing and not legacy:
        seed = SEED_RELATED_PARTIES
        raise _Invalid(
            _join(p, missing[0]),
            f"{MISSING_RELATED_RULE} required key is missing: every policy states its related-party"
            f" rule; missing {', '.join(missing)} (seed 000, 京技管发〔2023〕15号, read by"
            " 公司法 第二百六十五条 and 企业会计准则第36号: holder_share_percent ="
            f" {seed.holder_share_percent:g}, control_share_percent ="
            f" {seed.control_share_percent:g}, shareholding_depth = {seed.shareholding_depth};"
            " see beijing-etown-2023.toml)",
        )
    rule = RelatedPartyRule(
        holder_roles=roles["holder_roles"],
        holder_share_percent=shares["holder_share_percent"],
        party_roles=roles["party_roles"],
        control_share_percent=shares["control_share_percent"],
        shareholding_depth=depth,
    )
    return rule, missing
