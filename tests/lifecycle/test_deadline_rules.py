"""Every deadline rule of rules.toml across holidays, make-up workdays and year ends."""

import pytest

from landcycle.lifecycle.rules import Period, rules
from landcycle.lifecycle.services import deadlines

from .conftest import d

RULES = {
    "admission_3_working_days": ("admission", "initial_assessment", Period(3, "working_days")),
    "exit_interview_30_days": ("exit", "interview_within", Period(30, "days")),
    "exit_rectification_6_months": ("exit", "rectification_period", Period(6, "months")),
    "exit_deadline_3_months": ("exit", "exit_deadline", Period(3, "months")),
    "stock_disposal_6_months": ("stockland", "disposal_deadline", Period(6, "months")),
}

CASES = [
    # rule, start, expected, why
    (
        "admission_3_working_days",
        "2025-09-30",
        "2025-10-11",
        "Golden Week, then a make-up Saturday",
    ),
    ("admission_3_working_days", "2025-12-30", "2026-01-05", "New Year, a make-up Sunday counts"),
    (
        "admission_3_working_days",
        "2026-02-12",
        "2026-02-24",
        "Spring Festival 2026 after make-up Sat 14 Feb",
    ),
    ("admission_3_working_days", "2025-04-30", "2025-05-08", "Labour Day 1–5 May"),
    (
        "exit_interview_30_days",
        "2025-09-01",
        "2025-10-09",
        "ends 1 Oct, rolls past the Golden Week",
    ),
    (
        "exit_interview_30_days",
        "2025-12-02",
        "2026-01-04",
        "ends 1 Jan, rolls onto make-up Sunday 4 Jan",
    ),
    (
        "exit_interview_30_days",
        "2025-09-11",
        "2025-10-11",
        "ends on make-up Saturday 11 Oct: stays",
    ),
    ("exit_interview_30_days", "2025-03-04", "2025-04-03", "an ordinary Thursday"),
    ("exit_rectification_6_months", "2025-04-01", "2025-10-09", "ends 1 Oct"),
    ("exit_rectification_6_months", "2025-07-01", "2026-01-04", "ends 1 Jan 2026"),
    ("exit_rectification_6_months", "2025-08-31", "2026-02-28", "end of month, make-up Saturday"),
    ("exit_rectification_6_months", "2025-09-01", "2026-03-02", "ends Sun 1 Mar → Monday"),
    ("exit_deadline_3_months", "2025-07-01", "2025-10-09", "ends 1 Oct"),
    ("exit_deadline_3_months", "2025-10-01", "2026-01-04", "ends 1 Jan"),
    ("exit_deadline_3_months", "2025-11-30", "2026-02-28", "clamped to 28 Feb, a make-up Saturday"),
    ("stock_disposal_6_months", "2025-11-15", "2026-05-15", "an ordinary Friday"),
    ("stock_disposal_6_months", "2025-11-01", "2026-05-06", "ends 1 May 2026, Labour Day 1–5 May"),
]


def test_rule_periods_are_the_seeds():
    for section, key, period in RULES.values():
        assert rules().period(section, key) == period


@pytest.mark.parametrize(("rule", "start", "expected", "why"), CASES)
def test_deadline(calendar, rule, start, expected, why):
    section, key, _ = RULES[rule]
    result = deadlines.compute(d(start), rules().period(section, key), calendar)
    assert result.date == d(expected), why
    assert not result.provisional


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        ("admission_3_working_days", "2026-12-30", None),
        ("exit_interview_30_days", "2026-12-15", "2027-01-14"),
        ("exit_rectification_6_months", "2026-07-31", "2027-01-31"),
        ("exit_deadline_3_months", "2026-11-30", "2027-02-28"),
        ("stock_disposal_6_months", "2026-12-31", "2027-06-30"),
    ],
)
def test_deadline_into_2027_is_flagged_not_guessed(calendar, rule, start, expected):
    section, key, _ = RULES[rule]
    result = deadlines.compute(d(start), rules().period(section, key), calendar)
    assert result.provisional and result.unknown_year == 2027
    assert result.date == (d(expected) if expected else None)
