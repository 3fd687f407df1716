"""Deadline arithmetic across holidays, make-up workdays (调休) and year ends."""

import datetime as dt

import pytest

from landcycle.lifecycle.rules import Period
from landcycle.lifecycle.workcalendar import CalendarUnknown, WorkCalendar, add_months

from .conftest import d


def test_seeded_years_cover_chinese_calendar_and_stop_at_2026(calendar):
    assert {2004, 2025, 2026} <= calendar.known_years
    assert 2027 not in calendar.known_years


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2025-10-01", False),  # National Day, Wednesday
        ("2025-10-08", False),  # last day of the Golden Week, Wednesday
        ("2025-09-28", True),  # Sunday made a workday
        ("2025-10-11", True),  # Saturday made a workday
        ("2025-10-12", False),  # ordinary Sunday
        ("2026-01-01", False),  # New Year's Day
        ("2026-01-04", True),  # Sunday made a workday after New Year 2026
        ("2025-12-31", True),  # ordinary Wednesday
        ("2026-02-14", True),  # Saturday before Spring Festival 2026
    ],
)
def test_is_working_day(calendar, day, working):
    assert calendar.is_working_day(d(day)) is working


def test_working_days_skip_golden_week_and_count_makeup_saturday(calendar):
    # Tue 30 Sep + 3: 1–8 Oct off, Thu 9 (1), Fri 10 (2), Sat 11 make-up workday (3)
    assert calendar.add_working_days(d("2025-09-30"), 3) == d("2025-10-11")


def test_working_days_across_year_end(calendar):
    # Tue 30 Dec 2025 + 3: Wed 31 (1), 1–3 Jan off, Sun 4 Jan make-up (2), Mon 5 (3)
    assert calendar.add_working_days(d("2025-12-30"), 3) == d("2026-01-05")


def test_working_days_into_an_unknown_year_raise(calendar):
    with pytest.raises(CalendarUnknown) as info:
        calendar.add_working_days(d("2026-12-30"), 3)
    assert info.value.year == 2027
    assert "2027" in str(info.value)


def test_is_working_day_unknown_year_is_never_guessed_from_weekends(calendar):
    with pytest.raises(CalendarUnknown):
        calendar.is_working_day(d("2027-03-03"))  # an ordinary Wednesday, still unknown


def test_zero_working_days_is_the_start(calendar):
    assert calendar.add_working_days(d("2025-10-01"), 0) == d("2025-10-01")


def test_calendar_days_roll_off_a_holiday(calendar):
    # 1 Sep 2025 + 30 days = 1 Oct (National Day) → first working day after the holiday
    assert calendar.add_days(d("2025-09-01"), 30) == d("2025-10-01")
    assert calendar.add_days(d("2025-09-01"), 30, roll=True) == d("2025-10-09")


def test_calendar_days_roll_lands_on_makeup_saturday(calendar):
    # Fri 10 Oct + 1 = Sat 11 Oct, a make-up workday: it stays
    assert calendar.add_days(d("2025-10-10"), 1, roll=True) == d("2025-10-11")


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2025-08-31", 6, "2026-02-28"),  # across the year end
        ("2025-03-31", -1, "2025-02-28"),
        ("2025-12-15", 1, "2026-01-15"),
        ("2025-05-30", 9, "2026-02-28"),
    ],
)
def test_add_months_end_of_month(start, months, end):
    assert add_months(d(start), months) == d(end)


def test_add_months_roll(calendar):
    # 1 Apr 2025 + 6 months = 1 Oct 2025, a holiday → 9 Oct
    assert calendar.add_months(d("2025-04-01"), 6, roll=True) == d("2025-10-09")


def test_add_period_years_and_working_days(calendar):
    assert calendar.add_period(d("2024-02-29"), Period(1, "years")) == d("2025-02-28")
    assert calendar.add_period(d("2025-09-30"), Period(3, "working_days")) == d("2025-10-11")


def test_working_days_between(calendar):
    assert calendar.working_days_between(d("2025-09-30"), d("2025-10-11")) == 3


def test_handmade_calendar_without_the_package():
    cal = WorkCalendar.build({2030}, holidays={d("2030-01-01")}, workdays={d("2030-01-05")})
    assert cal.add_working_days(d("2029-12-31") + dt.timedelta(days=0), 0) == d("2029-12-31")
    assert cal.add_working_days(d("2030-01-01"), 3) == d("2030-01-04")  # Wed 2, Thu 3, Fri 4
    assert cal.add_working_days(d("2030-01-03"), 2) == d("2030-01-05")  # Fri 4, Sat 5 make-up
    with pytest.raises(ValueError):
        cal.add_working_days(d("2030-01-01"), -1)


def test_bad_period_unit_is_refused():
    with pytest.raises(ValueError):
        Period(3, "weeks")
