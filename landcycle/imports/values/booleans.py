"""Yes/no answers in the forms people use: 是/否, √/×, ✓/✗, 有/无, 对/错, Y/N, yes/no,
true/false, 1/0 (case, width and spaces ignored); anything else is an error listing them."""

from __future__ import annotations

import polars as pl

from .common import Parsed, fold_width, per_distinct

# (true, false) spellings, in the order messages list them.
BOOLEAN_FORMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("是",), ("否",)),
    (("√", "✓", "✔"), ("×", "✗", "✘", "✕", "✖")),
    (("有",), ("无", "没有")),
    (("对",), ("错",)),
    (("y", "yes", "t", "true"), ("n", "no", "f", "false")),
    (("1",), ("0",)),
)
_MAPPING = {
    **{t: True for trues, _ in BOOLEAN_FORMS for t in trues},
    **{f: False for _, falses in BOOLEAN_FORMS for f in falses},
}
EXPECTED = "须为是/否 must be 是/否 (yes/no)：可写 是/否、√/×、✓/✗、有/无、对/错、Y/N、yes/no、true/false、1/0"


def _parse(frame: pl.DataFrame) -> pl.DataFrame:
    key = fold_width(pl.col("s")).str.replace_all(r"\s+", "").str.to_lowercase()
    value = key.replace_strict(_MAPPING, default=None, return_dtype=pl.Boolean)
    return frame.select(
        "s", value.alias("value"), pl.when(value.is_null()).then(pl.lit(EXPECTED)).alias("error")
    )


def parse_booleans(raw: pl.Series) -> Parsed:
    """Utf8 cells → ``Parsed`` with ``value`` Boolean and ``error`` per row."""
    frame = per_distinct(raw, _parse, {"value": pl.Boolean, "error": pl.Utf8})
    return Parsed(
        frame["value"].alias(raw.name),
        frame["error"],
        pl.Series("warning", dtype=pl.Utf8).extend_constant(None, len(raw)),
    )


def parse_bool_text(text: str | None) -> bool | None:
    """One answer → True/False (None when blank); raises ``ValueError`` listing the forms."""
    if text is None or not str(text).strip():
        return None
    parsed = parse_booleans(pl.Series("b", [str(text)]))
    if parsed.error[0] is not None:
        raise ValueError(parsed.error[0])
    return parsed.value[0]
