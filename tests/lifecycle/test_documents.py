"""Documents (一地一档): attach checks type by content and size, stores outside the web root and
writes nothing when it refuses; the row rule lets a case's document follow its case."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.core.permissions import Action
from landcycle.lifecycle.models import Document
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.documents import (
    DocumentRefused,
    attach,
    clean_name,
    of_parcel,
)
from tests.factories import EnterpriseFactory, JurisdictionFactory, ParcelFactory
from tests.web.factories import UserFactory, user_with_role

from .factories import ExitCaseFactory, StockLandCaseFactory
from .samples import EXE, HTML, docx_bytes, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def test_an_upload_is_stored_with_who_when_and_its_checked_type(media, change_context):
    parcel = ParcelFactory()
    officer = user_with_role("zhang", "street_officer", jurisdiction=parcel.jurisdiction)
    officer.first_name, officer.last_name = "三", "张"
    officer.save()
    content = png_bytes()
    upload = SimpleUploadedFile("现场照片.PNG", content, content_type="application/octet-stream")
    document = attach(upload, kind="photo", target=parcel, user=officer)
    document.refresh_from_db()
    assert (document.parcel, document.kind, document.title) == (parcel, "photo", "现场照片")
    assert document.original_name == "现场照片.PNG"
    assert document.content_type == "image/png"  # from the bytes, not the browser's word
    assert document.size_bytes == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.uploaded_by == officer and document.uploaded_by_name
    assert document.uploaded_at is not None and not document.internal
    [path] = stored_files(media)
    assert path.read_bytes() == content
    assert path.name == document.sha256[:32] + ".png"  # named by content, no user text on disk
    assert Path(document.file.path) == path


def test_a_generated_notice_attaches_to_its_case_and_its_parcel(media):
    case = ExitCaseFactory()
    document = attach(
        docx_bytes(), name="限期整改通知书.docx", kind="notice", target=case, title="限期整改通知书"
    )
    assert document.exit_case == case and document.parcel == case.parcel
    assert document.content_type.endswith("wordprocessingml.document")
    assert list(Document.objects.filter(of_parcel(case.parcel))) == [document]


def test_documents_of_a_case_whose_parcel_came_later_are_on_the_parcel_file(media):
    case = StockLandCaseFactory()
    document = attach(pdf_bytes(), name="处置方案.pdf", target=case)
    Document.objects.filter(pk=document.pk).update(parcel=None)  # as if attached before
    assert list(Document.objects.filter(of_parcel(case.parcel))) == [document]
    assert not Document.objects.filter(of_parcel(ParcelFactory())).exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("page.pdf", HTML, "的内容不是可接收的类型"),
        ("tool.png", EXE, "识别为 Windows 可执行程序，application/x-msdownload"),
        ("photo.pdf", png_bytes(), "扩展名“.pdf”与内容（PNG 图片）不符"),
        ("scan", pdf_bytes(), "扩展名“无”与内容（PDF）不符"),
        ("empty.pdf", b"", "是空文件（0 字节）"),
    ],
)
def test_refused_files_say_why_and_store_nothing(media, name, content, message):
    parcel = ParcelFactory()
    with pytest.raises(DocumentRefused) as refused:
        attach(SimpleUploadedFile(name, content), target=parcel)
    assert message in str(refused.value) and "未保存" in str(refused.value)
    assert Document.objects.count() == 0 and stored_files(media) == []


def test_a_file_over_the_size_setting_is_refused(media, settings):
    settings.LANDCYCLE_UPLOAD_MAX_MB = 0.001  # 1,048 bytes
    big = pdf_bytes("x" * 2000)
    with pytest.raises(DocumentRefused, match="大小 2 KB，超过上限 1 KB，未保存"):
        attach(SimpleUploadedFile("big.pdf", big), target=ParcelFactory())
    assert Document.objects.count() == 0 and stored_files(media) == []
    settings.LANDCYCLE_UPLOAD_MAX_MB = 1
    assert attach(SimpleUploadedFile("big.pdf", big), target=ParcelFactory()).size_bytes == len(big)


def test_the_size_limit_comes_from_the_environment_too(media, settings, monkeypatch):
    settings.LANDCYCLE_UPLOAD_MAX_MB = None
    monkeypatch.setenv("LANDCYCLE_UPLOAD_MAX_MB", "0.0001")
    with pytest.raises(DocumentRefused, match="超过上限"):
        attach(pdf_bytes(), name="a.pdf", target=ParcelFactory())


def test_a_failed_save_leaves_no_file(media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(Document, "save", fail)
    with pytest.raises(RuntimeError):
        attach(pdf_bytes(), name="a.pdf", target=ParcelFactory())
    assert stored_files(media) == []


def test_bad_kind_and_bad_target_are_refused(media):
    with pytest.raises(LifecycleError, match="档案类别“secret”无效"):
        attach(pdf_bytes(), name="a.pdf", kind="secret", target=ParcelFactory())
    with pytest.raises(LifecycleError, match="不能在“企业”上存放档案文件"):
        attach(pdf_bytes(), name="a.pdf", target=EnterpriseFactory())
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\合同.docx", "合同.docx"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("很长" * 200 + ".pdf", "很长" * 125 + "很.pdf"),
    ],
)
def test_clean_name(raw, clean):
    assert clean_name(raw) == clean
    assert len(clean_name(raw)) <= 255


def test_row_rule_a_case_document_follows_its_case(media):
    street_a = JurisdictionFactory(name="甲街道")
    street_b = JurisdictionFactory(name="乙街道")
    holder, tenant = EnterpriseFactory(), EnterpriseFactory()
    parcel = ParcelFactory(jurisdiction=street_a, holder=holder)
    contract = attach(pdf_bytes(), name="出让合同.pdf", kind="contract", target=parcel)
    photo = attach(png_bytes(), name="巡查.png", kind="photo", target=parcel, internal=True)
    # Exit proceedings against the tenant, on the holder's parcel.
    case = ExitCaseFactory(enterprise=tenant, parcel=parcel)
    notice = attach(pdf_bytes(), name="约谈通知.pdf", kind="notice", target=case)
    elsewhere = attach(pdf_bytes(), name="其他.pdf", target=ParcelFactory(jurisdiction=street_b))

    def seen(user):
        return set(Document.objects.restrict(user, Action.VIEW))

    assert seen(user_with_role("a", "street_officer", jurisdiction=street_a)) == {
        contract,
        photo,
        notice,
    }
    assert seen(user_with_role("b", "street_officer", jurisdiction=street_b)) == {elsewhere}
    assert seen(user_with_role("h", "enterprise_user", enterprise=holder)) == {contract}
    assert seen(user_with_role("t", "enterprise_user", enterprise=tenant)) == {notice}
    assert len(seen(user_with_role("r", "department_reader"))) == 4
    assert seen(UserFactory(username="nobody")) == set()


def test_cases_of_finds_every_workflows_cases_in_one_query(media, django_assert_num_queries):
    from landcycle.lifecycle.models import AvailableLandEntry, AvailableLandList
    from landcycle.lifecycle.services.documents import AVAILABLE_ENTRY, cases_of

    from .factories import RenewalProjectFactory, SupervisionAgreementFactory

    exit_case = ExitCaseFactory()
    parcel = exit_case.parcel
    stock = StockLandCaseFactory(parcel=parcel)
    agreement = SupervisionAgreementFactory(parcel=parcel)
    renewal = RenewalProjectFactory()
    renewal.parcels.add(parcel)
    land_list = AvailableLandList.objects.create(
        year=2025, jurisdiction=parcel.jurisdiction, title="清单"
    )
    entry = AvailableLandEntry.objects.create(land_list=land_list, parcel=parcel, category="idle")
    ExitCaseFactory()  # another parcel's case
    with django_assert_num_queries(1):
        found = cases_of(parcel)
    assert found == {
        "exit_case": [exit_case.pk],
        "stockland_case": [stock.pk],
        "agreement": [agreement.pk],
        "renewal_project": [renewal.pk],
        AVAILABLE_ENTRY: [entry.pk],
    }
    assert cases_of(ParcelFactory()) == {}
    # the parcel's file read with the ids found is the file read with subqueries
    on_cases = [
        attach(pdf_bytes(), name=f"{i}.pdf", target=case)
        for i, case in enumerate((exit_case, stock, agreement, renewal, parcel))
    ]
    Document.objects.filter(pk=on_cases[1].pk).update(parcel=None)  # found through its case
    elsewhere = attach(pdf_bytes(), name="x.pdf", target=ExitCaseFactory())
    by_ids = set(Document.objects.filter(of_parcel(parcel, cases_of(parcel))))
    assert by_ids == set(Document.objects.filter(of_parcel(parcel))) == set(on_cases)
    assert elsewhere not in by_ids
