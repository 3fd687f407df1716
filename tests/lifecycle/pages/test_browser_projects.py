"""The project library and the first-talk rule (首谈制, seeds/001 第五条) in a real browser
(``-m browser``): the zone officer registers two projects of ≥ 1 亿元 from the menu; reassigning
the one first talked a month ago is refused (three months without substantive progress have
not passed; the reason on the page, nothing stored), it gets an investment agreement and lands;
the one talked four months ago with no substantive progress is reassigned to another district."""

import datetime as dt

import pytest

from landcycle.lifecycle.models import ProjectLead, ProjectProgress
from tests.factories import JurisdictionFactory
from tests.web import test_browser as chromium

from .walk import Session, changed_by, shot

pytestmark = chromium.pytestmark
browser = chromium.browser


def register(session, name, amount, first_talk_on):
    page = session.page
    session.menu("高精尖项目库", "/projects/")
    page.click("main a:has-text('登记项目')")
    page.fill("input[name=name]", name)
    page.fill("input[name=investor]", "某科技集团有限公司")
    page.fill("input[name=industry]", "集成电路")
    page.fill("input[name=total_investment_10k_cny]", amount)
    page.select_option("select[name=leading_district]", label="测试区")
    page.fill("input[name=first_talk_on]", first_talk_on.isoformat())
    page.click("main button:has-text('登记（洽谈中）')")
    page.wait_for_selector(f"text=已登记项目「{name}」，首谈区 测试区")
    return ProjectLead.objects.get(name=name)


def step(page, name, **fields):
    form = page.locator(f"main form[data-step={name}]")
    for field, value in fields.items():
        target = form.locator(f"[name={name}-{field}]")
        if value is True:
            target.check()
        elif target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(label=value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_first_talk_refused_too_early_landed_and_reassigned(world, live_server, browser):  # noqa: F811
    base = live_server.url
    today = dt.date.today()
    other = JurisdictionFactory(name="邻区", kind="district")
    zone = Session(browser, base, "evaluator")
    page = zone.page

    stalled_since = today - dt.timedelta(days=130)
    stalled = register(zone, "集成电路封测基地", "15000", stalled_since)
    assert (stalled.status, stalled.total_investment_10k_cny, stalled.first_talk_on) == (
        "talking",
        15000.0,
        stalled_since,
    )
    assert stalled.leading_district == world.district
    # talks without substantive progress do not stop the clock
    step(page, "progress", on=(today - dt.timedelta(days=100)).isoformat(), note="投资方考察园区")
    page.wait_for_selector("text=记录洽谈进展，现为「洽谈中」")
    assert "已满3个月，可另行择优" in page.inner_text("main")

    recent_since = today - dt.timedelta(days=30)
    recent = register(zone, "新能源电池项目", "20000", recent_since)
    # refused: three months without substantive progress have not passed
    step(page, "reassign", to="邻区", on=today.isoformat(), confirm=True)
    page.wait_for_selector("[role=alert]")
    reason = "不能另行择优落地区：洽谈未满3个月无实质性进展，不能另行择优选择落地区"
    assert page.inner_text("form[data-step=reassign] [role=alert]") == reason
    assert page.inner_text("main").count("洽谈未满3个月") == 1  # shown once, by its form
    shot(page, "projects-01-refused")
    recent.refresh_from_db()
    assert (recent.status, recent.reassigned_to) == ("talking", None)
    assert not ProjectProgress.objects.filter(project=recent).exists()
    assert len(changed_by(recent)) == 1

    page.goto(f"{base}/projects/{recent.pk}/")
    step(page, "progress", on=today.isoformat(), note="签订投资协议", substantive=True)
    page.wait_for_selector("text=记录洽谈进展，现为「洽谈中」")
    step(
        page,
        "close",
        outcome="已落地",
        on=today.isoformat(),
        note="完成供地，项目落地",
        confirm=True,
    )
    page.wait_for_selector("dd[data-status=landed]")
    assert page.locator("main form[data-step]").count() == 0  # landed: no next step
    shot(page, "projects-02-landed")
    recent.refresh_from_db()
    assert recent.status == "landed"
    assert list(
        ProjectProgress.objects.filter(project=recent).values_list("on", "note", "substantive")
    ) == [(today, "签订投资协议", True), (today, "完成供地，项目落地", True)]

    # the list: the stalled one first, overdue since four months ago + 3 months
    zone.menu("高精尖项目库", "/projects/")
    first_row = page.locator("main table.list tbody tr").first.inner_text()
    assert "集成电路封测基地" in first_row and "已满3个月，可另行择优" in first_row
    shot(page, "projects-03-list")
    page.click("main a:has-text('集成电路封测基地')")
    step(page, "reassign", to="邻区", on=today.isoformat(), confirm=True)
    page.wait_for_selector("dd[data-status=reassigned]")
    assert page.inner_text("dd[data-status=reassigned]").endswith("：邻区")
    shot(page, "projects-04-reassigned")
    stalled.refresh_from_db()
    assert (stalled.status, stalled.reassigned_to) == ("reassigned", other)
    assert list(
        ProjectProgress.objects.filter(project=stalled).values_list("on", "note", "substantive")
    ) == [
        (today - dt.timedelta(days=100), "投资方考察园区", False),
        (today, "市产业主管部门另行择优：邻区", False),
    ]
    assert changed_by(stalled) == [
        ("evaluator", "create", "talking"),
        ("evaluator", "update", "reassigned"),
    ]
    zone.close()

    # the street officer's scope holds neither district's project
    street = Session(browser, base, "street_a")
    street.menu("高精尖项目库", "/projects/")
    assert "没有项目" in street.page.inner_text("main")
    street.close()
