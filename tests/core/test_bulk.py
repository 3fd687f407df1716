import datetime as dt

import pytest

from landcycle.core.bulk import bulk_insert, bulk_update
from landcycle.core.changelog import record_bulk
from landcycle.core.models import ChangeRecord
from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel

pytestmark = pytest.mark.django_db


def test_bulk_insert_and_update_round_trip():
    street = Jurisdiction.objects.create(name="新碶街道")
    rows = [
        (f"P{i}", street.pk, 1000.0 + i, dt.date(2020, 1, 1 + i), {"备注": "中文"}, i % 2 == 0)
        for i in range(5)
    ]
    bulk_insert(
        Parcel,
        [
            "code",
            "jurisdiction_id",
            "registered_area_m2",
            "agreed_start",
            "extra",
            "in_control_line",
        ],
        rows,
    )
    parcels = list(Parcel.objects.order_by("code"))
    assert [p.code for p in parcels] == [f"P{i}" for i in range(5)]
    assert parcels[2].agreed_start == dt.date(2020, 1, 3)
    assert parcels[0].extra == {"备注": "中文"}
    assert parcels[0].in_control_line is True and parcels[1].in_control_line is False

    bulk_update(
        Parcel, ["registered_area_m2", "agreed_start"], [(p.pk, 5.0, None) for p in parcels]
    )
    assert set(Parcel.objects.values_list("registered_area_m2", flat=True)) == {5.0}
    assert Parcel.objects.filter(agreed_start__isnull=True).count() == 5


def test_record_bulk_writes_one_record_per_change():
    enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲")
    before = ChangeRecord.objects.count()
    record_bulk(
        Enterprise,
        [
            (enterprise.pk, "甲", None, {"name": "甲"}),
            (enterprise.pk, "甲", {"name": "甲"}, {"name": "乙"}),
        ],
    )
    records = list(ChangeRecord.objects.order_by("id")[before:])
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].after == {"name": "乙"}
