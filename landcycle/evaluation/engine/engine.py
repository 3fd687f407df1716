"""``evaluate(policy, inputs, year)``: the pure evaluation, one pass over the frames."""

from __future__ import annotations

import polars as pl

from .explain import (
    condition_columns,
    describe_en,
    describe_zh,
    gap_text,
    join_texts,
    num,
    shown_values,
    test,
)
from .facts import RESULT_ORDER, STANDARD_FIGURES, build_frame, in_result_order
from .inputs import EvaluationInputs
from .quantities import format_number
from .schema import REVIEW, Composite, Condition, Group, Policy, Rule
from .vocabulary import METRICS, RESULT_COLUMNS

NO_RULE = "no-rule"
# Rule policies have no scoring groups: the result's group is the holder's scale (above / below).
_SCALE_GROUP = pl.col("holder_scale").replace("", None)
# Facts whose explanation is a column of the frame, shown with the reason of a rule using them.
FACT_DETAILS_ZH = {
    "commitments_met": "commitments_detail_zh",
    "lease_related_tenant_only": "lease_relation_path_zh",
}
TEXT_COLUMNS = ["reasons_zh", "reasons_en", "gap_zh", "gap_en"]


def evaluate(policy: Policy, inputs: EvaluationInputs, year: int, *, texts: bool = True):
    """One row per parcel: class, score, deciding rule, reasons, gap, ranks and indicators.

    Sorted by parcel code, then id. Classes are the policy's, or ``REVIEW`` with the reason.

    ``texts=False`` leaves the reasons and gaps of rows decided by a rule of a rule policy null:
    they follow from the row alone (its rule and figures), so ``explain`` writes them when the
    rows are read, identical to ``texts=True``. Rows no rule decides, and every row of a
    composite policy (whose texts quote statistics of the whole group), always carry theirs.
    """
    needed = policy.metrics_used()
    frame = build_frame(inputs, year, needed, policy.equity, tag_sets=policy.tag_sets())
    if policy.kind == "rules":
        out = _evaluate_rules(policy, frame)
    else:
        previous = None
        if any(i.mean_year_offset for g in policy.composite.groups for i in g.indicators):
            previous = build_frame(inputs, year - 1, needed, policy.equity, metrics_only=True)
        out = _evaluate_composite(policy, frame, previous)
    out = _finish(policy, out)
    return explain(policy, out) if texts else out


def explain(policy: Policy, results: pl.DataFrame) -> pl.DataFrame:
    """Write the reasons and gaps of rows that have none yet (``evaluate(texts=False)``).

    ``results`` are rows of a rule policy's evaluation with their ``rule`` and the figures its
    texts quote (stored results read back serve as well as the engine's frame). Rows with texts,
    and the rows of composite policies, are returned unchanged.
    """
    if policy.kind != "rules" or results.is_empty():
        return results
    by_id = {r.id: r for r in policy.rules}
    missing = [c for c in TEXT_COLUMNS if c not in results.columns]
    results = results.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    todo = results.with_row_index("_row").filter(
        pl.col("reasons_zh").is_null() & pl.col("rule").is_in(list(by_id))
    )
    if todo.is_empty():
        return results
    parts = []
    for part in todo.partition_by("rule", maintain_order=False):
        rule = by_id[part["rule"][0]]
        target = by_id.get(rule.next)
        conds = [*rule.all, *rule.any, *((*target.all, *target.any) if target else ())]
        needed = {c for cond in conds for c in condition_columns(cond) if cond.kind == "metric"}
        absent = [c for c in needed if c not in part.columns]
        absent += [c for c in FACT_DETAILS_ZH.values() if c not in part.columns]
        present = [c for c in needed if c in part.columns]
        parts.append(
            part.lazy()
            # Results read back from storage may carry a figure as text or all-null.
            .with_columns(pl.col(present).cast(pl.Float64))
            .with_columns(
                pl.col(c).cast(pl.String) for c in FACT_DETAILS_ZH.values() if c in part.columns
            )
            .with_columns(pl.lit(None, pl.Float64).alias(c) for c in absent if c in needed)
            .with_columns(pl.lit(None, pl.String).alias(c) for c in absent if c not in needed)
            .with_columns(shown_values(conds))
            .select("_row", *_rule_texts(rule, target))
            .with_columns(_tidy_gaps())
        )
    # Lazy, so that the tests repeated in texts and gaps are computed once (common
    # subexpressions); the parts run in parallel.
    texts = pl.concat(pl.collect_all(parts), how="vertical_relaxed")
    return _put_rows(results, texts)


