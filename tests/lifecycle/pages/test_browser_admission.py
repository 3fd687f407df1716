"""Admission in a real browser (Debian's chromium): the enterprise applies, the street officer
assesses, a refused approval is shown, the officer rejects, and the decision document opens."""

import shutil

import pytest

from landcycle.lifecycle.models import AdmissionApplication as App
from tests.web.test_browser import CHROMIUM, browser, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]


def new_page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


@pytest.mark.django_db(transaction=True)
def test_enterprise_applies_and_the_officer_walks_it_to_a_decision(
    world,
    calendar,
    live_server,
    browser,  # noqa: F811
):
    base = live_server.url
    # The enterprise applies through the menu.
    context, page, errors = new_page(browser)
    log_in(page, base, "ent_a")
    page.click("summary:has-text('全生命周期')")
    page.click("a:has-text('申请入园')")
    page.select_option("select[name=jurisdiction]", str(world.street_a.pk))
    page.select_option("select[name=industry_field]", "other")
    page.select_option("select[name=supply_method]", "tender_auction")
    page.fill("input[name=land_area_m2]", "20000")
    page.fill("input[name=planned_investment_10k_cny]", "5000")
    page.click("#application button[type=submit]")
    page.wait_for_selector("text=申请已受理，初步评估期限")
    assert page.inner_text("#status") == "已受理"
    app = App.objects.get()
    assert app.enterprise == world.ent_a and app.assessment_due is not None
    context.close()
    assert not errors, errors

    # The street officer finds it in the list and works it.
    context, page, errors = new_page(browser)
    log_in(page, base, "street_a")
    page.goto(f"{base}/admission/?status=submitted")
    page.click(f"a:has-text('{world.ent_a.name}')")
    page.click("#step-assess button[type=submit]")
    page.wait_for_selector("text=已记录：初步评估")
    assert page.inner_text("#status") == "已初评"
    assert "不符合准入条件" in page.inner_text("main")

    # Approving an inadmissible application without a reason is refused, in Chinese.
    page.fill("#step-approve input[name=document]", "门园准〔2025〕7号")
    page.check("#step-approve input[name=confirm]")
    page.click("#step-approve button[type=submit]")
    refusal = page.wait_for_selector(".refused")
    assert "初评不符合准入条件，批准须写明理由（一事一议）" in refusal.inner_text()
    assert page.inner_text("#status") == "已初评"

    page.goto(f"{base}/admission/{app.pk}/")
    page.fill("#step-reject input[name=document]", "门园准〔2025〕7号")
    page.fill("#step-reject textarea[name=note]", "不符合园区产业定位")
    page.check("#step-reject input[name=confirm]")
    page.click("#step-reject button[type=submit]")
    page.wait_for_selector("text=已记录：不予准入")
    assert page.inner_text("#status") == "不予准入"
    timeline = page.inner_text("table.timeline")
    assert "管委会批复：不予准入" in timeline and "street_a" in timeline
    page.click("text=查看/打印批复文书")
    assert "门园准〔2025〕7号" in page.inner_text("article.document")
    context.close()
    assert not errors, errors

    app.refresh_from_db()
    assert app.status == App.Status.REJECTED and app.decision_document == "门园准〔2025〕7号"
    assert app.decided_by == world.users["street_officer"] and app.proposed_class == "none"
