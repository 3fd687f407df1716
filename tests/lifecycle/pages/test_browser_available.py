"""The available-land list in a real browser (Debian's chromium, ``-m browser``): an officer
reaches it from the 全生命周期 menu, creates a list, is refused approving it while empty, adds
a parcel found by search, approves and publishes it (each step confirmed), and the public
portal shows the parcel."""

import pytest

from landcycle.lifecycle.models import AvailableLandList
from tests.web import conftest as web
from tests.web import test_browser as chromium

pytestmark = chromium.pytestmark
world, fast_password_hashing = web.world, web.fast_password_hashing
browser, page = chromium.browser, chromium.page


def _step(page, label):
    """Open a step's confirmation page from the list's page, tick the box, submit."""
    page.click(f"main a:has-text('{label}')")
    page.wait_for_selector("input[name=confirm]")
    page.check("input[name=confirm]")
    page.click(f"main button:has-text('{label}')")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_list_created_refused_filled_approved_published_and_public(world, live_server, page):
    base = live_server.url
    chromium.log_in(page, base, "evaluator")
    page.click("header summary:has-text('全生命周期')")
    page.click("header a:has-text('可供土地清单')")
    page.wait_for_url(f"{base}/available/")
    page.click("main a:has-text('新建清单')")
    page.fill("input[name=year]", "2026")
    page.select_option("select[name=jurisdiction]", label="乙街道")
    page.click("main button[type=submit]")
    page.wait_for_selector("dd[data-status=draft]")
    assert "乙街道2026年度可供土地清单" in page.locator("h1").inner_text()

    # Refused: approving an empty list; the reason is shown, the list stays a draft.
    _step(page, "审核通过")
    alert = page.locator("[role=alert]").inner_text()
    assert "不能审核通过" in alert and "清单为空，不能审核" in alert
    page.click("main a:has-text('取消')")
    page.wait_for_selector("dd[data-status=draft]")

    # A parcel found by search, picked, its terms filled in.
    page.click("main a:has-text('查找宗地加入')")
    page.fill("input[name=q]", "B-0001")
    page.click("main form.filters button")
    page.click("a[data-pick='B-0001']")
    assert page.input_value("input[name=parcel_code]") == "B-0001"
    page.select_option("select[name=category]", label="政府储备")
    page.fill("input[name=cost_10k_cny]", "860")
    page.fill("textarea[name=conditions]", "投资强度不低于4500万元/公顷")
    page.fill("input[name=time_days]", "45")
    page.click("main button:has-text('加入清单')")
    page.wait_for_selector("dd[data-status=draft]")
    assert "B-0001" in page.locator("main table.list").inner_text()

    _step(page, "审核通过")
    page.wait_for_selector("dd[data-status=approved]")
    _step(page, "公开到门户")
    page.wait_for_selector("dd[data-status=published]")
    assert "草稿 → 已审核" in page.locator("main").inner_text()

    stored = AvailableLandList.objects.get(year=2026, jurisdiction=world.street_b)
    assert stored.status == "published" and stored.approved_by.username == "evaluator"
    entry = stored.entries.get()
    assert (entry.parcel.code, entry.category, entry.cost_10k_cny) == ("B-0001", "reserve", 860)

    page.goto(f"{base}/portal/")
    portal = page.locator("main").inner_text()
    assert "B-0001" in portal and "投资强度不低于4500万元/公顷" in portal
