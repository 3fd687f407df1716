"""An exit case opened and walked to its end in a real browser (``-m browser``): the street
officer opens it and records the interview, the zone officer issues the notices (one refused
as too early, the reason on the page) and completes the exit."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from landcycle.lifecycle.models import ExitCase
from landcycle.lifecycle.services.calendar import seed_from_package
from tests.web.test_browser import CHROMIUM, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]
# Set LANDCYCLE_SCREENSHOTS=DIR to keep a screenshot of every page the test walks through.
SHOTS = os.environ.get("LANDCYCLE_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def submit_step(page, on: dt.date, **fields):
    page.fill("input[name=on]", on.isoformat())
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.check("input[name=confirm]")
    page.click("main form.stepform button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_an_exit_case_from_verification_to_exit(
    world,
    live_server,
    page,
    browser,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "documents"
    seed_from_package()
    base = live_server.url
    verified = dt.date.today() - dt.timedelta(days=400)

    # the street officer finds the list in the menu and opens a case
    log_in(page, base, "street_a")
    page.click("summary:has-text('全生命周期')")
    page.click("a:has-text('退出案件')")
    page.wait_for_url(f"{base}/exits/")
    page.click("a:has-text('核实立案')")
    page.fill("input[name=parcel_code]", "A-0001")
    page.select_option("select[name=trigger]", "unauthorised_disposal")
    page.fill("input[name=verified_on]", verified.isoformat())
    page.fill("textarea[name=facts]", "擅自将厂房出租给乙租户，现场核实")
    page.check("input[name=confirm]")
    shot(page, "01-open")
    page.click("main form.stepform button[type=submit]")
    page.wait_for_selector("text=已立案")
    case = ExitCase.objects.get()
    assert page.url == f"{base}/exits/{case.pk}/"
    shot(page, "02-opened")

    page.click("a.button:has-text('记录约谈')")
    submit_step(page, verified + dt.timedelta(days=10), note="法定代表人到场，承认出租事实")
    page.wait_for_selector("text=已办理「记录约谈」")
    # the written notice is the zone's: shown to the street officer as such
    assert "书面通知整改（须由园区管委会办理）" in page.inner_text("main")

    # the zone officer issues the rectification notice
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    zone = context.new_page()
    log_in(zone, base, "evaluator")
    zone.goto(f"{base}/exits/{case.pk}/")
    zone.click("a.button:has-text('书面通知整改')")
    submit_step(zone, verified + dt.timedelta(days=15), document_number="门园退〔2025〕3号")
    zone.wait_for_selector("text=已办理「书面通知整改」")
    case.refresh_from_db()
    assert case.state == "rectification"

    # too early for the exit notice: refused, the reason on the page, nothing stored
    zone.click("a.button:has-text('书面通知限期退出')")
    submit_step(zone, verified + dt.timedelta(days=45))
    zone.wait_for_selector("text=不能办理")
    assert "未届满" in zone.inner_text(".refused")
    shot(zone, "03-refused")
    case.refresh_from_db()
    assert case.state == "rectification"

    submit_step(zone, case.rectification_due)
    zone.wait_for_selector("text=已办理「书面通知限期退出」")
    case.refresh_from_db()
    zone.click("a.button:has-text('完成退出')")
    zone.check("input[name=contract_terminated]")
    zone.select_option("select[name=clawback-0-kind]", "subsidy")
    zone.fill("input[name=clawback-0-description]", "入园建设补贴")
    zone.fill("input[name=clawback-0-amount_10k_cny]", "150")
    shot(zone, "04-complete-form")
    submit_step(zone, case.exit_due)
    zone.wait_for_selector("text=已办理「完成退出」")
    shot(zone, "05-exited")
    text = zone.inner_text("main")
    assert "已退出" in text and "入园建设补贴" in text and "已解除出让/租赁合同" in text
    assert zone.locator("a:has-text('下载 Word')").count() == 3
    case.refresh_from_db()
    assert (case.state, case.closed_on, case.contract_terminated) == ("exited", case.exit_due, True)
    assert list(case.clawbacks.values_list("description", "amount_10k_cny")) == [
        ("入园建设补贴", 150.0)
    ]
    zone.goto(f"{base}/exits/")
    shot(zone, "06-list")
    context.close()
