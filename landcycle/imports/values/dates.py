"""Dates as officers type them, read vectorised (once per distinct value).

Accepted (after full-width folding, spaces and a time of day dropped):
``2019-12-31`` ``2019/12/31`` ``2019.12.31`` ``2019.5.1`` ``2019年12月31日`` (also 号, and
Chinese numerals 二〇一九年十二月三十一日), ``20191231``, Excel serial numbers, and Excel date cells
(which readers give as ISO text). Where a column allows a partial date (agreed dates, contracts
name a month or a year) also ``2019年12月`` ``2019.12`` ``2019-12`` ``2019/12`` ``201912`` and a
bare year ``2019`` / ``2019年``: stored as the period's first day with its precision.

How a number is told apart (decided here, documented in docs/interchange.md "Values"):
- four digits (``2023``) are a year, four digits, a point and one or two (``2023.05``) a
  year-month, six digits a year-month, eight digits yyyymmdd; never Excel serials;
- any other plain number is an Excel serial (days since 1899-12-30). Every serial of an accepted
  date has five digits (17899 = 1949-01-01 … 73415 = 2100-12-31), so no serial in range is a
  year or a year-month, and a serial outside the range is refused saying which date it would be;
- ``2023.1`` is ambiguous: a number cell typed 2023.10 shows 2023.1. It is read as October
  2023 with a warning (January is written 2023.01 or 2023年1月).
Only 1949-01-01 … 2100-12-31 is accepted. Placeholders meaning "no date" (1900-01-01,
1899-12-30, 1899-12-31, 0000-00-00 and the serials 0 and 1) are read as blank with a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from .common import Parsed, fold_width, per_distinct

EARLIEST = dt.date(1949, 1, 1)
LATEST = dt.date(2100, 12, 31)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 (Excel's 1900 system, leap-year bug included)


class DatePrecision(StrEnum):
    """Matches ledger ``DatePrecision``: "" a day, else the month or year named."""

    DAY = ""
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as written: the first day of the period and its precision (day, month,
    year)."""

    date: dt.date  # the first day of the period
    precision: DatePrecision


