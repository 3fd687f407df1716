"""Stock land (存量土地) in a real browser (``-m browser``): the zone officer runs the
identification from the list (a parcel not started two years after its agreed start is idle
land, 国土资源部令第53号), a one-plot-one-plan whose deadline is not after its date is refused
(the reason on the page, nothing stored), the plan is made, the street officer starts the
disposal and reports progress, the zone officer records it disposed, and the rate page counts it."""

import datetime as dt
import re

import pytest

from landcycle.lifecycle.models import DisposalStep, StockLandCase
from tests.web import test_browser as chromium

from .walk import Session, changed_by, shot

pytestmark = chromium.pytestmark
browser = chromium.browser


def submit(page, **fields):
    """Fill a step form (text, textarea or date inputs by name), confirm, submit."""
    for name, value in fields.items():
        page.fill(f"main form.stepform [name={name}]", value)
    page.check("main form.stepform input[name=confirm]")
    page.click("main form.stepform button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_idle_land_identified_planned_refused_started_and_disposed(world, live_server, browser):  # noqa: F811
    base = live_server.url
    today = dt.date.today()
    # the ledger (as imported): agreed to start 800 days ago, not started, land price 1000 万元
    world.parcel_a.agreed_start = today - dt.timedelta(days=800)
    world.parcel_a.actual_start = None
    world.parcel_a.extra = {"土地价款 (万元)": 1000}
    world.parcel_a.save()

    zone = Session(browser, base, "evaluator")
    page = zone.page
    zone.menu("存量土地", "/stockland/")
    page.click("main button:has-text('按规则重新认定')")
    page.wait_for_selector("text=认定完成")
    found = re.search(r"发现 (\d+) 项，新立处置案件 (\d+) 件", page.inner_text("main"))
    assert found and int(found[2]) == StockLandCase.objects.count() >= 1
    case = StockLandCase.objects.get(parcel=world.parcel_a, category="idle")
    assert (case.status, case.identified_on, case.idle_since) == (
        "identified",
        today,
        world.parcel_a.agreed_start,
    )
    assert case.deadline is not None and case.deadline > today  # the rules' disposal period
    assert changed_by(case) == [("evaluator", "create", "identified")]
    shot(page, "stockland-01-identified")

    page.click(f"main a[href='/stockland/{case.pk}/']")
    text = page.inner_text("main")
    assert "可征缴 200 万元（土地价款的20%）" in text  # idle ≥ 1 year: 20 % of the price
    assert "闲置满两年，可无偿收回" in text
    shot(page, "stockland-02-detail")

    # refused: a plan whose deadline is not after the plan's date; nothing stored
    page.click("main a.button:has-text('制定一地一策方案')")
    plan = {
        "plan": "督促企业三个月内动工；逾期依法无偿收回",
        "task_force": "A-0001 闲置土地处置专班",
        "lead_unit": "园区规划建设局",
    }
    submit(page, **plan, deadline=today.isoformat(), on=today.isoformat())
    page.wait_for_selector(".refused")
    assert f"不能办理：处置期限 {today} 须晚于方案日期 {today}" in page.inner_text(".refused")
    shot(page, "stockland-03-refused")
    case.refresh_from_db()
    assert (case.status, case.plan, case.task_force) == ("identified", "", "")
    assert not DisposalStep.objects.filter(case=case).exists()

    deadline = today + dt.timedelta(days=180)
    submit(page, **plan, deadline=deadline.isoformat(), on=today.isoformat())
    page.wait_for_selector("text=已办理「制定一地一策方案」")
    case.refresh_from_db()
    assert (case.status, case.plan, case.task_force, case.lead_unit, case.deadline) == (
        "planned",
        plan["plan"],
        plan["task_force"],
        plan["lead_unit"],
        deadline,
    )

    # the street officer of 甲街道 starts the disposal and reports progress
    street = Session(browser, base, "street_a")
    spage = street.page
    street.menu("存量土地", "/stockland/")
    spage.click(f"main a[href='/stockland/{case.pk}/']")
    # the zone's steps are shown as such, not offered
    assert "处置完成（须由园区管委会办理）" in spage.inner_text("main")
    spage.click("main a.button:has-text('开始处置')")
    submit(spage, note="企业已进场清表")
    spage.wait_for_selector("text=已办理「开始处置」")
    spage.click("main a.button:has-text('报告处置进展')")
    submit(spage, note="主体结构开工，完成桩基", progress_percent="40")
    spage.wait_for_selector("text=已办理「报告处置进展」")
    shot(spage, "stockland-04-progress")
    case.refresh_from_db()
    assert case.status == "in_progress"
    street.close()

    page.goto(f"{base}/stockland/{case.pk}/")
    page.click("main a.button:has-text('处置完成')")
    submit(page, disposal_method="企业追加投资复工", note="已按期动工建设")
    page.wait_for_selector("text=已办理「处置完成」")
    shot(page, "stockland-05-disposed")
    case.refresh_from_db()
    assert (case.status, case.disposal_method, case.disposed_on) == (
        "disposed",
        "企业追加投资复工",
        today,
    )
    assert page.locator("main ul.steps").count() == 0  # a disposed case has no next step
    assert "案件已办结（已处置），不再提示" in page.inner_text("main")  # no fee or take-back prompt
    record = list(
        DisposalStep.objects.filter(case=case).values_list(
            "from_status", "to_status", "actor__username", "progress_percent", "on"
        )
    )
    assert record == [
        ("identified", "planned", "evaluator", None, today),
        ("planned", "in_progress", "street_a", None, today),
        ("", "", "street_a", 40, today),
        ("in_progress", "disposed", "evaluator", None, today),
    ]
    assert [who for who, *_ in changed_by(case)] == [
        "evaluator",
        "evaluator",
        "street_a",
        "evaluator",
    ]

    zone.menu("存量土地处置率", "/stockland/rate/")
    page.wait_for_selector("#chart-rate-trend canvas")
    stats = page.inner_text("main .stats")
    assert "已处置宗数\n1" in stats
    page.wait_for_timeout(1500)  # ECharts' entry animation (for the screenshot)
    shot(page, "stockland-06-rate")
    zone.close()
