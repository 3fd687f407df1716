"""What the value parsers share: the result shape, width folding, per-distinct-value mapping."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Full-width forms (ＡＢＣ１２３．，％) and the ideographic space, as Chinese input methods type
# them, folded to ASCII; the minus signs people paste (−, －) too.
_WIDE = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u2212", "\u00a0"]
_NARROW = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" ", "-", " "]


def fold_width(expr: pl.Expr) -> pl.Expr:
    """Full-width letters, digits and punctuation → ASCII; ideographic space → space; stripped."""
    return expr.str.replace_many(_WIDE, _NARROW).str.strip_chars()


@dataclass
class Parsed:
    """One column read: ``value`` typed (null where blank or refused); ``error`` / ``warning``
    Utf8, the reason per row (null where none); ``precision`` for dates ("month", "year", null =
    a full date); ``unit`` the unit key written in the cell, if any (numbers)."""

    value: pl.Series
    error: pl.Series
    warning: pl.Series
    precision: pl.Series | None = None
    unit: pl.Series | None = None

    def first_error(self) -> str | None:
        """The first row's error reason, or None when every row parsed."""
        errors = self.error.drop_nulls()
        return errors[0] if errors.len() else None


def per_distinct(raw: pl.Series, parse, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run ``parse`` (a frame of distinct values ``s`` → frame with ``columns``) once per
    distinct non-null value and map the results back to every row of ``raw`` (nulls stay null)."""
    distinct = pl.DataFrame({"s": raw.drop_nulls().unique()}, schema={"s": pl.Utf8})
    parsed = parse(distinct) if distinct.height else None
    if parsed is None:
        parsed = pl.DataFrame(schema={"s": pl.Utf8, **columns})
    frame = pl.DataFrame({"s": raw.cast(pl.Utf8)})
    return frame.join(parsed, on="s", how="left", maintain_order="left").select(list(columns))
