"""Numbers without float noise, as every page and export of the frame shows them."""

import pytest
from django.template import Context, Template

from landcycle.web.formatting import day, ha_mu, number, rounded


@pytest.mark.parametrize(
    "value, digits, shown",
    [
        (61525.99999999999, 2, "61,526"),
        (0.1 + 0.2, 2, "0.3"),
        (2.675, 2, "2.68"),  # as written, half up (the binary value is 2.67499…)
        (-0.001, 2, "0"),
        (1234567.125, 1, "1,234,567.1"),
        (12, 2, "12"),
        (None, 2, ""),
        (float("nan"), 2, "—"),
        ("abc", 2, "abc"),
        ("2024", 2, "2024"),  # a text of digits (a code) stays as written
    ],
)
def test_number(value, digits, shown):
    assert number(value, digits) == shown


def test_rounded_and_areas():
    assert rounded(61525.99999999999) == 61526.0 and rounded(None) is None
    assert ha_mu(20_000.0) == "2 公顷（30 亩）"
    assert ha_mu(12_345.6) == "1.23 公顷（18.52 亩）"


def test_template_filters():
    html = Template("{% load web_tags %}{{ v|number }} {{ v|number:0 }} {{ a|ha_mu }}").render(
        Context({"v": 1234.5678, "a": 10_000})
    )
    assert html == "1,234.57 1,235 1 公顷（15 亩）"


def test_day_reads_as_a_list_date():
    import datetime as dt

    assert day(dt.date(2026, 9, 1)) == "2026-09-01" and day(None) == "—"
