import pytest

from landcycle.lifecycle.models import CalendarYear, Holiday
from landcycle.lifecycle.rules import Period
from landcycle.lifecycle.services import LifecycleError, deadlines
from landcycle.lifecycle.services.calendar import (
    add_year,
    add_year_from_file,
    load_calendar,
    parse_year_csv,
    seed_from_package,
)

from .conftest import d

CSV_2027 = """日期,类型,名称
2027-01-01,放假,元旦
2027-01-02,放假,元旦
2027-01-03,放假,元旦
2027-02-06,放假,春节
2027-02-07,调休上班,春节
"""


@pytest.mark.django_db
def test_seed_is_idempotent():
    seed_from_package()
    count = Holiday.objects.count()
    assert count > 600
    assert seed_from_package() == []
    assert Holiday.objects.count() == count


@pytest.mark.django_db
def test_add_year_makes_2027_known(tmp_path, calendar):
    path = tmp_path / "2027.csv"
    path.write_text(CSV_2027, encoding="utf-8")
    assert add_year_from_file(2027, path, source="国办发明电〔2026〕test") == 5
    cal = load_calendar()
    assert 2027 in cal.known_years
    # Thu 31 Dec 2026 + 1 working day: 1–3 Jan 2027 off → Mon 4 Jan
    assert cal.add_working_days(d("2026-12-31"), 1) == d("2027-01-04")
    assert cal.is_working_day(d("2027-02-07"))  # a Sunday made a workday
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕test"


@pytest.mark.django_db
def test_add_known_year_needs_replace(calendar):
    with pytest.raises(LifecycleError, match="已在节假日表中"):
        add_year(2026, [(d("2026-01-01"), "holiday", "元旦")])


def test_bad_csv_rows_are_all_reported_and_nothing_parsed():
    text = "日期,类型,名称\n2027-13-01,放假,x\n2027-01-01,休假,元旦\n2026-05-01,放假,劳动节\n"
    with pytest.raises(LifecycleError) as info:
        parse_year_csv(text, 2027)
    message = str(info.value)
    assert "第2行" in message and "第3行" in message and "第4行" in message


@pytest.mark.django_db
def test_deadline_into_unknown_year_is_flagged(calendar):
    working = deadlines.compute(d("2026-12-30"), Period(3, "working_days"), calendar)
    assert working.date is None and working.unknown_year == 2027
    assert "2027年节假日安排未知" in working.flag
    days = deadlines.compute(d("2026-12-20"), Period(30, "days"), calendar)
    assert days.date == d("2027-01-19") and days.provisional
    known = deadlines.compute(d("2025-09-01"), Period(30, "days"), calendar)
    assert known.date == d("2025-10-09") and not known.provisional
