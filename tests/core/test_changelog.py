import pytest

from landcycle.core.context import changes_by
from landcycle.core.models import ChangeRecord
from landcycle.ledger.models import Enterprise

pytestmark = pytest.mark.django_db


def test_single_save_records_before_and_after():
    with changes_by(source="test"):
        enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司")
        enterprise.name = "乙公司"
        enterprise.save()
    records = list(ChangeRecord.objects.filter(object_id=enterprise.pk).order_by("id"))
    assert [r.action for r in records] == ["create", "update"]
    assert records[1].before["name"] == "甲公司"
    assert records[1].after["name"] == "乙公司"
    assert records[1].source == "test"


def test_unchanged_save_records_nothing():
    enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司")
    enterprise.save()
    assert ChangeRecord.objects.filter(object_id=enterprise.pk).count() == 1


def test_delete_recorded():
    enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司")
    pk = enterprise.pk
    enterprise.delete()
    assert (
        ChangeRecord.objects.filter(object_id=pk, action="delete").get().before["name"] == "甲公司"
    )