_FULL = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$"
_COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
_YEAR_MONTH = r"^(\d{4})[-/.年](\d{1,2})月?$"
_COMPACT_MONTH = r"^(\d{4})(\d{2})$"
_YEAR = r"^(\d{4})(?:年度?)?$"
_SERIAL = r"^\d+(?:\.\d+)?$"
_OCTOBER_AS_1 = r"^\d{4}\.1$"
# Serial 0 as Excel shows it (1900-01-00), or as a reader gives a date cell holding 0 (00:00:00).
_ZERO = r"^(?:0?0:00(?::00)?|1900[-/.年]0?1[-/.月]0?0日?)$"
# A time of day after a space, a T or 日: dropped (2023-5-1 8:30, 2023-05-01T08:30:00).
_TIME = (
    r"(?:(?:T|\s)+|([日号]))\d{1,2}[:：]\d{1,2}(?:[:：]\d{1,2}(?:\.\d+)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_CHINESE_DIGITS = list("〇零一二三四五六七八九")
_ARABIC = list("00123456789")

_FORMS_FULL = "2023-05-01、2023年5月1日、2023.5.1、2023/5/1、20230501 或Excel日期"
_FORMS_PARTIAL = "；也可只写年月或年份：2023年5月、2023.05、2023-05、2023"


def _normalised(s: pl.Expr) -> pl.Expr:
    text = fold_width(s).str.replace(_TIME, "${1}").str.replace_all(r"\s+", "")
    text = text.str.replace_many(_CHINESE_DIGITS, _ARABIC)
    # 十 in months and days: 十二 → 12, 二十一 → 21, 三十 → 30, 十 → 10.
    return (
        text.str.replace_all(r"(\d)十(\d)", "${1}${2}")
        .str.replace_all(r"(\d)十", "${1}0")
        .str.replace_all(r"十(\d)", "1${1}")
        .str.replace_all("十", "10")
    )


def _iso(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    text = pl.concat_str(
        [y.cast(pl.Utf8).str.zfill(4), m.cast(pl.Utf8).str.zfill(2), d.cast(pl.Utf8).str.zfill(2)],
        separator="-",
    )
    return text.str.to_date("%Y-%m-%d", strict=False)


def _parse(allow_partial: bool):
    def parse(frame: pl.DataFrame) -> pl.DataFrame:
        n = pl.col("n")
        groups = [
            ("full", _FULL, 3),
            ("full", _COMPACT, 3),
            ("month", _YEAR_MONTH, 2),
            ("month", _COMPACT_MONTH, 2),
            ("year", _YEAR, 1),
        ]
        kind = pl.when(pl.lit(False)).then(pl.lit(None, pl.Utf8))
        for name, pattern, _ in groups:
            kind = kind.when(n.str.contains(pattern)).then(pl.lit(name))
        kind = kind.when(n.str.contains(_SERIAL)).then(pl.lit("serial"))

        def part(index: int) -> pl.Expr:
            found = [n.str.extract(p, index) for _, p, count in groups if count >= index]
            return pl.coalesce(found).cast(pl.Int32)

        frame = frame.with_columns(_normalised(pl.col("s")).alias("n"))
        frame = frame.with_columns(
            kind.alias("kind"),
            part(1).alias("y"),
            pl.when(n.str.contains(_OCTOBER_AS_1)).then(10).otherwise(part(2)).alias("m"),
            part(3).alias("d"),
            pl.when(n.str.contains(_SERIAL)).then(n.cast(pl.Float64, strict=False)).alias("serial"),
        )
        k, y, m, d, serial = (pl.col(c) for c in ("kind", "y", "m", "d", "serial"))
        whole = serial.floor()
        serial_date = pl.when(whole.is_between(0, 2_958_465)).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=whole.cast(pl.Int64))
        )
        value = (
            pl.when(k == "full")
            .then(_iso(y, m, d))
            .when(k == "month")
            .then(_iso(y, m, pl.lit(1)))
            .when(k == "year")
            .then(_iso(y, pl.lit(1), pl.lit(1)))
            .when(k == "serial")
            .then(serial_date.cast(pl.Date))
        )
        frame = frame.with_columns(value.alias("date"))
        date = pl.col("date")
        placeholder = (
            n.str.contains(_ZERO)
            | (
                (k == "full")
                & ((y * 10_000 + m * 100 + d).is_in([19000101, 18991230, 18991231, 0]))
            )
            | ((k == "serial") & whole.is_in([0.0, 1.0]))
        )
        out_of_range = (date < EARLIEST) | (date > LATEST)
        forms = _FORMS_FULL + (_FORMS_PARTIAL if allow_partial else "")
        error = (
            pl.when(placeholder)
            .then(None)
            .when(k.is_null())
            .then(pl.lit(f"不是日期 not a date；可写作{forms}"))
            .when((k == "month") & ~m.is_between(1, 12))
            .then(pl.lit("月份须为1–12 month must be 1–12"))
            .when(date.is_null() & (k != "serial"))
            .then(pl.lit("日期不存在 not a date: no such day (check the month and day)"))
            .when((k == "serial") & (date.is_null() | out_of_range))
            .then(
                pl.concat_str(
                    pl.lit("不是有效日期：作为Excel日期序列号对应"),
                    date.dt.strftime("%Y-%m-%d").fill_null("（无）"),
                    pl.lit("，日期须在1949–2100年之间 as an Excel serial this is "),
                    date.dt.strftime("%Y-%m-%d").fill_null("no date"),
                    pl.lit("; dates must lie in 1949–2100"),
                )
            )
            .when(out_of_range)
            .then(pl.lit("日期须在1949–2100年之间 date must lie in 1949–2100"))
        )
        if not allow_partial:
            error = error.when(k == "month").then(
                pl.lit(
                    "此列须为完整日期（年月日），不能只写年月 this column needs a full date "
                    f"(year, month and day), not a year-month；可写作{_FORMS_FULL}"
                )
            )
            error = error.when(k == "year").then(
                pl.lit(
                    "此列须为完整日期（年月日），只写年份不作为日期（也不作为Excel序列号）"
                    " this column needs a full date, a bare year is not one (nor an Excel serial)"
                )
            )
        warning = (
            pl.when(placeholder)
            .then(pl.lit("占位日期，按空白处理 placeholder date read as blank (no date)"))
            .when(n.str.contains(_OCTOBER_AS_1))
            .then(
                pl.lit(
                    "按10月读取：Excel把年月数字（如2024.10）显示为「2024.1」；如指1月请写成"
                    "2024.01或2024年1月 read as October (Excel shows a number like 2024.10 as"
                    " 2024.1); for January write 2024.01"
                )
            )
        )
        frame = frame.with_columns(error.alias("error"))
        ok = pl.col("error").is_null() & ~placeholder
        return frame.select(
            "s",
            pl.when(ok).then(date).alias("value"),
            pl.when(ok & (k == "month"))
            .then(pl.lit(DatePrecision.MONTH.value))
            .when(ok & (k == "year"))
            .then(pl.lit(DatePrecision.YEAR.value))
            .alias("precision"),
            "error",
            pl.when(pl.col("error").is_null()).then(warning).alias("warning"),
        )

    return parse


