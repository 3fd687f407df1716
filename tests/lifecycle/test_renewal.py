"""Beilun task table (seeds/002 附件2), progress from projects, ranking, reward, plan checks."""

from pathlib import Path

import pytest

from landcycle.core.units import MU
from landcycle.lifecycle.models import EnterpriseMeasure, RenewalProject, StreetTarget
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.renewal import (
    check_plan,
    create_project,
    import_task_table,
    parse_task_table,
    progress,
    record_measure,
    street_totals,
    transition,
)
from tests.factories import EnterpriseFactory, IndicatorReportFactory, ParcelFactory

from .conftest import d
from .factories import RenewalProjectFactory

BEILUN = Path("landcycle/lifecycle/data/beilun-2024-2026-street-tasks.csv").resolve()
# District totals as stated in the seed text (三、实施目标 and the 全区 row of 附件2).
SEED_TOTALS = {
    "blocks_renovated": 15,
    "renovated_land": 1500 * MU.factor,
    "far_projects": 100,
    "new_floor_area": 50 * 10_000,
    "enterprises_helped": 300,
    "polluters_remediated": 120,
    "green_factories": 180,
}


def _import():
    return import_task_table(
        BEILUN,
        district_name="北仑区",
        name="低效工业用地综合整治 2024-2026",
        start_year=2024,
        end_year=2026,
        source="仑政办〔2024〕22号 附件2",
    )


@pytest.mark.django_db
def test_beilun_table_imports_and_street_totals_equal_district_totals():
    table = _import()
    assert table.targets.values("street").distinct().count() == 12
    assert table.targets.count() == 12 * 8
    totals = street_totals(table)
    for key, value in SEED_TOTALS.items():
        assert totals[key] == pytest.approx(value), key
        assert table.district_totals[key] == pytest.approx(value)
    growth = StreetTarget.objects.filter(table=table, indicator="tax_per_mu_growth")
    assert set(growth.values_list("value", flat=True)) == {6.0}
    xinqi = StreetTarget.objects.get(table=table, street__name="新碶", indicator="renovated_land")
    assert xinqi.value == pytest.approx(300 * MU.factor) and xinqi.unit == "m2"


@pytest.mark.django_db
def test_reimport_replaces_and_keeps_streets():
    _import()
    table = _import()
    assert StreetTarget.objects.count() == 96
    assert table.district.children.count() == 12


@pytest.mark.django_db
def test_the_same_table_as_an_excel_workbook(tmp_path):
    import csv

    import xlsxwriter

    path = tmp_path / "任务分解表.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("附件2")
    with open(BEILUN, encoding="utf-8") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, cell in enumerate(row):
                if r and c:
                    sheet.write_number(r, c, float(cell))
                else:
                    sheet.write_string(r, c, cell)
    workbook.close()
    table = import_task_table(
        path, district_name="北仑区", name="xlsx", start_year=2024, end_year=2026
    )
    assert street_totals(table)["renovated_land"] == pytest.approx(SEED_TOTALS["renovated_land"])
    assert street_totals(table)["new_floor_area"] == pytest.approx(SEED_TOTALS["new_floor_area"])


def test_totals_mismatch_and_bad_cells_are_reported():
    text = BEILUN.read_text(encoding="utf-8").replace("新碶,2,300", "新碶,2,301")
    with pytest.raises(LifecycleError, match="各街道合计 1501亩 ≠ 全区 1500亩"):
        parse_task_table(text, "t.csv")
    text = BEILUN.read_text(encoding="utf-8").replace("小港,1,240", "小港,一,240")
    text = text.replace("（亩）", "（公里）")
    with pytest.raises(LifecycleError) as info:
        parse_task_table(text, "t.csv")
    assert "第1行 第3列" in str(info.value) and "第4行 第2列(B) (小港)" in str(info.value)


