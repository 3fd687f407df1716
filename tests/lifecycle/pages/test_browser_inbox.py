"""Chromium: a street officer opens the inbox from the menu (urgent first, the backlog folded
by kind), then files a photo on a parcel card and sees a wrong file refused with its reason.

Screenshots go to ``$LANDCYCLE_SCREENSHOTS`` when set (to look at the pages)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from landcycle.lifecycle.models import Document
from tests.lifecycle.factories import ExitCaseFactory, StockLandCaseFactory
from tests.lifecycle.samples import EXE, png_bytes
from tests.web import conftest as web
from tests.web import test_browser as chromium
from tests.web.test_browser import log_in

pytestmark = chromium.pytestmark
world, fast_password_hashing = web.world, web.fast_password_hashing
browser, page = chromium.browser, chromium.page


def shot(page, name: str) -> None:
    folder = os.environ.get("LANDCYCLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.mark.django_db(transaction=True)
def test_inbox_then_a_document_on_the_parcel_card(world, live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    w = world
    ExitCaseFactory(enterprise=w.ent_a, parcel=w.parcel_a, interview_due=days(-4))
    StockLandCaseFactory(parcel=w.parcel_a, category="idle", deadline=days(2))
    StockLandCaseFactory(parcel=w.parcel_a1, category="low_efficiency", deadline=days(-150))
    StockLandCaseFactory(parcel=w.parcel_b, category="idle", deadline=days(-1))  # street B
    base = live_server.url

    log_in(page, base, "street_a")
    page.click("header nav >> text=待办")
    page.wait_for_url(f"{base}/inbox/")
    sections = page.locator("[data-section]")
    assert [sections.nth(i).get_attribute("data-section") for i in range(sections.count())] == [
        "overdue",
        "long_overdue",
        "this_week",
    ]
    assert page.locator("#overdue").inner_text().count("逾期 4 日") == 1
    assert "B-0001" not in page.content()  # street B's late case is not theirs
    group = page.locator("#long_overdue details")
    assert group.get_attribute("open") is None  # the backlog is folded
    assert not page.locator("#long_overdue >> text=A1-0001").is_visible()
    group.locator("summary").click()
    assert page.locator("#long_overdue >> text=逾期 150 日").is_visible()
    shot(page, "inbox")

    page.goto(f"{base}/parcels/{w.parcel_a.pk}/")
    panel = page.locator("[data-panel=dossier]")
    assert "退出程序" in panel.inner_text() and "闲置土地处置" in panel.inner_text()
    wrong = tmp_path / "合同.pdf"
    wrong.write_bytes(EXE)
    panel.locator("input[type=file]").set_input_files(str(wrong))
    panel.locator("button[type=submit]").click()
    page.wait_for_selector("[role=alert]")
    assert "的内容不是可接收的类型" in page.locator("[role=alert]").first.inner_text()
    shot(page, "upload_refused")
    assert Document.objects.count() == 0

    page.goto(f"{base}/parcels/{w.parcel_a.pk}/")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes(40, 30))
    panel.locator("input[type=file]").set_input_files(str(photo))
    panel.locator("select[name=kind]").select_option("photo")
    panel.locator("input[name=title]").fill("2025年巡查照片")
    panel.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/parcels/{w.parcel_a.pk}/")
    assert "已存档：2025年巡查照片" in page.locator("main").inner_text()
    row = panel.locator("tr[data-document]")
    assert row.count() == 1 and "照片" in row.inner_text() and "street_a" in row.inner_text()
    shot(page, "parcel_card_dossier")
    document = Document.objects.get()
    assert document.kind == "photo" and document.content_type == "image/png"
    response = page.request.get(f"{base}/documents/{document.pk}/file/")
    assert response.status == 200 and response.body() == png_bytes(40, 30)
