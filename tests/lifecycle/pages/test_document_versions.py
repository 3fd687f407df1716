"""Replace and withdraw (撤回) from the pages: a confirmation form (GET), the change by POST only,
the refusal shown on the form with nothing changed, out of scope "not found"; the lists then
show the new version and the old one marked superseded, and no longer the withdrawn one."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from landcycle.lifecycle.models import Document
from landcycle.lifecycle.services.documents import attach
from tests.lifecycle.factories import ExitCaseFactory
from tests.lifecycle.samples import EXE, pdf_bytes
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def replace_url(document):
    return reverse("lifecycle:document_replace", args=[document.pk])


def withdraw_url(document):
    return reverse("lifecycle:document_withdraw", args=[document.pk])


def card(parcel):
    return reverse("ledger:parcel_detail", args=[parcel.pk])


def test_an_officer_replaces_a_document_from_the_parcel_card(world, media):
    w = world
    old = attach(pdf_bytes("1"), name="出让合同.pdf", kind="contract", target=w.parcel_a)
    officer = client_for(w.users["street_officer"])
    page = officer.get(card(w.parcel_a)).content.decode()
    assert replace_url(old) in page and withdraw_url(old) in page  # links on the card
    form = officer.get(replace_url(old)).content.decode()
    assert 'name="confirm"' in form and "出让合同" in form
    # without the confirmation: the form again, nothing stored
    unconfirmed = officer.post(
        replace_url(old), {"file": SimpleUploadedFile("出让合同v2.pdf", pdf_bytes("2"))}
    )
    assert unconfirmed.status_code == 200 and "请勾选确认" in unconfirmed.content.decode()
    # a bad file: the refusal on the form, nothing stored
    bad = officer.post(
        replace_url(old), {"file": SimpleUploadedFile("v2.pdf", EXE), "confirm": "on"}
    )
    assert "不是可接收的类型" in bad.content.decode() and Document.objects.count() == 1
    done = officer.post(
        replace_url(old),
        {
            "file": SimpleUploadedFile("出让合同v2.pdf", pdf_bytes("2")),
            "confirm": "on",
            "next": card(w.parcel_a),
        },
    )
    assert done.status_code == 302 and done["Location"] == card(w.parcel_a)
    new = Document.objects.get(version=2)
    old.refresh_from_db()
    assert old.superseded_by == new and new.uploaded_by == w.users["street_officer"]
    page = officer.get(card(w.parcel_a)).content.decode()
    assert f'data-document="{new.pk}"' in page and f'data-document="{old.pk}"' in page
    row = page[page.index(f'data-document="{old.pk}"') :].split("</tr>")[0]
    assert "已替换" in row and "第 2 版" in row and replace_url(old) not in row
    assert officer.get(replace_url(old)).status_code == 404  # only the current version


def test_withdraw_needs_a_reason_and_hides_the_document_but_keeps_the_file(world, media):
    w = world
    case = ExitCaseFactory(enterprise=w.ent_a, parcel=w.parcel_a)
    document = attach(pdf_bytes(), name="误传.pdf", target=case)
    path = Path(document.file.path)
    zone = client_for(w.users["evaluation_officer"])
    refused = zone.post(withdraw_url(document), {"reason": "", "confirm": "on"})
    assert refused.status_code == 200 and "请填写撤回理由" in refused.content.decode()
    document.refresh_from_db()
    assert document.withdrawn_at is None
    assert zone.get(withdraw_url(document)).status_code == 200
    done = zone.post(withdraw_url(document), {"reason": "上传错案件", "confirm": "on"})
    assert done.status_code == 302  # back to the case's documents
    assert done["Location"] == reverse("lifecycle:documents", args=["exit", case.pk])
    document.refresh_from_db()
    assert document.withdrawal_reason == "上传错案件" and document.withdrawn_by is not None
    assert path.exists()
    for url in (reverse("lifecycle:exit_detail", args=[case.pk]), card(w.parcel_a)):
        assert f'data-document="{document.pk}"' not in zone.get(url).content.decode()
    assert zone.get(reverse("lifecycle:document_file", args=[document.pk])).status_code == 404
    assert zone.post(withdraw_url(document), {"reason": "x", "confirm": "on"}).status_code == 404


def test_who_may_amend_on_the_pages(world, media):
    w = world
    notice = attach(pdf_bytes("n"), name="通知.pdf", kind="notice", target=w.parcel_a)
    firm_user = w.users["enterprise_user"]
    own = attach(pdf_bytes("o"), name="材料.pdf", target=w.parcel_a, user=firm_user)
    elsewhere = attach(pdf_bytes("b"), name="乙.pdf", target=w.parcel_b)
    firm = client_for(firm_user)
    # the enterprise: its own material yes, a notice addressed to it not (not found)
    assert firm.get(withdraw_url(notice)).status_code == 404
    assert firm.post(withdraw_url(notice), {"reason": "x", "confirm": "on"}).status_code == 404
    page = firm.get(card(w.parcel_a)).content.decode()
    assert withdraw_url(own) in page and withdraw_url(notice) not in page
    assert firm.post(withdraw_url(own), {"reason": "重新上传", "confirm": "on"}).status_code == 302
    # a street officer out of scope: not found; a reader: no such action
    street = client_for(w.users["street_officer"])
    assert street.post(withdraw_url(elsewhere), {"reason": "x", "confirm": "on"}).status_code == 404
    reader = client_for(w.users["department_reader"])
    assert reader.post(withdraw_url(notice), {"reason": "x", "confirm": "on"}).status_code == 403
    page = reader.get(card(w.parcel_a)).content.decode()
    assert f'data-document="{notice.pk}"' in page and withdraw_url(notice) not in page
    for document in (notice, elsewhere):
        document.refresh_from_db()
        assert document.withdrawn_at is None


def test_a_withdrawn_exit_notice_is_no_longer_served_from_its_step(world, media):
    from tests.web.permission_codes import ROW_FILES  # loads the row files in their order

    [exits_rows] = [r for r in ROW_FILES if r.__name__.endswith("matrix_exits")]
    made = exits_rows.objects(world)["own"]
    case, step = made["exit_case"], made["exit_notice_step"]
    assert step.notice is not None and step.notice.kind == "notice"
    download = reverse("lifecycle:exit_document", args=[step.pk])
    zone = client_for(world.users["evaluation_officer"])
    detail = reverse("lifecycle:exit_detail", args=[case.pk])
    assert download in zone.get(detail).content.decode()
    assert zone.get(download).status_code == 200
    response = zone.post(withdraw_url(step.notice), {"reason": "文号错误，重发", "confirm": "on"})
    assert response.status_code == 302
    assert zone.get(download).status_code == 404
    page = zone.get(detail).content.decode()
    assert download not in page and f'data-document="{step.notice.pk}"' not in page
    assert Path(step.notice.file.path).exists()
