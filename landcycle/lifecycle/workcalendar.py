"""Working days, calendar days and months, over a table of official holidays.

Pure functions over a ``WorkCalendar`` (no database here): the holiday table is data that an
administrator extends year by year (``Holiday`` / ``CalendarYear`` models), and a date in a year
the table does not cover raises ``CalendarUnknown`` rather than guessing from weekends alone.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .rules import Period


class CalendarUnknown(LookupError):
    """The official calendar for ``year`` is not known yet (an administrator must add it)."""

    def __init__(self, year: int):
        super().__init__(f"{year}年节假日安排未知 (calendar unknown for {year})")
        self.year = year


@dataclass(frozen=True)
class WorkCalendar:
    known_years: frozenset[int]
    holidays: frozenset[dt.date] = field(default_factory=frozenset)  # official days off
    workdays: frozenset[dt.date] = field(default_factory=frozenset)  # make-up workdays (调休)

    @classmethod
    def build(cls, known_years: Iterable[int], holidays: Iterable[dt.date] = (), workdays=()):
        return cls(frozenset(known_years), frozenset(holidays), frozenset(workdays))

    def check(self, day: dt.date) -> None:
        if day.year not in self.known_years:
            raise CalendarUnknown(day.year)

    def is_working_day(self, day: dt.date) -> bool:
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
        end = add_months(start, n)
        return self.next_working_day(end) if roll else end

    def add_period(self, start: dt.date, period: Period, roll: bool = False) -> dt.date:
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
