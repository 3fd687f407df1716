"""Replace and withdraw (撤回) a document: nothing a user does destroys a record of 一地一档.
A replacement is a new version with the old one kept and marked superseded; a withdrawal hides
the document from the lists, keeps its file and says who, when and why in the change log. Who
may: officers in scope, an enterprise only what its own users uploaded."""

from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.core.models import ChangeRecord
from landcycle.lifecycle.models import Document
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.documents import (
    DocumentRefused,
    amendable,
    attach,
    listed,
    replace,
    withdraw,
)
from tests.factories import EnterpriseFactory, JurisdictionFactory, ParcelFactory
from tests.web.factories import user_with_role

from .factories import ExitCaseFactory
from .samples import EXE, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(media):
    street, other_street = JurisdictionFactory(name="甲街道"), JurisdictionFactory(name="乙街道")
    holder = EnterpriseFactory()
    parcel = ParcelFactory(jurisdiction=street, holder=holder)

    class Place:
        pass

    p = Place()
    p.parcel = parcel
    p.officer = user_with_role("zhang", "street_officer", jurisdiction=street)
    p.officer.first_name = "张三"
    p.officer.save()
    p.stranger = user_with_role("li", "street_officer", jurisdiction=other_street)
    p.zone = user_with_role("wang", "evaluation_officer")
    p.firm = user_with_role("firm", "enterprise_user", enterprise=holder)
    p.colleague = user_with_role("firm2", "enterprise_user", enterprise=holder)
    p.reader = user_with_role("reader", "department_reader")
    return p


def records(document) -> list[ChangeRecord]:
    kind = ContentType.objects.get_for_model(Document)
    return list(
        ChangeRecord.objects.filter(content_type=kind, object_id=document.pk).order_by("pk")
    )


def test_replace_stores_a_new_version_and_keeps_the_old_one_superseded(place, media):
    old = attach(pdf_bytes("v1"), name="合同.pdf", kind="contract", target=place.parcel)
    new = replace(old, pdf_bytes("v2"), name="合同（修订）.pdf", user=place.officer)
    old.refresh_from_db()
    assert (new.version, new.kind, new.title, new.parcel) == (2, "contract", "合同", place.parcel)
    assert new.original_name == "合同（修订）.pdf" and new.uploaded_by == place.officer
    assert new.uploaded_by_name == "张三" and new.is_current
    assert old.superseded_by == new and not old.is_current and old.withdrawn_at is None
    # both files on disk, each its own bytes; both listed, the old one marked by its successor
    assert Path(old.file.path).read_bytes() == pdf_bytes("v1")
    assert Path(new.file.path).read_bytes() == pdf_bytes("v2")
    shown = list(listed(place.officer, place.parcel))
    assert shown == [new, old] and shown[1].superseded_by.uploaded_by_name == "张三"
    # who and when in the change log: the old version now points to the new one
    [*_, change] = records(old)
    assert change.action == "update" and change.after["superseded_by_id"] == new.pk
    assert change.before["superseded_by_id"] is None and change.user_id == place.officer.pk


def test_a_case_document_replaced_stays_on_the_case_and_the_parcel(place):
    case = ExitCaseFactory(parcel=place.parcel)
    old = attach(pdf_bytes(), name="约谈记录.pdf", target=case, internal=True)
    new = replace(old, pdf_bytes("2"), name="约谈记录.pdf", user=place.zone, title="约谈记录（补）")
    assert (new.exit_case, new.parcel, new.internal) == (case, place.parcel, True)
    assert new.title == "约谈记录（补）"


def test_withdraw_hides_the_document_keeps_the_file_and_logs_who_and_why(place, media):
    document = attach(png_bytes(), name="现场.png", kind="photo", target=place.parcel)
    path = Path(document.file.path)
    with pytest.raises(LifecycleError, match="请填写撤回理由"):
        withdraw(document, user=place.officer, reason="  ")
    assert Document.objects.get(pk=document.pk).withdrawn_at is None

    withdraw(document, user=place.officer, reason="误传他宗地照片")
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawn_by == place.officer
    assert (document.withdrawn_by_name, document.withdrawal_reason) == ("张三", "误传他宗地照片")
    assert path.read_bytes() == png_bytes()  # the file is kept
    assert Document.objects.filter(pk=document.pk).exists()  # and the record
    assert list(listed(place.officer, place.parcel)) == []
    assert list(listed(place.zone, place.parcel)) == []
    [*_, change] = records(document)
    assert (
        change.user_id == place.officer.pk and change.after["withdrawal_reason"] == "误传他宗地照片"
    )
    assert change.before["withdrawn_at"] is None and change.after["withdrawn_at"]
    # withdrawn is final: neither replaced nor withdrawn again
    with pytest.raises(LifecycleError, match="已撤回"):
        replace(document, pdf_bytes(), name="a.pdf", user=place.officer)
    with pytest.raises(LifecycleError, match="已撤回"):
        withdraw(document, user=place.officer, reason="再撤")


def test_a_superseded_version_cannot_be_replaced_again(place, media):
    old = attach(pdf_bytes("1"), name="a.pdf", target=place.parcel)
    replace(old, pdf_bytes("2"), name="a.pdf", user=place.officer)
    old.refresh_from_db()
    with pytest.raises(LifecycleError, match="已被新版本替换"):
        replace(old, pdf_bytes("3"), name="a.pdf", user=place.officer)
    assert Document.objects.count() == 2
    assert len([p for p in Path(media).rglob("*") if p.is_file()]) == 2


def test_a_refused_replacement_writes_nothing(place, media):
    old = attach(pdf_bytes(), name="a.pdf", target=place.parcel)
    with pytest.raises(DocumentRefused, match="不是可接收的类型"):
        replace(old, SimpleUploadedFile("b.pdf", EXE), user=place.officer)
    old.refresh_from_db()
    assert old.is_current and Document.objects.count() == 1
    assert len([p for p in Path(media).rglob("*") if p.is_file()]) == 1


def test_who_may_amend(place):
    notice = attach(pdf_bytes(), name="通知.pdf", kind="notice", target=place.parcel)
    own = attach(pdf_bytes("own"), name="材料.pdf", target=place.parcel, user=place.firm)
    internal = attach(pdf_bytes("in"), name="内部.pdf", target=place.parcel, internal=True)

    def may(user):
        return set(amendable(user))

    assert may(place.officer) == may(place.zone) == {notice, own, internal}
    assert may(place.stranger) == set()  # another street's officer
    assert may(place.reader) == set()  # readers never change anything
    # the enterprise: what its own users uploaded, never a notice addressed to it
    assert may(place.firm) == may(place.colleague) == {own}
    with pytest.raises(LifecycleError, match="无权撤回"):
        withdraw(notice, user=place.firm, reason="不认可")
    with pytest.raises(LifecycleError, match="无权替换"):
        replace(notice, pdf_bytes(), name="a.pdf", user=place.stranger)
    new = replace(own, pdf_bytes("own2"), name="材料.pdf", user=place.colleague)
    assert new.version == 2 and may(place.firm) == {new}
