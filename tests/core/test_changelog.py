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


def test_actor_name_is_copied_and_kept_when_the_user_is_deleted():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("officer_wang", first_name="王")
    with changes_by(user_id=user.pk, source="test"):
        enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司")
    user.delete()
    record = ChangeRecord.objects.get(object_id=enterprise.pk)
    assert record.user_id is None
    assert record.actor_name == "王 (officer_wang)"


def test_command_line_changes_name_the_account():
    with changes_by(source="cli test"):
        enterprise = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司")
    assert ChangeRecord.objects.get(object_id=enterprise.pk).actor_name.startswith("命令行")


def test_queryset_update_is_recorded_row_by_row():
    a = Enterprise.objects.create(uscc="91110000600037341L", name="甲公司", scale="above")
    b = Enterprise.objects.create(uscc="91110000MA0000001T", name="乙公司", scale="below")
    with changes_by(source="bulk fix", user_name="测试"):
        assert Enterprise.objects.filter(pk__in=[a.pk, b.pk]).update(scale="above") == 2
    updates = ChangeRecord.objects.filter(action="update")
    # b changed, a already had the value: one record, with before and after.
    record = updates.get()
    assert (record.object_id, record.before, record.after) == (
        b.pk,
        {"scale": "below"},
        {"scale": "above"},
    )
    assert (record.source, record.actor_name) == ("bulk fix", "测试")


def test_import_links_its_change_records_to_the_batch(tmp_path):
    from landcycle.imports.models import ImportBatch
    from landcycle.imports.services import run_import
    from tests.imports.workbooks import district, write_xlsx

    path = write_xlsx(tmp_path / "d.xlsx", district())
    result = run_import([path])
    batch = ImportBatch.objects.get(pk=result.batch.pk)
    records = ChangeRecord.objects.filter(operation_id=batch.pk)
    assert records.count() == ChangeRecord.objects.count() > 0
    assert {r.operation for r in records[:5]} == {batch}
