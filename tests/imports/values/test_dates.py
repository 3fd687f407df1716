"""Dates as officers type them: every spelling of a day, partial dates, serials vs years."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from landcycle.imports.values import parse_date_text, parse_dates
from landcycle.imports.values.dates import EXCEL_EPOCH

DAYS = st.dates(min_value=dt.date(1949, 1, 1), max_value=dt.date(2100, 12, 31))
_CN = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 31 → 三十一 (as 日期 are written)."""
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")) + (
        _CN[ones] if ones else ""
    )
    return text


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def spellings(d: dt.date) -> list[str]:
    y, m, day = d.year, d.month, d.day
    return [
        d.isoformat(),
        f"{y}-{m}-{day}",
        f"{y}/{m}/{day}",
        f"{y}/{m:02d}/{day:02d}",
        f"{y}.{m}.{day}",
        f"{y}.{m:02d}.{day:02d}",
        f"{y}年{m}月{day}日",
        f"{y}年{m:02d}月{day:02d}日",
        f"{y} 年 {m} 月 {day} 日",
        f"{y}年{m}月{day}号",
        f"{y:04d}{m:02d}{day:02d}",
        str((d - EXCEL_EPOCH).days),  # Excel serial
        f"{(d - EXCEL_EPOCH).days}.5",  # serial with a time of day
        f"{d.isoformat()} 08:30",
        f"{d.isoformat()} 08:30:15",
        f"{d.isoformat()}T08:30:00",
        f"{d.isoformat()}T08:30:00Z",
        f"{d.isoformat()}T08:30:00+08:00",
        f"{d.isoformat()} 00:00:00.000",
        f"{y}/{m}/{day} 8:30",
        "".join(_CN[int(c)] for c in str(y)) + f"年{_cn_number(m)}月{_cn_number(day)}日",
        _wide(f"{y}-{m:02d}-{day:02d}"),
        f"{_wide(str(y))}年{_wide(str(m))}月{_wide(str(day))}日",
        f"  {d.isoformat()}  ",
    ]


@given(DAYS)
def test_every_spelling_of_a_day_is_that_day(day):
    texts = spellings(day)
    for allow_partial in (False, True):
        parsed = parse_dates(pl.Series("d", texts), allow_partial=allow_partial)
        assert parsed.error.null_count() == len(texts), list(zip(texts, parsed.error, strict=True))
        assert parsed.value.to_list() == [day] * len(texts), texts
        assert parsed.precision.to_list() == [None] * len(texts)
        assert parsed.warning.null_count() == len(texts)


@given(st.integers(1949, 2100), st.integers(1, 12))
def test_year_month_read_as_month_where_allowed_and_refused_elsewhere(year, month):
    texts = [
        f"{year}年{month}月",
        f"{year}年{month:02d}月",
        f"{year}-{month:02d}",
        f"{year}/{month}",
        f"{year}.{month:02d}",
        f"{year}{month:02d}",
    ]
    if month != 1:  # 2023.1 is read as October (below); other one-digit months are plain
        texts.append(f"{year}.{month}")
    allowed = parse_dates(pl.Series("d", texts), allow_partial=True)
    assert allowed.error.null_count() == len(texts)
    assert allowed.value.to_list() == [dt.date(year, month, 1)] * len(texts)
    assert allowed.precision.to_list() == ["month"] * len(texts)
    refused = parse_dates(pl.Series("d", texts), allow_partial=False)
    assert refused.value.null_count() == len(texts)
    assert all("完整日期" in e for e in refused.error), list(refused.error)


@given(st.integers(1949, 2100))
def test_bare_year_is_a_year_never_an_excel_serial(year):
    texts = [str(year), f"{year}年", f"{year} 年", _wide(str(year))]
    allowed = parse_dates(pl.Series("d", texts), allow_partial=True)
    assert allowed.value.to_list() == [dt.date(year, 1, 1)] * len(texts)
    assert allowed.precision.to_list() == ["year"] * len(texts)
    refused = parse_dates(pl.Series("d", texts), allow_partial=False)
    assert refused.value.null_count() == len(texts)
    assert all("年份" in e and "序列号" in e for e in refused.error)


