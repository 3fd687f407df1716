"""Working days, calendar days and months, over a table of official holidays.

Pure functions over a ``WorkCalendar`` (no database here): the holiday table is data that an
administrator extends year by year (the lifecycle's ``Holiday`` / ``CalendarYear`` models), and a
date in a year the table does not cover raises ``CalendarUnknown`` rather than guessing from
weekends alone. Moved down from ``landcycle.lifecycle.workcalendar`` (which re-exports it) so that
the evaluation, which may not import the lifecycle, counts notice periods in working days too.

``official_calendar()`` gives the calendar of the holiday table: the app that keeps the table
registers its loader (``register_source``; the lifecycle does, from its ``ready``); without one,
the years the ``chinese-calendar`` package knows.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol


class CalendarUnknown(LookupError):
    """The official calendar for ``year`` is not known yet (an administrator must add it)."""

    def __init__(self, year: int):
        super().__init__(f"{year}年节假日安排未知 (calendar unknown for {year})")
        self.year = year


class Period(Protocol):
    """A span as a policy states it (e.g. ``lifecycle.rules.Period``): value and unit."""

    value: int
    unit: str  # working_days | days | months | years


@dataclass(frozen=True)
class WorkCalendar:
    """The official working-day calendar of the years it knows: weekends, holidays (放假) and
    make-up workdays (调休) from the State Council's yearly notice, kept as an editable table
    (``lifecycle.services.calendar``; ``chinese-calendar`` stops at 2026). Asking about a year
    it does not know raises ``CalendarUnknown`` rather than guessing."""

    known_years: frozenset[int]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)  # official days off
    workdays: frozenset[dt.date] = field(default_factory=frozenset)  # make-up workdays (调休)

    @classmethod
    def build(cls, known_years: Iterable[int], holidays: Iterable[dt.date] = (), workdays=()):
        """A calendar of ``known_years`` with these days off and make-up workdays (any iterables
        of ``datetime.date``)."""
        return cls(frozenset(known_years), frozenset(holidays), frozenset(workdays))

    def check(self, day: dt.date) -> None:
        """Raise ``CalendarUnknown`` when ``day``'s year is not in the table."""
        if day.year not in self.known_years:
            raise CalendarUnknown(day.year)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is worked: a make-up workday is, a holiday is not, else Monday–Friday.
        Raises ``CalendarUnknown`` for a year not in the table."""
        self.check(day)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (start itself does not count)."""
        if n < 0:
            raise ValueError("n must be ≥ 0")
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def add_days(self, start: dt.date, n: int, roll: bool = False) -> dt.date:
        """``start`` + n calendar days; with ``roll`` a last day off moves to the next working day."""
        end = start + dt.timedelta(days=n)
        return self.next_working_day(end) if roll else end

    def add_months(self, start: dt.date, n: int, roll: bool = False) -> dt.date:
        """``start`` + n months (``add_months``); with ``roll`` a last day off moves to the next
        working day."""
        end = add_months(start, n)
        return self.next_working_day(end) if roll else end

    def add_period(self, start: dt.date, period: Period, roll: bool = False) -> dt.date:
        """The deadline ``period`` after ``start``: working days counted on this calendar, days,
        months or years by the calendar (``roll``: a last day off moves to the next working day),
        as the rules file states periods (seed 003: 3 个工作日; 53号令: 一年, 两年)."""
        if period.unit == "working_days":
            return self.add_working_days(start, period.value)
        if period.unit == "days":
            return self.add_days(start, period.value, roll)
        if period.unit == "months":
            return self.add_months(start, period.value, roll)
        return self.add_months(start, 12 * period.value, roll)


def add_months(start: dt.date, n: int) -> dt.date:
    """Same day n months later; a day past the month's end becomes its last day (1-31 → 2-28/29)."""
    month_index = start.year * 12 + start.month - 1 + n
    year, month = divmod(month_index, 12)
    month += 1
    last = _stdcal.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def add_years(start: dt.date, n: int) -> dt.date:
    """Same day n years later (29 February → 28 February in a common year)."""
    return add_months(start, 12 * n)


def add_calendar_period(start: dt.date, period: Period) -> dt.date:
    """Calendar arithmetic that needs no holiday table (days, months, years only)."""
    if period.unit == "days":
        return start + dt.timedelta(days=period.value)
    if period.unit == "months":
        return add_months(start, period.value)
    if period.unit == "years":
        return add_years(start, period.value)
    raise ValueError("working days need a WorkCalendar")


# ---- the official calendar -------------------------------------------------------------------

_sources: list[Callable[[], WorkCalendar]] = []


def register_source(loader: Callable[[], WorkCalendar]) -> None:
    """Make ``loader`` (no arguments → WorkCalendar) the official calendar's source."""
    _sources[:] = [loader]


def official_calendar() -> WorkCalendar:
    """The holiday table as a WorkCalendar: the registered source's (the lifecycle's table,
    which administrators extend), else the ``chinese-calendar`` package's years."""
    if _sources:
        return _sources[0]()
    return package_calendar()


def package_calendar() -> WorkCalendar:
    """The years, official days off and make-up workdays of the ``chinese-calendar`` package
    (国务院办公厅 notices, as the package transcribes them)."""
    from chinese_calendar import constants

    years = {d.year for d in (*constants.holidays, *constants.workdays)}
    return WorkCalendar.build(years, constants.holidays, constants.workdays)
