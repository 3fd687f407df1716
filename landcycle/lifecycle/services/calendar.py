"""The holiday table: seeding it from chinese-calendar, adding a year, loading a WorkCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from django.db import transaction

from ..models import CalendarYear, Holiday
from ..workcalendar import CalendarUnknown, WorkCalendar
from . import LifecycleError

__all__ = ["CalendarUnknown", "add_year", "load_calendar", "parse_year_csv", "seed_from_package"]

KIND_NAMES = {
    "放假": "holiday",
    "休息": "holiday",
    "holiday": "holiday",
    "调休上班": "workday",
    "上班": "workday",
    "补班": "workday",
    "workday": "workday",
}


def package_table() -> tuple[set[int], list[tuple[dt.date, str, str]]]:
    """Years and days chinese-calendar knows: (years, [(date, kind, Chinese name)])."""
    from chinese_calendar import Holiday as PackageHoliday
    from chinese_calendar import constants

    chinese = {h.value[0]: h.value[1] for h in PackageHoliday}
    rows = [(d, "holiday", chinese.get(n, n)) for d, n in constants.holidays.items()]
    rows += [(d, "workday", chinese.get(n, n)) for d, n in constants.workdays.items()]
    years = {d.year for d, _, _ in rows}
    return years, rows


def seed_rows(calendar_year_model, holiday_model, years, rows, source) -> int:
    """Insert the years not in the table yet (works with historical models in migrations)."""
    known = set(calendar_year_model.objects.values_list("year", flat=True))
    new_years = sorted(set(years) - known)
    holiday_model.objects.bulk_create(
        [holiday_model(date=d, kind=k, name=n) for d, k, n in rows if d.year in new_years]
    )
    calendar_year_model.objects.bulk_create(
        [calendar_year_model(year=y, source=source) for y in new_years]
    )
    return len(new_years)


def seed_from_package() -> list[int]:
    """Add every year chinese-calendar knows and the table lacks; returns the years added."""
    import chinese_calendar

    years, rows = package_table()
    before = set(CalendarYear.objects.values_list("year", flat=True))
    with transaction.atomic():
        seed_rows(
            CalendarYear, Holiday, years, rows, f"chinese-calendar {chinese_calendar.__version__}"
        )
    return sorted(set(years) - before)


def parse_year_csv(text: str, year: int) -> list[tuple[dt.date, str, str]]:
    """Rows ``日期,类型,名称`` (类型: 放假 or 调休上班); every error names its line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows, errors, seen = [], [], set()
    for number, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip() in ("日期", "date"):
            continue
        cells = [c.strip() for c in row] + ["", ""]
        try:
            day = dt.date.fromisoformat(cells[0])
        except ValueError:
            errors.append(f"第{number}行: 日期 {cells[0]!r} 不是 YYYY-MM-DD")
            continue
        kind = KIND_NAMES.get(cells[1])
        if kind is None:
            errors.append(f"第{number}行: 类型 {cells[1]!r} 应为 放假 或 调休上班")
        elif day.year != year:
            errors.append(f"第{number}行: {day} 不在 {year} 年")
        elif day in seen:
            errors.append(f"第{number}行: {day} 重复")
        else:
            seen.add(day)
            rows.append((day, kind, cells[2]))
    if not rows and not errors:
        errors.append("没有任何日期")
    if errors:
        raise LifecycleError("; ".join(errors))
    return rows


def add_year(year: int, rows, source: str = "", replace: bool = False) -> int:
    """Record ``year``'s official days off and make-up workdays; the year becomes known."""
    if any(day.year != year for day, _, _ in rows):
        raise LifecycleError(f"all dates must be in {year}")
    with transaction.atomic():
        exists = CalendarYear.objects.filter(year=year).exists()
        if exists and not replace:
            raise LifecycleError(f"{year} 年已在节假日表中 (use --replace to overwrite)")
        Holiday.objects.filter(date__year=year).delete()
        CalendarYear.objects.filter(year=year).delete()
        Holiday.objects.bulk_create([Holiday(date=d, kind=k, name=n) for d, k, n in rows])
        CalendarYear.objects.create(year=year, source=source)
    return len(rows)


def add_year_from_file(year: int, path: Path, source: str = "", replace: bool = False) -> int:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LifecycleError(f"{path}: {exc.strerror}") from exc
    try:
        rows = parse_year_csv(text, year)
    except LifecycleError as exc:
        raise LifecycleError(f"{path}: {exc}") from exc
    return add_year(year, rows, source or Path(path).name, replace)


def load_calendar() -> WorkCalendar:
    """The calendar in the database: two queries."""
    years = CalendarYear.objects.values_list("year", flat=True)
    holidays, workdays = [], []
    for day, kind in Holiday.objects.values_list("date", "kind"):
        (workdays if kind == Holiday.Kind.WORKDAY else holidays).append(day)
    return WorkCalendar.build(years, holidays, workdays)
