"""Conditions as Polars expressions, and the human-readable text of reasons and gaps."""

from __future__ import annotations

import polars as pl

from .quantities import convert_value
from .schema import Condition
from .vocabulary import FACTS, METRICS, VIOLATION_KINDS

REL_TOL = 1e-9
OP_SYMBOL = {"at_least": "≥", "above": ">", "below": "<", "at_most": "≤"}
OP_FAILED = {"at_least": "<", "above": "≤", "below": "≥", "at_most": ">"}


def num(expr: pl.Expr, digits: int = 2) -> pl.Expr:
    """A number as text, rounded: 1850.0 → '1850', 3.514 → '3.51' (cheap: one cast per row)."""
    return expr.round(digits).cast(pl.String).str.strip_suffix(".0")


def test(cond: Condition) -> pl.Expr:
    """The condition as a boolean expression; unknown (null) data never satisfies a test."""
    if cond.kind == "violation":
        return pl.any_horizontal([pl.col(f"violation_{k}") for k in cond.value]).fill_null(False)
    if cond.kind == "tag":
        return pl.col(tag_column(cond.value)).fill_null(False)
    col = pl.col(cond.subject)
    if cond.op == "missing":
        return col.is_null() if cond.value else col.is_not_null()
    if cond.kind == "fact":
        if cond.op == "is":
            expr = col == cond.value
        elif cond.op == "in":
            expr = col.is_in(list(cond.value))
        else:
            expr = ~col.is_in(list(cond.value))
        return expr.fill_null(False)
    t = cond.threshold_in_metric_unit()
    tol = abs(t) * REL_TOL
    expr = {
        "at_least": col >= t - tol,
        "above": col > t + tol,
        "below": col < t - tol,
        "at_most": col <= t + tol,
    }[cond.op]
    return expr.fill_null(False)


def condition_columns(cond: Condition) -> list[str]:
    """The frame columns a condition reads."""
    if cond.kind == "violation":
        return [f"violation_{k}" for k in cond.value]
    if cond.kind == "tag":
        return [tag_column(cond.value)]
    return [cond.subject]


def tag_column(tags) -> str:
    """The frame's column saying whether the holder has any of ``tags``."""
    return "holder_tagged:" + "|".join(sorted(tags))


def shown_column(cond: Condition) -> str:
    return f"_shown:{cond.subject}:{cond.threshold.unit_text}"


def shown_values(conds) -> list[pl.Expr]:
    """Text of each metric's value in its threshold's unit, computed once for zh, en and gaps."""
    out = {}
    for cond in conds:
        if cond.kind == "metric" and cond.op != "missing":
            factor = convert_value(1.0, METRICS[cond.subject].unit, cond.threshold.unit)
            out[shown_column(cond)] = num(pl.col(cond.subject) * factor).alias(shown_column(cond))
    return list(out.values())


def _shown(cond: Condition) -> tuple[pl.Expr, str]:
    """The metric's value text (a column made by ``shown_values``) and the threshold's unit."""
    assert cond.threshold is not None
    return pl.col(shown_column(cond)), cond.threshold.unit_text


def _symbol(cond: Condition, holds: bool | None) -> pl.Expr:
    """≥ when the test holds, < when it fails; ``holds=None``: whichever is the case per row."""
    if holds is None:
        return (
            pl.when(test(cond))
            .then(pl.lit(OP_SYMBOL[cond.op]))
            .otherwise(pl.lit(OP_FAILED[cond.op]))
        )
    return pl.lit(OP_SYMBOL[cond.op] if holds else OP_FAILED[cond.op])


def describe_zh(cond: Condition, holds: bool | None = True) -> pl.Expr | None:
    """'地均税收 2150 万元/公顷 ≥ 2,000 万元/公顷' for metric tests; None for the others."""
    if cond.kind != "metric" or cond.op == "missing":
        return None
    value, unit = _shown(cond)
    return pl.format(
        f"{METRICS[cond.subject].label_zh} {{}} {unit} {{}} {cond.threshold.label}",
        value,
        _symbol(cond, holds),
    )


def describe_en(cond: Condition, holds: bool | None = True) -> pl.Expr | None:
    if cond.kind != "metric" or cond.op == "missing":
        return None
    value, unit = _shown(cond)
    return pl.format(
        f"{METRICS[cond.subject].label_en} {{}} {unit} {{}} {cond.threshold.label}",
        value,
        _symbol(cond, holds),
    )


def gap_text(cond: Condition, klass: str, lang: str) -> pl.Expr | None:
    """'税收 1850 万元/公顷；A 类需 ≥ 2,000 万元/公顷' when the test fails, else null."""
    if cond.kind != "metric" or cond.op == "missing":
        return None
    value, unit = _shown(cond)
    metric = METRICS[cond.subject]
    symbol = OP_SYMBOL[cond.op]
    if lang == "zh":
        text = pl.format(
            f"{metric.label_zh} {{}} {unit}，{klass} 类需 {symbol} {cond.threshold.label}", value
        )
    else:
        text = pl.format(
            f"{metric.label_en} {{}} {unit}; {klass} needs {symbol} {cond.threshold.label}", value
        )
    return pl.when(~test(cond)).then(text)


def condition_label(cond: Condition, lang: str = "zh") -> str:
    """A static label of any condition (used where no value is shown)."""
    zh = lang == "zh"
    if cond.kind == "violation":
        names = [VIOLATION_KINDS[k][0 if zh else 1] for k in cond.value]
        return ("存在未整改的" if zh else "open ") + "/".join(names)
    if cond.kind == "tag":
        return ("企业标签含 " if zh else "tagged ") + "/".join(cond.value)
    if cond.kind == "fact":
        label = FACTS[cond.subject][0 if zh else 1]
        if cond.op == "is":
            return label if cond.value else (f"非{label}" if zh else f"not {label}")
        if cond.op == "missing":
            return (f"{label}未记录" if zh else f"{label} not recorded") if cond.value else label
        values = "/".join(cond.value)
        return (
            f"{label}{'为' if cond.op == 'in' else '不为'} {values}"
            if zh
            else f"{label} {'in' if cond.op == 'in' else 'not in'} {values}"
        )
    label = METRICS[cond.subject].label_zh if zh else METRICS[cond.subject].label_en
    if cond.op == "missing":
        return (f"{label}无数据" if zh else f"no {label}") if cond.value else label
    return f"{label} {OP_SYMBOL[cond.op]} {cond.threshold.label}"


def join_texts(parts: list[pl.Expr], separator: str) -> pl.Expr:
    if not parts:
        return pl.lit("")
    return pl.concat_str(parts, separator=separator, ignore_nulls=True)