def _put_rows(frame: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the text columns of ``rows`` written at their ``_row`` positions."""
    at = rows["_row"]
    return frame.with_columns(
        frame[c].cast(pl.String).clone().scatter(at, rows[c]) for c in TEXT_COLUMNS
    )


def _all(conds: tuple[Condition, ...]) -> pl.Expr:
    return pl.all_horizontal([test(c) for c in conds]) if conds else pl.lit(True)


def rule_matches(rule: Rule) -> pl.Expr:
    expr = _all(rule.all)
    if rule.any:
        expr = expr & pl.any_horizontal([test(c) for c in rule.any])
    if rule.none:
        expr = expr & ~pl.any_horizontal([test(c) for c in rule.none])
    return expr


def _first_match(exprs: list[pl.Expr]) -> pl.Expr:
    """Index of the first true expression, or null."""
    if not exprs:
        return pl.lit(None, pl.Int32)
    chain = pl.when(exprs[0]).then(pl.lit(0, pl.Int32))
    for i, expr in enumerate(exprs[1:], start=1):
        chain = chain.when(expr).then(pl.lit(i, pl.Int32))
    return chain.otherwise(pl.lit(None, pl.Int32))


def _by_index(index: pl.Expr, values: list[pl.Expr], default: pl.Expr) -> pl.Expr:
    if not values:
        return default
    chain = pl.when(index == 0).then(values[0])
    for i, value in enumerate(values[1:], start=1):
        chain = chain.when(index == i).then(value)
    return chain.otherwise(default)


def _rule_reason(rule: Rule, lang: str, target: Rule | None = None) -> pl.Expr:
    """The rule's text, then the figures of its tests (and of the next class's tests)."""
    describe = describe_zh if lang == "zh" else describe_en
    details = []
    for cond in (*rule.all, *rule.any):
        text = describe(cond)
        if text is not None:
            details.append(pl.when(test(cond)).then(text))
    for cond in (*target.all, *target.any) if target else ():
        either = describe(cond, None)  # one text per row, its symbol by the test's outcome
        if either is not None:
            details.append(either)
    if lang == "zh":
        facts = {c.subject for c in (*rule.all, *rule.any) if c.kind == "fact"}
        details += [pl.col(col) for fact, col in FACT_DETAILS_ZH.items() if fact in facts]
    base = rule.reason_zh if lang == "zh" else rule.reason_en
    if not details:
        return pl.lit(base)
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    return pl.format(f"{base}{colon}{{}}", join_texts(details, sep)).str.strip_suffix(colon)


def _evaluate_rules(policy: Policy, frame: pl.DataFrame) -> pl.DataFrame:
    """Class, rule and next class of every row; texts only for rows no rule decides."""
    rules = policy.rules
    by_id = {r.id: r for r in rules}
    # The tests run on a narrow frame of the columns they read.
    columns = {"parcel_id", "project_type", "supply_method", "holder_scale"}
    for rule in rules:
        columns |= {
            c for cond in (*rule.all, *rule.any, *rule.none) for c in condition_columns(cond)
        }
    # Lazy: a test shared by several rules is computed once (common subexpressions).
    narrow = (
        frame.lazy()
        .select([c for c in frame.columns if c in columns])
        .with_columns(_first_match([rule_matches(r) for r in rules]).alias("_rule"))
        .collect()
    )
    index = pl.col("_rule")
    decided = narrow.select(
        index.replace_strict(
            {i: r.klass for i, r in enumerate(rules)}, default=REVIEW, return_dtype=pl.String
        ).alias("class"),
        pl.lit(None, pl.Float64).alias("score"),
        index.replace_strict(
            {i: r.id for i, r in enumerate(rules)}, default=NO_RULE, return_dtype=pl.String
        ).alias("rule"),
        _SCALE_GROUP.alias("group"),
        _next_class(rules, by_id, index).alias("next_class"),
        *[pl.lit(None, pl.String).alias(c) for c in TEXT_COLUMNS],
    )
    undecided = narrow.with_row_index("_row").filter(index.is_null())
    if not undecided.is_empty():
        decided = _put_rows(decided, undecided.select("_row", *_no_rule_texts()))
    return frame.hstack(decided)


def _next_class(rules: tuple[Rule, ...], by_id: dict[str, Rule], index: pl.Expr) -> pl.Expr:
    """The class of the deciding rule's ``next`` rule when one of that rule's figures falls
    short (the gap has something to say). Tested once per distinct next rule, not per rule."""
    falls_short: dict[str, tuple[str, pl.Expr]] = {}
    for rule in rules:
        target = by_id.get(rule.next)
        if target is None or target.id in falls_short:
            continue
        short = [
            ~test(c) & pl.col(c.subject).is_not_null()
            for c in (*target.all, *target.any)
            if gap_text(c, target.klass, "zh") is not None
        ]
        if short:
            falls_short[target.id] = (target.klass, pl.any_horizontal(short))
    order = list(falls_short)
    target_of = {i: order.index(r.next) for i, r in enumerate(rules) if r.next in falls_short}
    if not target_of:
        return pl.lit(None, pl.String)
    target = index.replace_strict(target_of, default=None, return_dtype=pl.Int32)
    values = [pl.when(short).then(pl.lit(klass)) for klass, short in falls_short.values()]
    return _by_index(target, values, pl.lit(None, pl.String))


def _tidy_gaps() -> list[pl.Expr]:
    """No gap text (nothing fails) means no gap (``_next_class`` is null for the same rows)."""
    has_gap = pl.col("gap_zh").str.len_bytes() > 0
    return [
        pl.when(has_gap).then(pl.col("gap_zh")).alias("gap_zh"),
        pl.when(has_gap).then(pl.col("gap_en")).alias("gap_en"),
    ]


def _no_rule_texts() -> list[pl.Expr]:
    return [
        pl.format(
            "无适用规则，需人工复核（项目类型：{}，供地方式：{}）",
            pl.col("project_type").replace("", "未记录"),
            pl.col("supply_method").replace("", "未记录"),
        ).alias("reasons_zh"),
        pl.format(
            "no rule of the policy applies; review needed (project type: {}, supply method: {})",
            pl.col("project_type").replace("", "not recorded"),
            pl.col("supply_method").replace("", "not recorded"),
        ).alias("reasons_en"),
        pl.lit(None, pl.String).alias("gap_zh"),
        pl.lit(None, pl.String).alias("gap_en"),
    ]


def _rule_texts(rule: Rule, target: Rule | None) -> list[pl.Expr]:
    """Reasons (the rule's text and the figures of its tests) and the gap to ``target``."""
    gap_zh = gap_en = pl.lit(None, pl.String)
    if target is not None:
        conds = [*target.all, *target.any]
        zh = [g for c in conds if (g := gap_text(c, target.klass, "zh")) is not None]
        en = [g for c in conds if (g := gap_text(c, target.klass, "en")) is not None]
        if zh:
            # "" (every test of the next class passes) becomes null in _tidy_gaps.
            gap_zh, gap_en = join_texts(zh, "；"), join_texts(en, "; ")
    return [
        _rule_reason(rule, "zh", target).alias("reasons_zh"),
        _rule_reason(rule, "en", target).alias("reasons_en"),
        gap_zh.alias("gap_zh"),
        gap_en.alias("gap_en"),
    ]


# ---------------------------------------------------------------- composite (亩均论英雄)


def _evaluate_composite(
    policy: Policy, frame: pl.DataFrame, previous: pl.DataFrame | None
) -> pl.DataFrame:
    comp: Composite = policy.composite
    # Scoring works on a narrow frame of the columns it reads; the results are put back in row
    # order beside the wide frame at the end (no copy of the wide frame per part).
    wide = frame
    conds = [c for e in comp.exclusions for c in e.any]
    conds += [c for g in comp.groups for c in g.when]
    conds += [c for a in comp.adjustments for c in a.all]
    columns = {"parcel_id", "jurisdiction_id", "has_indicators"}
    columns |= {col for c in conds for col in condition_columns(c)}
    columns |= {i.metric for g in comp.groups for i in g.indicators}
    frame = (
        frame.select([c for c in frame.columns if c in columns])
        .with_row_index("_row")
        .with_columns(
            _first_match(
                [pl.any_horizontal([test(c) for c in e.any]) for e in comp.exclusions]
            ).alias("_excl"),
            _first_match([_all(g.when) for g in comp.groups]).alias("_group"),
        )
    )
    parts = []
    excluded = frame.filter(pl.col("_excl").is_not_null())
    if excluded.height:
        e_idx = pl.col("_excl")
        parts.append(
            excluded.with_columns(
                _by_index(e_idx, [pl.lit(e.klass) for e in comp.exclusions], pl.lit(REVIEW)).alias(
                    "class"
                ),
                _by_index(e_idx, [pl.lit(e.id) for e in comp.exclusions], pl.lit(NO_RULE)).alias(
                    "rule"
                ),
                _by_index(e_idx, [pl.lit(e.reason_zh) for e in comp.exclusions], pl.lit("")).alias(
                    "reasons_zh"
                ),
                _by_index(e_idx, [pl.lit(e.reason_en) for e in comp.exclusions], pl.lit("")).alias(
                    "reasons_en"
                ),
            )
        )
    out_of_scope = frame.filter(pl.col("_excl").is_null() & pl.col("_group").is_null())
    if out_of_scope.height:
        parts.append(
            out_of_scope.with_columns(
                pl.lit(comp.out_of_scope_class).alias("class"),
                pl.lit("out-of-scope").alias("rule"),
                pl.lit(comp.out_of_scope_reason_zh).alias("reasons_zh"),
                pl.lit(comp.out_of_scope_reason_en).alias("reasons_en"),
            )
        )
    for gi, group in enumerate(comp.groups):
        members = frame.filter(pl.col("_excl").is_null() & (pl.col("_group") == gi))
        if members.height:
            parts.append(_score_group(policy, comp, group, members, previous))
    if not parts:
        return (
            wide.clear()
            .with_columns(
                pl.lit(None, pl.String).alias(c)
                for c in (
                    "class",
                    "rule",
                    "reasons_zh",
                    "reasons_en",
                    "gap_zh",
                    "gap_en",
                    "next_class",
                    "group",
                )
            )
            .with_columns(pl.lit(None, pl.Float64).alias("score"))
        )
    out = pl.concat(parts, how="diagonal_relaxed")
    for column, dtype in (
        ("score", pl.Float64),
        ("group", pl.String),
        ("gap_zh", pl.String),
        ("gap_en", pl.String),
        ("next_class", pl.String),
    ):
        if column not in out.columns:
            out = out.with_columns(pl.lit(None, dtype).alias(column))
    added = [c for c in out.columns if c not in frame.columns or c == "group"]
    added = [c for c in dict.fromkeys(added) if c not in wide.columns]
    return wide.hstack(out.sort("_row").select(added))


def _indicator_score(
    ind, members: pl.DataFrame, scored_mask: pl.Expr, previous_mean, shown: tuple[str, str]
):
    """(score expression, reason zh, reason en) for one weighted indicator.

    Group statistics (min, max, mean) are computed once here as numbers; the texts read the
    value and score through the ``shown`` text columns the caller makes, shared by both languages.
    """
    metric = METRICS[ind.metric]
    v = pl.col(ind.metric)
    w = ind.weight
    unit = metric.unit.label
    value, points = pl.col(shown[0]), pl.col(shown[1])
    if ind.method == "benchmark":
        b = ind.benchmark.to(metric.unit)
        score = v / b * w
        shown = ind.benchmark.label
        zh = pl.format(f"{metric.label_zh} {{}} {unit} ÷ {shown} × {w:g} = {{}}", value, points)
        en = pl.format(f"{metric.label_en} {{}} {unit} / {shown} × {w:g} = {{}}", value, points)
    elif ind.method == "mean":
        if ind.mean_year_offset:
            mean = previous_mean
        else:
            mean = members.select(v.filter(scored_mask).mean()).item()
        base = (mean or 0.0) * ind.factor
        score = v / base * w if base > 0 else pl.lit(None, pl.Float64)
        shown = format_number(round(mean or 0.0, 2))
        when_zh, when_en = ("上年", "last") if ind.mean_year_offset else ("本年", "this")
        zh = pl.format(
            f"{metric.label_zh} {{}} {unit} ÷ ({ind.factor:g} × {when_zh}平均 {shown}) × {w:g} = {{}}",
            value,
            points,
        )
        en = pl.format(
            f"{metric.label_en} {{}} {unit} / ({ind.factor:g} × {when_en} year's mean {shown}) × {w:g} = {{}}",
            value,
            points,
        )
    else:  # minmax over the scored members of the group
        kept = v.filter(scored_mask)  # an expression: the wide frame is not copied
        lo, hi = members.select(kept.min().alias("lo"), kept.max().alias("hi")).row(0)
        f = ind.floor
        if lo is not None and hi > lo:
            score = w * (f + (100 - f) * (v - lo) / (hi - lo)) / 100
        else:
            score = pl.when(v.is_not_null()).then(pl.lit(w, pl.Float64))
        lo_text = "—" if lo is None else format_number(round(lo, 2))
        hi_text = "—" if hi is None else format_number(round(hi, 2))
        zh = pl.format(
            f"{metric.label_zh} {{}} {unit}（组内最小 {lo_text}，最大 {hi_text}）→ {w:g} × [{f:g} + {100 - f:g} × 位次] / 100 = {{}}",
            value,
            points,
        )
        en = pl.format(
            f"{metric.label_en} {{}} {unit} (group min {lo_text}, max {hi_text}) → {w:g} × [{f:g} + {100 - f:g} × position] / 100 = {{}}",
            value,
            points,
        )
    if ind.max_score is not None:
        score = pl.min_horizontal(score, pl.lit(ind.max_score * w))
    return score, zh, en


def _score_group(policy, comp: Composite, group: Group, members, previous) -> pl.DataFrame:
    review_metrics = [i.metric for i in group.indicators if i.missing == "review"]
    undecided = ~pl.col("has_indicators")
    for m in review_metrics:
        undecided = undecided | pl.col(m).is_null()
    members = members.with_columns(undecided.alias("_review"))
    scored_mask = ~pl.col("_review")

    # Scores are computed together (one pass, columns in parallel); texts are built in one lazy
    # plan at the end from the raw scores.
    score_cols, zh_parts, en_parts, shown = [], [], [], []
    raw, texts = [], []
    no_benchmark = []
    for i, ind in enumerate(group.indicators):
        prev_mean = None
        if ind.mean_year_offset:
            ids = members.select(pl.col("parcel_id").filter(scored_mask)).to_series().implode()
            if previous is not None:
                prev_mean = previous.filter(pl.col("parcel_id").is_in(ids))[ind.metric].mean()
            if prev_mean is None or not prev_mean > 0:
                no_benchmark.append(METRICS[ind.metric])
        names = (f"_v{i}", f"_s{i}")
        score, zh, en = _indicator_score(ind, members, scored_mask, prev_mean, names)
        raw.append(score.alias(f"_raw{i}"))
        texts.append((zh, en))
        shown += [num(pl.col(ind.metric)).alias(names[0]), num(pl.col(f"_raw{i}")).alias(names[1])]
    members = members.with_columns(raw)
    averaged = [i for i, ind in enumerate(group.indicators) if ind.missing == "group_average"]
    means = members.select(pl.col(f"_raw{i}").filter(scored_mask).mean() for i in averaged)
    filled = []
    for i, ind in enumerate(group.indicators):
        name, col = f"score_{group.id}_{i}", pl.col(f"_raw{i}")
        label_zh, label_en = METRICS[ind.metric].label_zh, METRICS[ind.metric].label_en
        if ind.missing == "group_average":
            fill = means[f"_raw{i}"].item()
            fill = 0.0 if fill is None else fill
            rounded = format_number(round(fill, 2))
            text_zh = pl.lit(f"{label_zh} 无数据，取组内平均分 {rounded}")
            text_en = pl.lit(f"no {label_en}: group average score {rounded}")
        else:
            fill = 0.0
            text_zh = pl.lit(f"{label_zh} 无数据，得 0 分")
            text_en = pl.lit(f"no {label_en}: 0 points")
        missing = pl.col(ind.metric).is_null()
        filled.append(pl.when(col.is_null()).then(pl.lit(fill)).otherwise(col).alias(name))
        zh, en = texts[i]
        score_cols.append(name)
        zh_parts.append(pl.when(missing).then(text_zh).otherwise(zh))
        en_parts.append(pl.when(missing).then(text_en).otherwise(en))
    members = members.with_columns(filled)

    if no_benchmark:
        # The benchmark rests on last year's figures: without them no score can be given.
        members = members.with_columns(pl.lit(True).alias("_review"))
    adjust = pl.lit(0.0)
    for adj in comp.adjustments:
        hit = _all(adj.all)
        adjust = adjust + pl.when(hit).then(pl.lit(adj.points)).otherwise(0.0)
        zh_parts.append(pl.when(hit).then(pl.lit(f"{adj.reason_zh} {adj.points:+g} 分")))
        en_parts.append(pl.when(hit).then(pl.lit(f"{adj.reason_en} {adj.points:+g} points")))
    total = pl.sum_horizontal([pl.col(c) for c in score_cols]) + adjust
    members = members.with_columns(
        pl.when(pl.col("_review")).then(None).otherwise(total).alias("score"),
        pl.lit(group.id).alias("group"),
    )
    partition = ["group"] + (["jurisdiction_id"] if "jurisdiction" in comp.rank_within else [])
    members = _classify(policy, comp, members, partition)
    label_zh, label_en = group.label_zh, group.label_en
    review_zh = pl.lit(f"{label_zh}：本年度无指标数据或缺少必需指标，需人工复核")
    review_en = pl.lit(
        f"{label_en}: no indicators for the year or a required one is missing; review needed"
    )
    if no_benchmark:
        names_zh = "、".join(m.label_zh for m in no_benchmark)
        names_en = ", ".join(m.label_en for m in no_benchmark)
        review_zh = pl.lit(f"{label_zh}：上年度无{names_zh}数据，无法确定基准值，需人工复核")
        review_en = pl.lit(f"{label_en}: no figures of last year for {names_en}; no benchmark")
    members = (
        members.lazy()
        .with_columns(shown)
        .with_columns(
            pl.when(pl.col("_review"))
            .then(review_zh)
            .otherwise(
                pl.format(
                    f"{label_zh}：{{}}；总分 {{}} → {{}} 类",
                    join_texts(zh_parts, "；"),
                    num(pl.col("score")),
                    pl.col("class"),
                )
            )
            .alias("reasons_zh"),
            pl.when(pl.col("_review"))
            .then(review_en)
            .otherwise(
                pl.format(
                    f"{label_en}: {{}}; total {{}} → class {{}}",
                    join_texts(en_parts, "; "),
                    num(pl.col("score")),
                    pl.col("class"),
                )
            )
            .alias("reasons_en"),
            pl.when(pl.col("_review"))
            .then(pl.lit(REVIEW))
            .otherwise(pl.col("class"))
            .alias("class"),
            pl.when(pl.col("_review"))
            .then(pl.lit("missing-data"))
            .otherwise(pl.lit(f"group:{group.id}"))
            .alias("rule"),
        )
        .drop(*[e.meta.output_name() for e in shown], *[e.meta.output_name() for e in raw])
        .drop("_review")
        .collect()
    )
    return members


def _classify(policy, comp: Composite, members: pl.DataFrame, partition: list[str]) -> pl.DataFrame:
    score = pl.col("score")
    bands = comp.bands
    if comp.method == "score_bands":
        chain = None
        for band in bands:
            cond = score >= band.min_score - abs(band.min_score) * 1e-9
            chain = (
                pl.when(cond).then(pl.lit(band.klass))
                if chain is None
                else chain.when(cond).then(pl.lit(band.klass))
            )
        klass = chain.otherwise(pl.lit(bands[-1].klass))
        next_min = {b.klass: bands[i - 1] for i, b in enumerate(bands) if i > 0}
        gap_zh = _by_class(
            {
                k: pl.format(f"总分 {{}}，{prev.klass} 类需 ≥ {prev.min_score:g}", num(score))
                for k, prev in next_min.items()
            }
        )
        gap_en = _by_class(
            {
                k: pl.format(f"score {{}}; {prev.klass} needs ≥ {prev.min_score:g}", num(score))
                for k, prev in next_min.items()
            }
        )
        nxt = _by_class({k: pl.lit(prev.klass) for k, prev in next_min.items()})
        members = members.with_columns(klass.alias("class"))
        return members.with_columns(
            pl.when(pl.col("_review")).then(None).otherwise(gap_zh).alias("gap_zh"),
            pl.when(pl.col("_review")).then(None).otherwise(gap_en).alias("gap_en"),
            pl.when(pl.col("_review")).then(None).otherwise(nxt).alias("next_class"),
        )
    # Rank proportions: ties share the better rank; (rank − 1) / n below the cumulative share.
    valid = ~pl.col("_review")
    rank = pl.when(valid).then(score).rank("min", descending=True).over(partition)
    n = valid.sum().over(partition)
    members = members.with_columns(rank.alias("_rank"), n.alias("_n"))
    position = (pl.col("_rank") - 1) / pl.col("_n")
    cumulative = 0.0
    chain = None
    cut: dict[str, float] = {}
    for band in bands:
        cumulative += band.share
        cut[band.klass] = cumulative
        cond = position < cumulative - 1e-12
        chain = (
            pl.when(cond).then(pl.lit(band.klass))
            if chain is None
            else chain.when(cond).then(pl.lit(band.klass))
        )
    klass = chain.otherwise(pl.lit(bands[-1].klass))
    previous_band = {b.klass: bands[i - 1] for i, b in enumerate(bands) if i > 0}
    gap_zh = _by_class(
        {
            k: pl.format(
                f"组内排名 {{}}/{{}}，{p.klass} 类需进入前 {cut[p.klass] * 100:g}%",
                pl.col("_rank"),
                pl.col("_n"),
            )
            for k, p in previous_band.items()
        }
    )
    gap_en = _by_class(
        {
            k: pl.format(
                f"rank {{}} of {{}} in the group; {p.klass} needs the top {cut[p.klass] * 100:g}%",
                pl.col("_rank"),
                pl.col("_n"),
            )
            for k, p in previous_band.items()
        }
    )
    nxt = _by_class({k: pl.lit(p.klass) for k, p in previous_band.items()})
    members = members.with_columns(klass.alias("class"))
    return members.with_columns(
        pl.when(valid).then(gap_zh).alias("gap_zh"),
        pl.when(valid).then(gap_en).alias("gap_en"),
        pl.when(valid).then(nxt).alias("next_class"),
    ).drop("_rank", "_n")


def _by_class(values: dict[str, pl.Expr]) -> pl.Expr:
    if not values:
        return pl.lit(None, pl.String)
    items = list(values.items())
    chain = pl.when(pl.col("class") == items[0][0]).then(items[0][1])
    for key, value in items[1:]:
        chain = chain.when(pl.col("class") == key).then(value)
    return chain.otherwise(pl.lit(None, pl.String))


# ---------------------------------------------------------------- result


def _finish(policy: Policy, out: pl.DataFrame) -> pl.DataFrame:
    industry = (
        "holder_industry_division"
        if policy.industry_level == "division"
        else "holder_industry_section"
    )
    rank_col = "score" if policy.kind == "composite" else policy.rank_metric
    value = pl.col(rank_col)
    out = out.with_columns(
        pl.col(industry).alias("industry"),
        value.rank("min", descending=True)
        .over("jurisdiction_id")
        .cast(pl.Int64)
        .alias("rank_jurisdiction"),
        pl.when(pl.col(industry) != "")
        .then(value.rank("min", descending=True).over(industry))
        .cast(pl.Int64)
        .alias("rank_industry"),
    )
    metrics = [m for m in STANDARD_FIGURES if m in out.columns]
    metrics += sorted(m for m in policy.metrics_used() if m in out.columns and m not in metrics)
    scores = sorted(c for c in out.columns if c.startswith("score_"))
    extras = [c for c in ("commitments_detail_zh", "lease_relation_path_zh") if c in out.columns]
    columns = [*RESULT_COLUMNS, *metrics, *scores, *extras]
    out = out.select(columns)
    return out if in_result_order(out) else out.sort(RESULT_ORDER)