@pytest.mark.django_db
def test_progress_is_computed_from_projects_and_measures_and_ranked():
    table = _import()
    streets = {t.street.name: t.street for t in table.targets.select_related("street")}
    meishan, guoju = streets["梅山"], streets["郭巨"]
    # 梅山: target 1 block / 15 亩 / 2 FAR / 0.3 万m² / 6 helped / 3 / 3
    RenewalProjectFactory(
        street=meishan,
        status="completed",
        completed_on=d("2025-05-01"),
        land_area_m2=15 * MU.factor,
        new_floor_area_m2=3_000,
    )
    for _ in range(2):
        RenewalProjectFactory(
            street=meishan,
            kind="far",
            status="in_progress",
            started_on=d("2025-03-01"),
            land_area_m2=5_000,
        )
    for kind, count in (("helped", 6), ("remediated", 3), ("green_factory", 3)):
        for _ in range(count):
            EnterpriseMeasure.objects.create(
                enterprise=EnterpriseFactory(),
                street=meishan,
                kind=kind,
                completed_on=d("2025-06-01"),
            )
    # 郭巨: half a block's land, not completed → no block counted
    RenewalProjectFactory(street=guoju, status="in_progress", land_area_m2=7 * MU.factor)
    # a completion before the campaign does not count
    RenewalProjectFactory(street=guoju, status="completed", completed_on=d("2023-12-31"))
    result = {p.street: p for p in progress(table, d("2025-12-31"))}
    m = result["梅山"]
    assert m.actual["blocks_renovated"] == 1 and m.actual["far_projects"] == 2
    assert m.actual["renovated_land"] == pytest.approx(15 * MU.factor)
    assert m.renovated_mu == pytest.approx(15)
    assert m.completion == 1.0 and m.rank == 1
    assert m.reward_rate == 5.0 and m.reward_10k_cny == pytest.approx(75.0)  # 5 万元/亩 × 15 亩
    g = result["郭巨"]
    assert g.actual["blocks_renovated"] == 0 and g.reward_10k_cny is None and g.rank > 1


@pytest.mark.django_db
def test_tax_per_mu_growth_from_indicator_reports():
    table = _import()
    street = table.targets.get(indicator="blocks_renovated", street__name="春晓").street
    firm = EnterpriseFactory(scale="above")
    ParcelFactory(jurisdiction=street, holder=firm, registered_area_m2=10_000)
    IndicatorReportFactory(enterprise=firm, year=2023, tax_10k_cny=100)
    IndicatorReportFactory(enterprise=firm, year=2025, tax_10k_cny=121)
    small = EnterpriseFactory(scale="below")  # below scale: not counted
    ParcelFactory(jurisdiction=street, holder=small)
    IndicatorReportFactory(enterprise=small, year=2025, tax_10k_cny=1_000)
    result = {p.street: p for p in progress(table, d("2025-12-31"))}
    assert result["春晓"].actual["tax_per_mu_growth"] == pytest.approx(10.0)  # (1.21)^(1/2) − 1
    assert result["白峰"].actual["tax_per_mu_growth"] is None


@pytest.mark.django_db
def test_plan_checks_and_project_transitions():
    project = RenewalProjectFactory(
        land_area_m2=10_000,
        planned_far=1.8,
        planned_floor_area_m2=18_000,
        admin_living_land_m2=1_600,
        admin_living_floor_m2=5_500,
    )
    problems = check_plan(project)
    assert len(problems) == 3
    assert "低于 2" in problems[0] and "16.0%" in problems[1] and "30.6%" in problems[2]
    with pytest.raises(LifecycleError, match="方案不符合要求"):
        transition(project, "approve_plan", on=d("2025-01-10"))
    project.far_exception_reason = "危化品仓储，单层为宜"
    project.admin_living_land_m2, project.admin_living_floor_m2 = (
        1_500,
        5_400,
    )  # exactly 15 % / 30 %
    assert check_plan(project) == []
    with pytest.raises(LifecycleError, match="不能执行「竣工完成」"):
        transition(project, "complete", on=d("2025-01-10"))
    transition(project, "approve_plan", on=d("2025-01-10"))
    transition(project, "start", on=d("2025-02-10"))
    transition(project, "complete", on=d("2025-11-10"), new_floor_area_m2=8_000)
    project.refresh_from_db()
    assert project.status == RenewalProject.Status.COMPLETED and project.new_floor_area_m2 == 8_000


