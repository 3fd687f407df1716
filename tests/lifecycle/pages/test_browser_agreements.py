"""A supervision agreement (履约监管协议) in a real browser (``-m browser``): the zone officer
registers it from the menu with a commitment in 万元/亩, the yearly check shows the breaches,
the street officer records the green-building stars, the first-quarter review lists it, an
expiry dated before the end of validity is refused (the reason on the page, nothing stored)
and the agreement then expires."""

import datetime as dt

import pytest

from landcycle.lifecycle.models import SupervisionAgreement as Agreement
from tests.web import test_browser as chromium

from .walk import Session, changed_by, shot

pytestmark = chromium.pytestmark
browser = chromium.browser


@pytest.mark.django_db(transaction=True)
def test_agreement_registered_checked_refused_and_expired(world, live_server, browser):  # noqa: F811
    base = live_server.url
    today = dt.date.today()
    signed = dt.date(today.year - 5, 3, 1)
    valid_to = today - dt.timedelta(days=10)

    zone = Session(browser, base, "evaluator")
    page = zone.page
    zone.menu("履约监管协议", "/agreements/")
    page.click("main a:has-text('登记协议')")
    page.fill("input[name=number]", "门园履约〔2021〕7号")
    page.fill("input[name=parcel]", "A-0001")
    page.fill("input[name=signed_on]", signed.isoformat())
    page.fill("input[name=valid_to]", valid_to.isoformat())
    # the rules' default terms are filled in; the tax commitment is written per 亩 here
    assert page.input_value("input[name=terms-0-value]") in ("11000", "11000.0")
    assert page.input_value("input[name=terms-1-unit]") == "万元/公顷"
    page.fill("input[name=terms-1-value]", "150")
    page.fill("input[name=terms-1-unit]", "万元/亩")
    shot(page, "agreements-01-create")
    page.click("#agreement button[type=submit]")
    page.wait_for_selector("text=已登记，达产日期")
    agreement = Agreement.objects.get()
    attainment = dt.date(signed.year + 3, 3, 1)  # 达产时间原则三年
    assert page.url == f"{base}/agreements/{agreement.pk}/"
    assert (agreement.status, agreement.enterprise, agreement.parcel) == (
        "active",
        world.ent_a,
        world.parcel_a,
    )
    assert (agreement.signed_on, agreement.valid_from, agreement.valid_to) == (
        signed,
        signed,
        valid_to,
    )
    assert agreement.attainment_due == attainment
    terms = {t.indicator: (t.value, t.unit) for t in agreement.terms.all()}
    assert terms == {
        "investment_per_ha": (11000.0, "万元/公顷"),
        "tax_per_ha": (150.0, "万元/亩"),
        "green_building_stars": (1.0, "星"),
    }
    # 150 万元/亩 is checked as 2250 万元/公顷 (1 公顷 = 15 亩)
    assert "2250 万元/公顷" in page.inner_text("main")

    # the yearly check of 2024: 400 万元/公顷 tax on 2 公顷, no investment, no stars yet
    page.select_option("select[name=year]", "2024")
    page.click("main form.filters button")
    page.wait_for_selector("#breaches")
    breaches = page.inner_text("#breaches")
    assert "2024年地均税收 400.00 低于承诺 2,250.00 万元/公顷" in breaches
    assert "2024年投资强度无数据" in breaches and "绿色建筑" in breaches
    shot(page, "agreements-02-detail")

    # the street officer of 甲街道 finds it in the list and records the green-building stars
    street = Session(browser, base, "street_a")
    street.menu("履约监管协议", "/agreements/")
    street.page.click("main a:has-text('门园履约〔2021〕7号')")
    street.page.select_option("#step-stars select[name=stars]", "2")
    street.page.click("#step-stars button[type=submit]")
    street.page.wait_for_selector("text=已记录：登记绿色建筑星级")
    assert "2 星级" in street.page.inner_text("main")
    agreement.refresh_from_db()
    assert (agreement.green_building_stars, agreement.status) == (2, "active")
    street.close()

    # the first-quarter review lists it (in the park ≥ 1 year), checked on last year's figures
    zone.menu("年度履约评估", "/agreements/review/")
    review = page.inner_text("main")
    assert "门园履约〔2021〕7号" in review and "甲制造有限公司" in review
    assert f"{today.year - 1}年地均税收无数据" in review
    shot(page, "agreements-03-review")

    # refused: an expiry dated before the end of validity; the reason shown, nothing stored
    page.click("main a:has-text('门园履约〔2021〕7号')")
    form = page.locator("#step-expire")
    form.locator("input[name=on]").fill((valid_to - dt.timedelta(days=1)).isoformat())
    form.locator("input[name=confirm]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".refused")
    refusal = page.inner_text(".refused")
    assert "未能办理" in refusal and f"协议有效期至 {valid_to}" in refusal
    assert "尚未到期" in refusal
    shot(page, "agreements-04-refused")
    agreement.refresh_from_db()
    assert agreement.status == "active"
    assert len(changed_by(agreement)) == 2  # created, stars: the refusal wrote nothing

    page.locator("input[name=on]").fill(valid_to.isoformat())
    page.check("input[name=confirm]")
    page.click("main .stepform button[type=submit]")
    page.wait_for_selector("text=已记录：协议到期")
    assert page.inner_text("#status") == "已到期"
    assert page.locator("form[id^=step-]").count() == 0  # an ended agreement has no steps
    shot(page, "agreements-05-expired")
    agreement.refresh_from_db()
    assert agreement.status == "expired"
    assert changed_by(agreement) == [
        ("evaluator", "create", "active"),
        ("street_a", "update", "active"),
        ("evaluator", "update", "expired"),
    ]
    zone.close()
