"""Renewal (低效工业用地改造提升, seeds/002) in a real browser (``-m browser``): the zone officer
imports the street target table from the page (a table whose streets do not add up to the
district is refused, nothing written), registers a block project whose plan has FAR 1.6, is
refused approving it (FAR < 2.0 without a reason; the reason on the page, nothing stored),
revises and approves the plan; the street officer starts and completes the project and records
a helped enterprise; the table then shows the street's progress, rank and reward."""

import datetime as dt

import pytest

from landcycle.core.units import MU
from landcycle.lifecycle.models import EnterpriseMeasure, RenewalProject, StreetTarget, TaskTable
from tests.web import test_browser as chromium

from .walk import Session, changed_by, shot

pytestmark = chromium.pytestmark
browser = chromium.browser

HEADER = (
    "街道,改造提升老旧工业区块（个）,完成老工业区块改造涉企用地（亩）,"
    "存量工业用地空间挖潜新增竣工建筑面积（万平方米）,帮扶提升低效企业（家）\n"
)


def upload(page, world, path, year):
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=district]", str(world.district.pk))
    page.fill("input[name=name]", f"{year}年低效工业用地改造提升任务")
    page.fill("input[name=start_year]", str(year))
    page.fill("input[name=end_year]", str(year))
    page.fill("input[name=source]", f"测政办〔{year}〕22号 附件2")
    page.click("main button:has-text('检查并导入')")