@pytest.mark.django_db
def test_create_project_is_planned_with_its_parcels_and_checked_at_approval():
    parcels = [ParcelFactory(), ParcelFactory()]
    street = parcels[0].jurisdiction
    project = create_project(
        name="老旧工业区块改造",
        street=street,
        kind="block",
        mode="joint",
        path="sort_upgrade",
        land_area_m2=10_000,
        parcels=parcels,
        planned_far=1.5,
        planned_floor_area_m2=15_000,
    )
    project.refresh_from_db()
    assert project.status == RenewalProject.Status.PLANNED
    assert set(project.parcels.all()) == set(parcels) and project.planned_far == 1.5
    with pytest.raises(LifecycleError, match="低于 2"):  # the plan rules still hold
        transition(project, "approve_plan", on=d("2025-01-10"))


@pytest.mark.django_db
def test_create_project_refuses_bad_fields_and_writes_nothing():
    street = ParcelFactory().jurisdiction
    with pytest.raises(LifecycleError) as info:
        create_project(
            name="",
            street=street,
            kind="tower",
            mode="joint",
            path="nowhere",
            land_area_m2=0,
            planned_far=-1,
            status="completed",
        )
    for words in (
        "未知字段 status",
        "项目名称为空",
        "项目类型",
        "改造路径",
        "涉企用地面积",
        "规划容积率",
    ):
        assert words in str(info.value)
    assert not RenewalProject.objects.exists()


@pytest.mark.django_db
def test_record_measure_once_per_enterprise_and_kind():
    firm = EnterpriseFactory()
    street = ParcelFactory(holder=firm).jurisdiction
    record_measure(enterprise=firm, street=street, kind="helped", completed_on=d("2025-03-01"))
    with pytest.raises(LifecycleError, match="已于 2025-03-01 记录"):
        record_measure(enterprise=firm, street=street, kind="helped", completed_on=d("2025-04-01"))
    with pytest.raises(LifecycleError, match="类型"):
        record_measure(enterprise=firm, street=street, kind="praised", completed_on=d("2025-04-01"))
    record_measure(
        enterprise=firm, street=street, kind="green_factory", completed_on=d("2025-05-01")
    )
    assert sorted(EnterpriseMeasure.objects.values_list("kind", flat=True)) == [
        "green_factory",
        "helped",
    ]


@pytest.mark.django_db
def test_revise_plan_only_before_approval_and_checked_again():
    from landcycle.lifecycle.services.renewal import revise_plan

    project = RenewalProjectFactory(
        planned_far=1.5, planned_floor_area_m2=150_000, admin_living_land_m2=20_000
    )
    assert len(check_plan(project)) == 2
    with pytest.raises(LifecycleError, match="规划容积率 不能为负"):
        revise_plan(project, planned_far=-1)
    with pytest.raises(LifecycleError, match="未知字段 status"):
        revise_plan(project, status="completed")
    project.refresh_from_db()
    assert project.planned_far == 1.5 and project.status == "planned"
    revise_plan(
        project, planned_far=1.8, far_exception_reason=" 临近机场限高 ", admin_living_land_m2=None
    )
    project.refresh_from_db()
    assert (project.planned_far, project.far_exception_reason, project.admin_living_land_m2) == (
        1.8,
        "临近机场限高",
        0.0,
    )
    assert check_plan(project) == []
    transition(project, "approve_plan", on=d("2025-01-10"))
    with pytest.raises(LifecycleError, match="方案已批准，不能修改"):
        revise_plan(project, planned_far=3.0)
    project.refresh_from_db()
    assert project.planned_far == 1.8
