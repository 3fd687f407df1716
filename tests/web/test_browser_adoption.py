"""An administrator adopts a policy from the runs page in a real browser (``-m browser``)."""

import shutil

import pytest

from landcycle.evaluation.models import PolicyAdoption
from tests.web.test_browser import CHROMIUM, browser, log_in, page  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]


@pytest.mark.django_db(transaction=True)
def test_administrator_adopts_from_the_runs_page(world, live_server, page):  # noqa: F811
    base = live_server.url
    log_in(page, base, "admin")
    page.goto(f"{base}/runs/")
    form = page.locator("form.adopt-form")
    form.locator("select[name=zone]").select_option("测试区")
    form.locator("input[name=year]").fill("2025")
    form.locator("select[name=policy]").select_option("zhejiang-mujun")
    form.locator("input[name=reason]").fill("浙江亩均论英雄")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=确认采用政策")
    assert "beijing-etown-2023" in page.inner_text("main")  # what the adoption replaces
    assert not PolicyAdoption.objects.exists()
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/runs/")
    assert "已采用「zhejiang-mujun」" in page.inner_text("body")
    assert PolicyAdoption.objects.get().policy_name == "zhejiang-mujun"
    # the E-Town draft of 2025 is now labelled a what-if
    assert "模拟" in page.inner_text("table.list")

    # 2024 is final with E-Town: refused, with the reason in Chinese on the page
    form = page.locator("form.adopt-form")
    form.locator("input[name=year]").fill("2024")
    form.locator("select[name=policy]").select_option("zhejiang-mujun")
    form.locator("input[name=reason]").fill("改")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=确认采用政策")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/runs/")
    assert "不能再改采用政策" in page.inner_text("body")
    assert PolicyAdoption.objects.count() == 1
