"""Parcel holders named but not identified: 土地使用权人 matched to an enterprise by its name.

Land-market tables (中国土地市场网 供地结果) name the holder but give no credit code. Where a 宗地
row has 土地使用权人 and no 产权单位统一社会信用代码, the name is looked up among the enterprises
already stored and those of this import's 企业 sheet (the sheet's name wins for a code in both).
Names compare after Unicode NFKC (full-width brackets and letters as half-width) with all
whitespace removed; nothing fuzzier, as a wrong holder is worse than none. One match: the
holder's code is filled in. None or several: a warning naming the row and the candidates, and
the holder stays empty — or, when the file has no 产权单位统一社会信用代码 column at all, a
stored parcel keeps the holder it has (a name that does not match never clears it). The name
is stored in ``holder_name`` either way.
"""

from __future__ import annotations

import polars as pl

from .errors import ImportProblem
from .readers import ROW


def normalised_name(names: pl.Expr) -> pl.Expr:
    """Names as compared: NFKC, whitespace removed (``'（甲） 公司'`` → ``'(甲)公司'``)."""
    return names.str.normalize("NFKC").str.replace_all(r"\s+", "")


def match_holders(result, known) -> None:
    """Fill ``holder_uscc`` of the 宗地 frame from ``holder_name`` where unambiguous.

    ``result``: the ``Validated`` of this import (its 宗地 frame is replaced, ``holder_uscc``
    added to the present columns when a match is made); ``known.enterprise_names``: stored
    USCC → name; ``known.parcel_holders``: stored parcel code → holder USCC. Warnings are
    appended to ``result.problems``. In Polars, no query.
    """
    parcels = result.sheets.get("parcels")
    if parcels is None or not {"holder_name", "code"} <= set(parcels.frame.columns):
        return
    frame = parcels.frame
    column_given = "holder_uscc" in frame.columns
    if column_given:
        given = frame["holder_uscc"]
    else:
        given = pl.Series("holder_uscc", [None] * frame.height, dtype=pl.Utf8)
    wanted = given.is_null() & frame["holder_name"].is_not_null()
    if not wanted.any():
        return
    names = dict(known.enterprise_names)
    enterprises = result.sheets.get("enterprises")
    if enterprises is not None and "name" in enterprises.frame.columns:
        sheet = enterprises.frame.select("uscc", "name").drop_nulls()
        names.update(zip(sheet["uscc"], sheet["name"], strict=True))
    candidates = pl.DataFrame(
        {"uscc": list(names), "name": list(names.values())},
        schema={"uscc": pl.Utf8, "name": pl.Utf8},
    )
    by_name = (
        candidates.with_columns(normalised_name(pl.col("name")).alias("_n"))
        .group_by("_n")
        .agg(pl.col("uscc").sort().alias("usccs"))
    )
    rows = (
        frame.select(ROW, "holder_name")
        .filter(wanted)
        .with_columns(normalised_name(pl.col("holder_name")).alias("_n"))
        .join(by_name, on="_n", how="left", maintain_order="left")
    )
    count = rows["usccs"].list.len().fill_null(0)
    matched = rows.filter(count == 1).select(ROW, pl.col("usccs").list.first().alias("_matched"))
    # Without a code column, a stored parcel keeps its holder where the name decides nothing.
    stored = {} if column_given else known.parcel_holders
    kept = frame["code"].replace_strict(stored, default=None, return_dtype=pl.Utf8)
    codes = dict(zip(frame[ROW], frame["code"], strict=True))
    header = parcels.headers.get("holder_name", "土地使用权人")

    def outcome(row) -> str:
        if codes.get(row) in stored:
            return f"保留原产权单位 {stored[codes[row]]} stored holder kept"
        return "产权单位留空 holder left empty"

    for row, name in rows.filter(count == 0).select(ROW, "holder_name").iter_rows():
        result.problems.append(
            ImportProblem(
                parcels.name,
                row,
                header,
                name,
                f"未找到同名企业，{outcome(row)}; no enterprise of this name (stored or in the "
                "企业 sheet); name kept — add the enterprise or give its 统一社会信用代码",
                warning=True,
            )
        )
    several = rows.filter(count > 1).select(ROW, "holder_name", "usccs")
    for row, name, usccs in several.iter_rows():
        result.problems.append(
            ImportProblem(
                parcels.name,
                row,
                header,
                name,
                f"同名企业有{len(usccs)}家（{'、'.join(usccs)}），{outcome(row)}; several "
                "enterprises of this name; name kept — give 产权单位统一社会信用代码",
                warning=True,
            )
        )
    if matched.height:
        filled = (
            frame.select(ROW)
            .join(matched, on=ROW, how="left", maintain_order="left")["_matched"]
            .fill_null(given)
            .fill_null(kept)
            .alias("holder_uscc")
        )
        parcels.frame = frame.with_columns(filled)
        parcels.present.add("holder_uscc")
        parcels.headers.setdefault("holder_uscc", header)