def parse_dates(raw: pl.Series, *, allow_partial: bool = False) -> Parsed:
    """Utf8 cells → ``Parsed`` with ``value`` (Date: the day, or the first day of a month or
    year), ``precision`` (Utf8: "month", "year", null = a full date), ``error`` and ``warning``
    per row. ``allow_partial``: a bare year or year-month is accepted (else refused)."""
    name = raw.name
    # Fast path: ISO days in range, as readers give date cells and exports write them.
    iso = pl.select(
        pl.when(raw.str.contains(r"^\d{4}-\d{2}-\d{2}$"))
        .then(raw.str.to_date("%Y-%m-%d", strict=False))
        .alias(name)
    ).to_series()
    fine = iso.is_between(EARLIEST, LATEST).fill_null(False)
    empty = pl.Series(dtype=pl.Utf8).extend_constant(None, len(raw))
    if fine.all() or not (raw.is_not_null() & ~fine).any():
        return Parsed(
            iso, empty.alias("error"), empty.alias("warning"), empty.alias(name + "_precision")
        )
    frame = per_distinct(
        pl.select(pl.when(~fine).then(raw)).to_series(),
        _parse(allow_partial),
        {"value": pl.Date, "precision": pl.Utf8, "error": pl.Utf8, "warning": pl.Utf8},
    )
    return Parsed(
        value=pl.select(pl.when(fine).then(iso).otherwise(frame["value"])).to_series().alias(name),
        error=frame["error"],
        warning=frame["warning"],
        precision=frame["precision"].alias(name + "_precision"),
    )


def parse_date_text(text: str | None, *, allow_partial: bool = False) -> PartialDate | None:
    """One value as typed → ``PartialDate`` (None when blank or a placeholder).

    Raises ``ValueError`` with the reason (Chinese first) when the text is not an accepted date.
    """
    if text is None or not str(text).strip():
        return None
    parsed = parse_dates(pl.Series("d", [str(text)]), allow_partial=allow_partial)
    if parsed.error[0] is not None:
        raise ValueError(parsed.error[0])
    if parsed.value[0] is None:
        return None
    return PartialDate(parsed.value[0], DatePrecision(parsed.precision[0] or ""))


def _parse_years(frame: pl.DataFrame) -> pl.DataFrame:
    n = fold_width(pl.col("s")).str.replace_all(r"\s+", "").str.replace(r"(?:年度?|\.0+)$", "")
    year = pl.when(n.str.contains(r"^\d{4}$")).then(n.cast(pl.Int32, strict=False))
    error = (
        pl.when(year.is_null())
        .then(pl.lit("年度须为四位年份，如2023或2023年 year must be four digits, e.g. 2023"))
        .when(~year.is_between(1949, 2100))
        .then(pl.lit("年度须在1949–2100之间 year must lie in 1949–2100"))
    )
    return frame.select(
        "s",
        pl.when(error.is_null()).then(year).alias("value"),
        error.alias("error"),
    )


def parse_years(raw: pl.Series) -> Parsed:
    """Utf8 cells → ``Parsed`` with ``value`` Int32: ``2023``, ``2023年``, ``2023年度``,
    ``２０２３``; a year outside 1949–2100 or anything else is an error."""
    frame = per_distinct(raw, _parse_years, {"value": pl.Int32, "error": pl.Utf8})
    return Parsed(
        value=frame["value"].alias(raw.name),
        error=frame["error"],
        warning=pl.Series("warning", dtype=pl.Utf8).extend_constant(None, len(raw)),
    )
