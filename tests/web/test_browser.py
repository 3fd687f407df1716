"""Real headless Chromium (Debian's /usr/bin/chromium) through Playwright against a live server.

Run with ``-m browser``. They skip only when chromium is not installed here; CI installs it.
"""

import os
import re
import shutil

import openpyxl
import pytest

from tests.web.factories import PASSWORD

CHROMIUM = os.environ.get("LANDCYCLE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"chromium not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop; Django must allow sync DB calls meanwhile.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors  # no JavaScript errors on any page


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


@pytest.mark.django_db(transaction=True)
def test_login_map_click_opens_card(world, live_server, page):
    base = live_server.url
    log_in(page, base, "evaluator")
    assert page.locator("[data-chart=by-class] canvas").count() == 1  # ECharts drew
    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-loaded^='parcels:']", timeout=15_000)
    page.wait_for_load_state("networkidle")  # the last redraw after fitting the view is done
    assert page.get_attribute("#map", "data-loaded") == "parcels:5"
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    card = re.compile(rf"{base}/parcels/{world.parcel_a.pk}/$")
    # A click that lands while the canvas is still redrawing (a busy CI machine) is not seen
    # as a click on the parcel: click again, at most three times, until the card opens. The
    # parcel's position is read again before each click: a late redraw may have moved the view.
    for _attempt in range(3):
        # The middle of parcel A-0001 (drawn on a canvas, so clicked by position).
        point = page.evaluate(
            "() => { const p = window.landcycleMap.latLngToContainerPoint([39.781, 116.501]);"
            " return [p.x, p.y]; }"
        )
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
        try:
            page.wait_for_url(card, timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    page.wait_for_url(card, timeout=1_000)
    assert "A-0001" in page.locator("h1").inner_text()
    page.wait_for_selector("#parcel-map path.leaflet-interactive, #parcel-map canvas")


@pytest.mark.django_db(transaction=True)
def test_street_officer_map_shows_only_own_street(world, live_server, page):
    base = live_server.url
    log_in(page, base, "street_a")
    page.goto(f"{base}/map/")
    page.wait_for_selector("#map[data-loaded]", timeout=15_000)
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#map", "data-loaded") == "parcels:2"


@pytest.mark.django_db(transaction=True)
def test_import_shows_the_error(world, live_server, page, tmp_path, settings):
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    workbook = tmp_path / "parcels.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    sheet.append(["NEW-1", "甲街道", "十亩"])
    book.save(workbook)
    base = live_server.url
    log_in(page, base, "evaluator")
    page.goto(f"{base}/imports/")
    page.set_input_files("input[type=file]", str(workbook))
    page.click("main button[type=submit]")
    page.wait_for_selector("table.errors")
    row = page.locator("table.errors tbody tr").first.inner_text()
    assert "十亩" in row and "\t2\t" in row  # the value and its spreadsheet row (header = 1)
    assert "未写入" in page.locator("[role=alert]").inner_text()


@pytest.mark.django_db(transaction=True)
def test_public_portal_without_login(world, live_server, page):
    base = live_server.url
    page.goto(f"{base}/portal/")
    assert page.url == f"{base}/portal/"
    page.wait_for_selector("#portal-map[data-loaded='available:1']", timeout=15_000)
    text = page.locator("main").inner_text()
    assert "B-FREE" in text and "B-0001" not in text


@pytest.mark.django_db(transaction=True)
def test_language_switch_in_browser(world, live_server, page):
    base = live_server.url
    log_in(page, base, "evaluator")
    assert "宗地" in page.locator("header nav").inner_text()
    page.select_option("select[name=language]", "en")
    page.click("header form button:has-text('切换')")
    page.wait_for_load_state()
    assert "Parcels" in page.locator("header nav").inner_text()
