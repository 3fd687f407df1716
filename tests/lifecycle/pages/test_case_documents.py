"""Every case page of every workflow shows the case's documents (一地一档) — to the roles that
may see the case, without the internal papers for an enterprise, never another case's — and
the upload form only where the role may add one (officers HANDLE in scope; an enterprise
SUBMIT on its own cases). The cases are the permission matrix's "own" objects."""

import importlib

import pytest
from django.urls import reverse

from landcycle.core.permissions import Action, restrict
from landcycle.lifecycle.services.documents import attach
from tests.lifecycle.samples import pdf_bytes, png_bytes
from tests.web import conftest as web
from tests.web.conftest import client_for
from tests.web.permission_codes import ROLES

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing

# (matrix row file, detail route, object key in its objects(), expected GET codes of "own")
WORKFLOWS = [
    ("matrix_admission", "lifecycle:admission_detail", "admission"),
    ("matrix_agreements", "lifecycle:agreement_detail", "agreement"),
    ("matrix_exits", "lifecycle:exit_detail", "exit_case"),
    ("matrix_stockland", "lifecycle:stockland_detail", "stock_case"),
    ("matrix_available", "lifecycle:available_detail", "available"),
    ("matrix_renewal", "lifecycle:renewal_detail", "renewal"),
    ("matrix_projects", "lifecycle:project_detail", "project"),
]
OFFICERS = {"administrator", "evaluation_officer", "street_officer"}


@pytest.mark.parametrize("module, route, key", WORKFLOWS, ids=[w[2] for w in WORKFLOWS])
def test_the_case_page_lists_its_documents_for_the_allowed_roles(world, media, module, route, key):
    rows = importlib.import_module(f"tests.lifecycle.{module}")
    made = rows.objects(world)
    case, other = made["own"][key], made["other"][key]
    public = attach(pdf_bytes("p"), name="甲公开材料.pdf", kind="decision", target=case)
    internal = attach(png_bytes(), name="甲内部照片.png", target=case, internal=True)
    attach(pdf_bytes("o"), name="乙案件材料.pdf", target=other)
    codes = dict(zip(ROLES, rows.ROWS[(route, "own")]["GET"].split(), strict=True))
    url = reverse(route, args=[case.pk])
    seen_by = set()
    for role in ROLES:
        user = None if role == "anonymous" else world.users[role]
        response = client_for(user).get(url)
        assert str(response.status_code) == codes[role], (role, response.status_code)
        page = response.content.decode()
        if response.status_code != 200:
            assert "甲公开材料" not in page
            continue
        seen_by.add(role)
        box = page[page.index("data-case-documents") :]
        assert f'data-document="{public.pk}"' in box and "甲公开材料" in box, role
        shows_internal = f'data-document="{internal.pk}"' in box
        assert shows_internal == ("甲内部照片" in box) == (role != "enterprise_user"), role
        assert "乙案件材料" not in box, role
        may_submit = restrict(type(case).objects.filter(pk=case.pk), user, Action.SUBMIT).exists()
        may_upload = role in OFFICERS or (role == "enterprise_user" and may_submit)
        assert ('name="file"' in box) == may_upload, role
        if may_upload:
            assert f'action="/documents/{box_target(box)}/{case.pk}/"' in box
    assert {"administrator", "evaluation_officer", "department_reader"} <= seen_by


def box_target(box: str) -> str:
    start = box.index('data-documents="') + len('data-documents="')
    return box[start : box.index("-", start)]


def test_an_enterprise_uploads_material_on_its_own_exit_case_page(world, media):
    rows = importlib.import_module("tests.lifecycle.matrix_exits")  # loaded by ROLES' module
    case = rows.objects(world)["own"]["exit_case"]
    firm = client_for(world.users["enterprise_user"])
    page = firm.get(reverse("lifecycle:exit_detail", args=[case.pk])).content.decode()
    box = page[page.index("data-case-documents") :]
    assert 'name="file"' in box and 'name="internal"' not in box  # never internal
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = firm.post(
        reverse("lifecycle:documents", kwargs={"target": "exit", "pk": case.pk}),
        {"file": SimpleUploadedFile("整改报告.pdf", pdf_bytes()), "kind": "other", "next": "/x"},
    )
    assert response.status_code == 302
    document = case.documents.get(original_name="整改报告.pdf")
    assert document.uploaded_by == world.users["enterprise_user"] and not document.internal
    page = firm.get(reverse("lifecycle:exit_detail", args=[case.pk])).content.decode()
    assert f'data-document="{document.pk}"' in page
