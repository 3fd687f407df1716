"""Values checked against the model field their column declares (``schema.Column.field``).

A text longer than its field's ``max_length`` is refused here, with its row, rather than
failing the whole write on PostgreSQL (``value too long``) or being stored whole by SQLite,
which does not enforce lengths. The limit is read from the model, never repeated.
"""

from __future__ import annotations

import polars as pl

from .errors import ImportProblem
from .readers import ROW
from .schema import Kind


def _limit(spec, column) -> int | None:
    """``max_length`` of the field a text column is stored in (for a lookup: the related one)."""
    field = spec.model_field(column)
    if field is None:
        return None
    if column.lookup:
        if "__" in column.lookup or field.related_model is None:
            return None
        field = field.related_model._meta.get_field(column.lookup)
    return getattr(field, "max_length", None)


def check_lengths(result) -> None:
    """Append an error to ``result.problems`` for every text cell too long for its field.

    ``result``: a ``validation.Validated``; one problem per offending cell (sheet, row, the
    header as written, the start of the value), e.g. ``文字过长：最多 16 个字符，此处 20 个``.
    """
    for data in result.sheets.values():
        spec = data.spec
        for column in spec.columns:
            if column.kind != Kind.TEXT or column.key not in data.frame.columns:
                continue
            limit = _limit(spec, column)
            if not limit:
                continue
            series = data.frame[column.key]
            length = series.str.len_chars()
            long = data.frame.select(ROW, series, length.alias("_n")).filter(pl.col("_n") > limit)
            header = data.headers.get(column.key, column.header)
            for row, value, n in long.iter_rows():
                shown = value if len(value) <= 40 else value[:37] + "…"
                result.problems.append(
                    ImportProblem(
                        data.name,
                        row,
                        header,
                        shown,
                        f"文字过长：最多 {limit} 个字符，此处 {n} 个 "
                        f"text too long: at most {limit} characters, {n} given",
                    )
                )
