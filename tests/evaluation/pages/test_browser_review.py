"""In Debian's chromium: an officer records a REVIEW decision with its evidence, a second officer
confirms it, and the lists page exports the A list that now holds the parcel."""

import io
import shutil

import openpyxl
import pytest

from landcycle.evaluation.models import ReviewDecision
from tests.evaluation.pages.review_world import PDF
from tests.web.test_browser import CHROMIUM, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]

SHOTS = "/tmp/e2-shots"


@pytest.mark.django_db(transaction=True)
def test_review_decision_then_lists_export(
    world,
    reviews,
    live_server,
    page,
    browser,
    tmp_path,
):
    import os

    os.makedirs(SHOTS, exist_ok=True)
    base = live_server.url
    log_in(page, base, "evaluator")
    page.goto(f"{base}/runs/{world.run_final.pk}/review/")
    assert "待复核" in page.inner_text("#review-queue")
    page.screenshot(path=f"{SHOTS}/review_list.png", full_page=True)
    page.click("#review-queue a:text('A-REV')")
    page.wait_for_selector("#decision-form")
    assert "地均产值（万元/公顷）" in page.inner_text("#engine-result")
    page.select_option("select[name=decided_class]", "A")
    page.fill("textarea[name=reason]", "现场核查：产值与税收达到 A 类标准，附核查记录")
    evidence = tmp_path / "现场核查记录.pdf"
    evidence.write_bytes(PDF)
    page.set_input_files("input[name=evidence]", str(evidence))
    page.check("input[name=sure]")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("ul.messages")
    assert "待另一名工作人员确认后生效" in page.inner_text("ul.messages")
    page.screenshot(path=f"{SHOTS}/review_decided.png", full_page=True)
    decision = ReviewDecision.objects.get()
    assert (decision.decided_class, decision.status) == ("A", "awaiting")
    assert decision.evidence_name == "现场核查记录.pdf"

    # A second officer (the administrator) confirms in another session.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    admin = context.new_page()
    log_in(admin, base, "admin")
    admin.goto(f"{base}/review/results/{reviews.result_final_a.pk}/")
    admin.check("#confirm-form input[name=sure]")
    admin.click("#confirm-form button[type=submit]")
    admin.wait_for_selector("ul.messages")
    assert "已确认生效：A 类" in admin.inner_text("ul.messages")
    decision.refresh_from_db()
    assert decision.status == "in_force"

    admin.goto(f"{base}/lists/")
    admin.click("#list-tabs a:has-text('优质工业用地产权人名单')")
    admin.wait_for_selector("#list table")
    assert "A-REV" in admin.inner_text("#list table")
    admin.screenshot(path=f"{SHOTS}/lists.png", full_page=True)
    with admin.expect_download() as download:
        admin.click("#export-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = book["优质工业用地产权人名单"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "A-REV" in " ".join(str(c) for c in cells if c)
    context.close()