def step(page, name, **fields):
    form = page.locator(f"main form[data-step={name}]")
    for field, value in fields.items():
        form.locator(f"[name={name}-{field}]").fill(value)
    form.locator(f"[name={name}-confirm]").check()  # approve, start, complete: irreversible
    form.locator("button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_renewal_table_imported_project_refused_approved_and_completed(
    world,
    live_server,
    browser,  # noqa: F811
    tmp_path,
):
    base = live_server.url
    today = dt.date.today()
    on = today.isoformat()

    zone = Session(browser, base, "evaluator")
    page = zone.page
    zone.menu("改造提升", "/renewal/")
    page.click("main a:has-text('导入任务分解表')")

    # refused: 甲街道 + 乙街道 land is 70 亩 but the district's target is 60 亩
    wrong = tmp_path / "任务分解表.csv"
    wrong.write_text(HEADER + "全区,2,60,2,2\n甲街道,1,40,1,1\n乙街道,1,30,1,1\n", "utf-8")
    upload(page, world, wrong, today.year)
    page.wait_for_selector("ul.problems")
    problems = page.inner_text("main")
    assert "未导入，没有写入任何数据" in problems
    assert "完成老工业区块改造涉企用地 各街道合计 70亩 ≠ 全区 60亩" in problems
    shot(page, "renewal-01-import-refused")
    assert not TaskTable.objects.exists() and not StreetTarget.objects.exists()

    right = tmp_path / "任务分解表（修正）.csv"
    right.write_text(HEADER + "全区,2,60,2,2\n甲街道,1,30,1,1\n乙街道,1,30,1,1\n", "utf-8")
    upload(page, world, right, today.year)
    page.wait_for_selector("text=已导入任务分解表")
    table = TaskTable.objects.get()
    assert page.url == f"{base}/renewal/tables/{table.pk}/"
    assert (table.district, table.start_year, table.end_year) == (
        world.district,
        today.year,
        today.year,
    )
    land = StreetTarget.objects.get(table=table, street=world.street_a, indicator="renovated_land")
    assert (land.value, land.unit) == (pytest.approx(30 * MU.factor), "m2")
    floor = StreetTarget.objects.get(table=table, street=world.street_a, indicator="new_floor_area")
    assert floor.value == pytest.approx(10_000)

    # a block project of 30 亩 in 甲街道 whose plan has FAR 1.6 and no reason for it
    zone.menu("改造提升", "/renewal/")
    page.click("main a:has-text('登记改造项目')")
    page.fill("input[name=name]", "甲街道老工业区块改造提升一期")
    page.select_option("select[name=street]", label="甲街道")
    page.select_option("select[name=kind]", "block")
    page.select_option("select[name=mode]", "joint")
    page.select_option("select[name=path]", "sort_upgrade")
    page.fill("input[name=land_area_m2]", "20000")
    page.fill("input[name=parcel_codes]", "A-0001")
    page.fill("input[name=planned_far]", "1.6")
    page.fill("input[name=planned_floor_area_m2]", "32000")
    page.fill("input[name=admin_living_land_m2]", "2000")
    page.fill("input[name=admin_living_floor_m2]", "4000")
    shot(page, "renewal-02-create")
    page.click("main button:has-text('登记（计划）')")
    page.wait_for_selector("dd[data-status=planned]")
    project = RenewalProject.objects.get()
    assert page.url == f"{base}/renewal/{project.pk}/"
    assert (project.street, project.kind, project.mode, project.path, project.status) == (
        world.street_a,
        "block",
        "joint",
        "sort_upgrade",
        "planned",
    )
    assert (project.land_area_m2, project.planned_far, project.admin_living_land_m2) == (
        20000,
        1.6,
        2000,
    )
    assert list(project.parcels.values_list("code", flat=True)) == ["A-0001"]
    assert "规划容积率 1.6 低于 2 且未说明理由" in page.inner_text("ul.plan-problems")

    # refused: approving a plan that fails the FAR check; nothing changes
    step(page, "approve_plan", on=on)
    page.wait_for_selector("[role=alert]")
    alert = page.inner_text("form[data-step=approve_plan] [role=alert]")
    assert "不能批准方案：方案不符合要求: 规划容积率 1.6 低于 2 且未说明理由" in alert
    shot(page, "renewal-03-refused")
    project.refresh_from_db()
    assert (project.status, project.plan_approved_on) == ("planned", None)
    assert len(changed_by(project)) == 1

    # the plan revised to FAR 2.4, then approved
    page.click("form[data-step=plan] summary")
    page.fill("input[name=plan-planned_far]", "2.4")
    page.fill("input[name=plan-planned_floor_area_m2]", "48000")
    page.click("form[data-step=plan] button:has-text('保存方案')")
    page.wait_for_selector("p.plan-ok")
    step(page, "approve_plan", on=on)
    page.wait_for_selector("dd[data-status=approved]")
    project.refresh_from_db()
    assert (project.status, project.planned_far, project.plan_approved_on) == (
        "approved",
        2.4,
        today,
    )

    # the street officer of 甲街道 starts and completes it, and records a helped enterprise
    street = Session(browser, base, "street_a")
    spage = street.page
    street.menu("改造提升", "/renewal/")
    spage.click("main a:has-text('甲街道老工业区块改造提升一期')")
    assert spage.locator("form[data-step=approve_plan]").count() == 0  # the zone's step
    step(spage, "start", on=on)
    spage.wait_for_selector("dd[data-status=in_progress]")
    step(spage, "complete", on=on, new_floor_area_m2="12000")
    spage.wait_for_selector("dd[data-status=completed]")
    assert spage.locator("main form[data-step]").count() == 0  # completed: no next step
    text = spage.inner_text("main")
    assert "方案已批 → 实施中" in text and "实施中 → 已完成" in text
    assert "新增竣工建筑面积 12000 平方米" in text
    shot(spage, "renewal-04-completed")
    project.refresh_from_db()
    assert (project.status, project.started_on, project.completed_on) == (
        "completed",
        today,
        today,
    )
    assert project.new_floor_area_m2 == 12000
    assert [(who, status) for who, _action, status in changed_by(project)] == [
        ("evaluator", "planned"),
        ("evaluator", "planned"),  # the plan revised
        ("evaluator", "approved"),
        ("street_a", "in_progress"),
        ("street_a", "completed"),
    ]

    spage.goto(f"{base}/renewal/")
    spage.click("main a:has-text('记录企业提升事项')")
    spage.fill("input[name=enterprise]", world.ent_a.name)
    spage.select_option("select[name=street]", label="甲街道")
    spage.select_option("select[name=kind]", "helped")
    spage.fill("input[name=completed_on]", on)
    spage.click("main button:has-text('记录')")
    spage.wait_for_selector("text=已记录：甲制造有限公司「帮扶提升低效企业」")
    measure = EnterpriseMeasure.objects.get()
    assert (measure.enterprise, measure.street, measure.kind, measure.completed_on) == (
        world.ent_a,
        world.street_a,
        "helped",
        today,
    )

    # the table: 甲街道 met every target (1 block, 30 亩, 1.2 万平方米, 1 enterprise), ranks
    # first of two and is rewarded 3 万元/亩 × 30 亩 (rules.toml [renewal] reward_bands)
    spage.click("main a:has-text('年低效工业用地改造提升任务')")
    rows = spage.locator("table.ranking tbody tr")
    first = rows.nth(0).inner_text().split("\t")
    assert first[:3] == ["1", "甲街道", "100%"]
    assert first[3:7] == ["1 / 1", "30 / 30", "1.20 / 1", "1 / 1"]
    assert first[-3:] == ["30", "3", "90"]
    assert rows.nth(1).inner_text().split("\t")[:3] == ["2", "乙街道", "0%"]
    shot(spage, "renewal-05-table")
    street.close()
    zone.close()
