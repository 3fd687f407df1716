"""The parcel card shows the land-market record: holder as written, 电子监管号, price, partial dates."""

import datetime as dt

import pytest
from django.urls import reverse

from landcycle.ledger.models import IndicatorReport, Parcel
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def test_parcel_card_shows_land_market_fields(world):
    w = world
    Parcel.objects.filter(pk=w.parcel_b.pk).update(
        holder=None,
        holder_name="宁波某某模具有限公司",
        supervision_number="3302062015B00123",
        price_10k_cny=1234.5,
        agreed_delivery=dt.date(2015, 3, 1),
        agreed_delivery_precision="month",
        agreed_start=dt.date(2016, 1, 1),
        agreed_start_precision="year",
    )
    client = client_for(w.users["evaluation_officer"])
    page = client.get(reverse("ledger:parcel_detail", args=[w.parcel_b.pk])).content.decode()
    for expected in (
        "土地使用权人 (原文)",
        "宁波某某模具有限公司",
        "未匹配到企业",
        "3302062015B00123",
        "成交价格 (万元)",
        "1234.5",
        "约定交地",
        "2015年3月",
        "2016年 /",
    ):
        assert expected in page, expected


def test_api_gives_the_new_parcel_and_indicator_fields(world):
    w = world
    Parcel.objects.filter(pk=w.parcel_b.pk).update(
        holder_name="乙化工 有限公司", supervision_number="3302062015B00123", term_years=50.0,
        agreed_delivery=dt.date(2015, 3, 1), agreed_delivery_precision="month",
    )  # fmt: skip
    IndicatorReport.objects.filter(parcel=w.parcel_b).update(electricity_kwh=1.5e6, water_t=3e3)
    client = client_for(w.users["evaluation_officer"])
    parcel = client.get(f"/api/parcels/{w.parcel_b.pk}/").json()
    assert parcel["holder_name"] == w.parcel_b.holder.name  # the enterprise's, as before
    assert parcel["holder_name_recorded"] == "乙化工 有限公司"
    assert (parcel["supervision_number"], parcel["term_years"]) == ("3302062015B00123", 50.0)
    assert (parcel["agreed_delivery"], parcel["agreed_delivery_precision"]) == (
        "2015-03-01",
        "month",
    )
    reports = client.get(f"/api/indicator-reports/?parcel={w.parcel_b.pk}").json()["results"]
    assert reports and {(r["electricity_kwh"], r["water_t"]) for r in reports} == {(1.5e6, 3e3)}
