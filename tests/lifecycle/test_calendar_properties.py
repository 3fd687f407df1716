"""Properties of the calendar arithmetic over every date chinese-calendar knows."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from landcycle.lifecycle.services.calendar import package_table
from landcycle.lifecycle.workcalendar import WorkCalendar, add_months

_years, _rows = package_table()
CAL = WorkCalendar.build(
    _years,
    [d for d, k, _ in _rows if k == "holiday"],
    [d for d, k, _ in _rows if k == "workday"],
)
# Late enough in 2026 to cross year ends, early enough that start + 40 days (+ rolling) stays in
# the known years: beyond them the calendar refuses (tested in test_workcalendar).
dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 11, 15))


@settings(max_examples=300, deadline=None)
@given(dates, st.integers(min_value=1, max_value=20))
def test_add_working_days_lands_on_the_nth_working_day(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.is_working_day(end)
    assert CAL.working_days_between(start, end) == n
    assert CAL.working_days_between(start, end - dt.timedelta(days=1)) == n - 1


@settings(max_examples=300, deadline=None)
@given(dates, st.integers(min_value=0, max_value=40))
def test_rolled_days_end_on_the_first_working_day_not_before(start, n):
    end = CAL.add_days(start, n, roll=True)
    plain = start + dt.timedelta(days=n)
    assert end >= plain and CAL.is_working_day(end)
    day = plain
    while day < end:
        assert not CAL.is_working_day(day)
        day += dt.timedelta(days=1)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.integers(min_value=-60, max_value=60),
)
def test_add_months_keeps_the_day_or_clamps_to_month_end(start, n):
    end = add_months(start, n)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == n
    next_day = end + dt.timedelta(days=1)
    assert end.day == start.day or (end.day < start.day and next_day.day == 1)
