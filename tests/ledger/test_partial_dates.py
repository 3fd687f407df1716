import datetime as dt

import pytest

from landcycle.ledger.models import DatePrecision, Parcel, partial_date_text


@pytest.mark.parametrize(
    "precision,text",
    [
        (DatePrecision.YEAR, "2023年"),
        (DatePrecision.MONTH, "2023年5月"),
        (DatePrecision.DAY, "2023-05-01"),
    ],
)
def test_partial_date_text(precision, text):
    assert partial_date_text(dt.date(2023, 5, 1), precision) == text


def test_parcel_shows_agreed_dates_as_given():
    parcel = Parcel(
        agreed_delivery=dt.date(2023, 5, 1),
        agreed_delivery_precision="month",
        agreed_start=dt.date(2024, 1, 1),
        agreed_start_precision="year",
        agreed_completion=dt.date(2025, 6, 30),
    )
    assert parcel.agreed_delivery_shown == "2023年5月"
    assert parcel.agreed_start_shown == "2024年"
    assert parcel.agreed_completion_shown == "2025-06-30"
    assert parcel.agreed_attainment_shown == ""
