import pytest
from django.contrib.auth import get_user_model

from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.available import (
    add_entries,
    approve,
    create_list,
    publish,
    published_available_land,
    suggest_from_stock,
    withdraw,
)
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d
from .factories import StockLandCaseFactory

pytestmark = pytest.mark.django_db


def entry(parcel, **kw):
    base = {
        "parcel": parcel,
        "category": "idle",
        "cost_10k_cny": 1200.0,
        "conditions": "投资强度不低于11000万元/公顷",
        "procedure": "挂牌出让",
        "time_days": 60,
    }
    base.update(kw)
    return base


def test_draft_approve_publish_and_public_fields():
    zone = JurisdictionFactory(name="禹州产业集聚区")
    parcel = ParcelFactory(jurisdiction=zone, name="石龙五期", extra={"secret": "x"})
    StockLandCaseFactory(parcel=parcel)
    land_list = create_list(2025, zone)
    suggested = suggest_from_stock(land_list)
    assert [s["parcel"] for s in suggested] == [parcel]
    add_entries(land_list, [entry(**s) for s in suggested])
    assert published_available_land() == []
    with pytest.raises(LifecycleError, match="须先审核"):
        publish(land_list, on=d("2025-03-01"))
    user = get_user_model().objects.create(username="officer")
    approve(land_list, user=user, on=d("2025-03-01"))
    with pytest.raises(LifecycleError, match="只有草稿"):
        add_entries(land_list, [entry(ParcelFactory(jurisdiction=zone))])
    publish(land_list, on=d("2025-03-02"))
    [row] = published_available_land(2025)
    assert row["parcel_code"] == parcel.code and row["cost_10k_cny"] == 1200.0
    assert row["category_label"] == "闲置"
    assert "holder" not in row and "extra" not in row and "secret" not in str(row)
    withdraw(land_list)
    assert published_available_land() == []


def test_bad_entries_all_reported_and_nothing_written():
    zone = JurisdictionFactory(name="园区A")
    other = JurisdictionFactory(name="园区B")
    land_list = create_list(2025, zone)
    good = ParcelFactory(jurisdiction=zone)
    with pytest.raises(LifecycleError) as info:
        add_entries(
            land_list,
            [
                entry(good),
                entry(ParcelFactory(jurisdiction=other)),
                entry(ParcelFactory(jurisdiction=zone), category="farm", time_days=0, procedure=""),
            ],
        )
    message = str(info.value)
    assert "第2条" in message and "不在园区A范围内" in message
    assert "第3条" in message and "土地类型" in message and "供地周期" in message
    assert not land_list.entries.exists()


def test_empty_list_cannot_be_approved():
    land_list = create_list(2025, JurisdictionFactory())
    with pytest.raises(LifecycleError, match="为空"):
        approve(land_list, user=get_user_model().objects.create(username="u"), on=d("2025-01-01"))
