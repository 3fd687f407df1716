"""Documents pages (一地一档): upload from the parcel card and from a case, refusals shown on the
form with nothing stored, the file served only through restrict, the card's panel of cases."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from landcycle.lifecycle.models import Document
from landcycle.lifecycle.services.documents import attach
from tests.lifecycle.factories import ExitCaseFactory, StockLandCaseFactory
from tests.lifecycle.samples import EXE, docx_bytes, pdf_bytes, png_bytes
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def stored(root) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


def url_of(target, pk):
    return reverse("lifecycle:documents", kwargs={"target": target, "pk": pk})


def card(parcel):
    return reverse("ledger:parcel_detail", args=[parcel.pk])


def upload(client, target, pk, name, content, **fields):
    data = {"file": SimpleUploadedFile(name, content), "kind": "contract", **fields}
    return client.post(url_of(target, pk), data)


def test_officer_uploads_from_the_parcel_card_and_sees_it_there(world, media):
    w = world
    officer = client_for(w.users["street_officer"])
    page = officer.get(card(w.parcel_a)).content.decode()
    assert 'data-panel="dossier"' in page and 'name="internal"' in page  # the upload form
    response = upload(
        officer,
        "parcel",
        w.parcel_a.pk,
        "国有建设用地使用权出让合同.pdf",
        pdf_bytes(),
        title="出让合同",
        dated="2021-06-01",
        next=card(w.parcel_a),
    )
    assert response.status_code == 302 and response["Location"] == card(w.parcel_a)
    document = Document.objects.get()
    assert (document.parcel, document.kind, document.title) == (w.parcel_a, "contract", "出让合同")
    assert str(document.dated) == "2021-06-01" and document.uploaded_by == w.users["street_officer"]
    assert [p.read_bytes() for p in stored(media)] == [pdf_bytes()]
    page = officer.get(card(w.parcel_a)).content.decode()
    assert "已存档：出让合同" in page and "国有建设用地使用权出让合同.pdf" in page
    assert reverse("lifecycle:document_file", args=[document.pk]) in page


def test_the_file_is_served_only_through_restrict(world, media):
    w = world
    pdf = attach(pdf_bytes(), name="合同.pdf", target=w.parcel_a)
    photo = attach(png_bytes(), name="现场.png", kind="photo", target=w.parcel_a, internal=True)
    officer = client_for(w.users["street_officer"])
    response = officer.get(reverse("lifecycle:document_file", args=[pdf.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    response = officer.get(reverse("lifecycle:document_file", args=[photo.pk]))
    assert response["Content-Disposition"].startswith("inline;")  # a photo opens in place
    firm = client_for(w.users["enterprise_user"])
    assert firm.get(reverse("lifecycle:document_file", args=[pdf.pk])).status_code == 200
    assert firm.get(reverse("lifecycle:document_file", args=[photo.pk])).status_code == 404
    other = attach(pdf_bytes(), name="乙.pdf", target=w.parcel_b)
    assert officer.get(reverse("lifecycle:document_file", args=[other.pk])).status_code == 404
    # No URL under the site's root serves the storage directory.
    assert (
        client_for(w.users["administrator"]).get("/documents/" + pdf.file.name).status_code == 404
    )


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("合同.pdf", EXE, "的内容不是可接收的类型"),
        ("照片.pdf", png_bytes(), "扩展名“.pdf”与内容（PNG 图片）不符"),
    ],
)
def test_a_refused_upload_is_shown_on_the_form_and_stores_nothing(
    world, media, name, content, message
):
    w = world
    response = upload(
        client_for(w.users["evaluation_officer"]), "parcel", w.parcel_a.pk, name, content
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "未保存" in html and 'role="alert"' in html
    assert "Traceback" not in html
    assert Document.objects.count() == 0 and stored(media) == []


def test_too_big_by_the_document_limit_and_by_the_upload_handler(world, media, settings):
    w = world
    client = client_for(w.users["administrator"])
    settings.LANDCYCLE_UPLOAD_MAX_MB = 0.001
    html = upload(client, "parcel", w.parcel_a.pk, "大.pdf", pdf_bytes("x" * 4000)).content.decode()
    assert "超过上限 1 KB，未保存" in html
    settings.LANDCYCLE_IMPORT_MAX_FILE_MB = 0  # the stream is cut before any view runs
    html = upload(client, "parcel", w.parcel_a.pk, "大.pdf", pdf_bytes()).content.decode()
    assert "上传的文件超过 0 MB 的上传上限，已丢弃，未保存" in html
    assert Document.objects.count() == 0 and stored(media) == []


def test_an_empty_form_and_a_bad_date_are_explained(world, media):
    w = world
    client = client_for(w.users["administrator"])
    html = client.post(url_of("parcel", w.parcel_a.pk), {"kind": "contract"}).content.decode()
    assert "请选择要上传的文件" in html
    html = upload(client, "parcel", w.parcel_a.pk, "a.pdf", pdf_bytes(), dated="2021-13-01")
    assert "文件日期无效" in html.content.decode()
    assert Document.objects.count() == 0


def test_the_enterprise_adds_material_to_its_own_parcel_never_internal(world, media):
    w = world
    firm = client_for(w.users["enterprise_user"])
    page = firm.get(url_of("parcel", w.parcel_a.pk)).content.decode()
    assert 'name="file"' in page and 'name="internal"' not in page
    response = upload(firm, "parcel", w.parcel_a.pk, "竣工照片.png", png_bytes(), internal="on")
    assert response.status_code == 302
    assert Document.objects.get().internal is False
    assert upload(firm, "parcel", w.parcel_b.pk, "x.png", png_bytes()).status_code == 404
    assert Document.objects.count() == 1


def test_a_tenant_may_see_the_parcel_but_not_file_on_it(world, media):
    from tests.web.factories import user_with_role

    w = world  # tenant_b rents on parcel B-0001 held by ent_b
    tenant = client_for(user_with_role("tenant", "enterprise_user", enterprise=w.tenant_b))
    assert tenant.get(url_of("parcel", w.parcel_b.pk)).status_code == 200
    assert 'name="file"' not in tenant.get(url_of("parcel", w.parcel_b.pk)).content.decode()
    assert upload(tenant, "parcel", w.parcel_b.pk, "x.png", png_bytes()).status_code == 404
    assert Document.objects.count() == 0


def test_a_reader_sees_but_cannot_upload(world, media):
    w = world
    attach(pdf_bytes(), name="合同.pdf", target=w.parcel_b)
    reader = client_for(w.users["department_reader"])
    page = reader.get(url_of("parcel", w.parcel_b.pk)).content.decode()
    assert "合同.pdf" in page and 'name="file"' not in page
    assert upload(reader, "parcel", w.parcel_b.pk, "x.pdf", pdf_bytes()).status_code == 403
    assert Document.objects.count() == 1


def test_upload_on_a_case_and_the_case_documents_tag(world, media):
    w = world
    case = ExitCaseFactory(enterprise=w.ent_a, parcel=w.parcel_a)
    officer = client_for(w.users["street_officer"])
    response = upload(officer, "exit", case.pk, "约谈通知书.docx", docx_bytes(), kind="notice")
    assert response.status_code == 302 and response["Location"] == url_of("exit", case.pk)
    document = Document.objects.get()
    assert document.exit_case == case and document.parcel == w.parcel_a
    request = RequestFactory().get("/exits/1/")
    request.user = w.users["enterprise_user"]
    html = Template("{% load lifecycle_documents %}{% case_documents case %}").render(
        RequestContext(request, {"case": case})
    )
    assert "约谈通知书.docx" in html and 'name="file"' in html and 'name="internal"' not in html
    request.user = w.users["department_reader"]
    html = Template("{% load lifecycle_documents %}{% case_documents case %}").render(
        RequestContext(request, {"case": case})
    )
    assert "约谈通知书.docx" in html and 'name="file"' not in html


def test_the_card_panel_lists_every_case_of_the_parcel_in_scope(world, media):
    w = world
    ExitCaseFactory(enterprise=w.ent_a, parcel=w.parcel_a)
    StockLandCaseFactory(parcel=w.parcel_a, category="idle", deadline="2026-05-01")
    StockLandCaseFactory(parcel=w.parcel_b, category="idle")
    attach(pdf_bytes(), name="巡查记录.pdf", target=w.parcel_a, internal=True)
    html = client_for(w.users["street_officer"]).get(card(w.parcel_a)).content.decode()
    panel = html[html.index('data-panel="dossier"') :]
    assert "退出程序" in panel and "存量土地" in panel and "2026-05-01" in panel
    assert "闲置土地处置" in panel and "巡查记录.pdf" in panel
    firm = client_for(w.users["enterprise_user"]).get(card(w.parcel_a)).content.decode()
    assert "巡查记录.pdf" not in firm  # internal
    html = client_for(w.users["administrator"]).get(card(w.parcel_a1)).content.decode()
    assert "本宗地暂无案件" in html and "暂无档案文件" in html
    html = client_for(w.users["administrator"]).get(card(w.parcel_free)).content.decode()
    assert "可供土地清单" in html and "乙街道2025年度可供土地清单" in html


def test_next_never_leaves_the_site(world, media):
    w = world
    response = upload(
        client_for(w.users["administrator"]),
        "parcel",
        w.parcel_a.pk,
        "a.pdf",
        pdf_bytes(),
        next="https://evil.example/",
    )
    assert response["Location"] == url_of("parcel", w.parcel_a.pk)


def test_unknown_target_is_not_found(world):
    client = client_for(world.users["administrator"])
    assert client.get("/documents/enterprise/1/").status_code == 404