def test_year_month_as_number_is_never_1905():
    # The fault of the issue: 2023.05 became 1905-07-15 (serial 2023).
    for allow in (True, False):
        parsed = parse_dates(
            pl.Series("d", ["2023.05", "2023", "2023.1", "2023.12"]), allow_partial=allow
        )
        assert all(v is None or v.year == 2023 for v in parsed.value)
    parsed = parse_dates(pl.Series("d", ["2023.1", "2023.10", "2023.01"]), allow_partial=True)
    assert parsed.value.to_list() == [
        dt.date(2023, 10, 1),
        dt.date(2023, 10, 1),
        dt.date(2023, 1, 1),
    ]
    assert "10月" in parsed.warning[0] and parsed.warning[1] is None and parsed.warning[2] is None


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(1948, 12, 31)))
def test_serials_before_1949_are_refused_naming_the_date(day):
    # Serials of 1 to 4 digits (up to 1927-05-18) are read as years and refused as such.
    serial = (day - EXCEL_EPOCH).days
    for text in (day.isoformat(), f"{day.year}年{day.month}月{day.day}日"):
        parsed = parse_dates(pl.Series("d", [text]), allow_partial=True)
        assert parsed.value[0] is None and "1949" in parsed.error[0], text
    as_serial = parse_dates(pl.Series("d", [str(serial)]), allow_partial=True)
    if serial < 10_000:  # four digits: a year (1949–2100 accepted as such), never a 1905 day
        assert as_serial.value[0] is None or as_serial.value[0] == dt.date(serial, 1, 1)
        assert as_serial.value[0] is not None or "1949" in as_serial.error[0]
    else:
        assert as_serial.value[0] is None and "1949" in as_serial.error[0]
    if serial >= 10_000:
        assert day.isoformat() in parse_dates(pl.Series("d", [str(serial)])).error[0]


@pytest.mark.parametrize(
    "text", ["2101-01-01", "73416", "2101", "2101年3月", "1948", "1948.12", "17533"]
)
def test_outside_1949_to_2100_is_refused(text):
    parsed = parse_dates(pl.Series("d", [text]), allow_partial=True)
    assert parsed.value[0] is None
    assert "1949" in parsed.error[0] and "2100" in parsed.error[0]


@pytest.mark.parametrize(
    "text",
    [
        "1900-01-01",
        "1900/1/1",
        "1900年1月1日",
        "19000101",
        "1899-12-30",
        "1899-12-31",
        "0",
        "1",
        "0000-00-00",
        "1900-01-01 00:00:00",
        "1900-01-00",  # serial 0 as Excel shows it
        "00:00:00",  # a date cell holding 0, as the reader gives it
        "0:00",
    ],
)
def test_placeholder_dates_are_blank_with_a_warning(text):
    for allow in (True, False):
        parsed = parse_dates(pl.Series("d", [text]), allow_partial=allow)
        assert parsed.value[0] is None and parsed.error[0] is None
        assert "占位日期" in parsed.warning[0]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2023-02-30", "日期不存在"),
        ("2023-13-01", "日期不存在"),
        ("2023.13", "月份"),
        ("2023年0月", "月份"),
        ("明年", "不是日期"),
        ("2023年上半年", "不是日期"),
        ("5/1/2023", "不是日期"),  # day-month order is ambiguous: refused
        ("23-5-1", "不是日期"),
        ("-45047", "不是日期"),
        ("2023-05-01x", "不是日期"),
    ],
)
def test_not_dates_are_refused_with_the_reason(text, reason):
    parsed = parse_dates(pl.Series("d", [text]), allow_partial=True)
    assert parsed.value[0] is None and reason in parsed.error[0]


def test_refusal_says_what_is_accepted():
    error = parse_dates(pl.Series("d", ["soon"])).error[0]
    assert error.startswith("不是日期") and "2023年5月1日" in error and "20230501" in error
    assert "2023年5月、" not in error  # a full date column does not offer year-months
    assert "2023年5月、" in parse_dates(pl.Series("d", ["soon"]), allow_partial=True).error[0]


def test_blank_stays_blank_and_rows_keep_their_order():
    raw = pl.Series("d", [None, "2023-05-01", None, "2024年", "2023-05-01"])
    parsed = parse_dates(raw, allow_partial=True)
    assert parsed.value.to_list() == [
        None,
        dt.date(2023, 5, 1),
        None,
        dt.date(2024, 1, 1),
        dt.date(2023, 5, 1),
    ]
    assert parsed.precision.to_list() == [None, None, None, "year", None]
    assert parsed.error.null_count() == 5
    empty = parse_dates(pl.Series("d", [], dtype=pl.Utf8))
    assert empty.value.len() == 0


def test_single_value_for_forms_and_api():
    assert parse_date_text("2023年5月1日").date == dt.date(2023, 5, 1)
    partial = parse_date_text("2023年5月", allow_partial=True)
    assert (partial.date, partial.precision) == (dt.date(2023, 5, 1), "month")
    assert parse_date_text("1900-01-01") is None and parse_date_text("  ") is None
    with pytest.raises(ValueError, match="完整日期"):
        parse_date_text("2023.05")
