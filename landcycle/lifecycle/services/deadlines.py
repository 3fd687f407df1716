"""Deadlines from the rules and the holiday table, flagged when the calendar year is unknown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..rules import Period, rules
from ..workcalendar import CalendarUnknown, WorkCalendar, add_calendar_period


@dataclass(frozen=True)
class Deadline:
    date: dt.date | None  # None: cannot be computed (working days into an unknown year)
    unknown_year: int | None = None  # set when the holiday table lacks a year the period touches

    @property
    def provisional(self) -> bool:
        return self.unknown_year is not None

    @property
    def flag(self) -> str:
        if self.unknown_year is None:
            return ""
        if self.date is None:
            return f"{self.unknown_year}年节假日安排未知，无法按工作日计算期限"
        return f"{self.unknown_year}年节假日安排未知，期限未按节假日顺延"


def compute(start: dt.date, period: Period, calendar: WorkCalendar) -> Deadline:
    """``start`` + ``period``; a calendar-day period ending on a day off rolls to the next
    working day (民法典 第二百零三条) when the rules say so."""
    roll = bool(rules().get("calendar", "roll_calendar_deadlines_to_working_day"))
    try:
        return Deadline(calendar.add_period(start, period, roll=roll))
    except CalendarUnknown as exc:
        if period.unit == "working_days":
            return Deadline(None, exc.year)
        return Deadline(add_calendar_period(start, period), exc.year)


def store(instance, field: str, deadline: Deadline) -> None:
    """Set ``instance.<field>`` and its entry in ``instance.deadline_flags``."""
    setattr(instance, field, deadline.date)
    flags = dict(instance.deadline_flags or {})
    if deadline.provisional:
        flags[field] = deadline.flag
    else:
        flags.pop(field, None)
    instance.deadline_flags = flags
