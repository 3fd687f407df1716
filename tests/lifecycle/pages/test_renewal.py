"""Renewal pages: a project through its steps (plan checks refused with reasons), the street
target table uploaded (xlsx, GBK CSV; errors name sheet, row, column and value; nothing
written), progress, ranking and reward on the table's page, enterprise measures."""

import datetime as dt
import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from landcycle.core.units import MU
from landcycle.lifecycle.models import EnterpriseMeasure, RenewalProject, StreetTarget, TaskTable
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def text(response) -> str:
    return html.unescape(response.content.decode())


TABLE = """街道,改造提升老旧工业区块（个）,完成老工业区块改造涉企用地（亩）,帮扶提升低效企业（家）
全区,3,150,10
甲街道,2,100,6
乙街道,1,50,4
"""


def _project(client, world, **extra):
    data = {
        "name": "甲街道老旧工业区块改造",
        "street": world.street_a.pk,
        "kind": "block",
        "mode": "government_acquisition",
        "path": "demolish_relocate",
        "land_area_m2": "20000",
        "parcel_codes": "A-0001, A1-0001",
        "planned_far": "1.6",
        "planned_floor_area_m2": "32000",
        "admin_living_land_m2": "4000",
        "admin_living_floor_m2": "3000",
        "far_exception_reason": "",
        **extra,
    }
    return client.post(reverse("lifecycle:renewal_create"), data)


def test_project_registered_refused_at_plan_check_then_walked_to_completion(world):
    officer = client_for(world.users["evaluation_officer"])
    response = _project(officer, world)
    project = RenewalProject.objects.get()
    assert response.status_code == 302
    assert (project.street, project.mode, project.path, project.status) == (
        world.street_a,
        "government_acquisition",
        "demolish_relocate",
        "planned",
    )
    assert {p.code for p in project.parcels.all()} == {"A-0001", "A1-0001"}
    detail = reverse("lifecycle:renewal_detail", args=[project.pk])
    page = officer.get(detail).content.decode()
    # Plan checks with reasons: FAR below 2.0 without a reason, land share 20 % > 15 %.
    assert "规划容积率 1.6 低于 2 且未说明理由" in page
    assert "行政办公及生活服务设施用地占 20.0%，超过 15%" in page
    assert "占总建筑面积 9.4%" in page

    # Refused: approving the plan shows the reasons; nothing changes.
    step = lambda name: reverse("lifecycle:renewal_step", args=[project.pk, name])  # noqa: E731
    response = officer.post(
        step("approve_plan"), {"approve_plan-on": "2026-01-05", "approve_plan-confirm": "on"}
    )
    assert response.status_code == 200 and "不能批准方案：方案不符合要求" in text(response)
    project.refresh_from_db()
    assert project.status == "planned" and project.plan_approved_on is None
    # Refused: starting before approval.
    street = client_for(world.users["street_officer"])
    response = street.post(step("start"), {"start-on": "2026-01-05", "start-confirm": "on"})
    assert "不能开工：项目处于「计划」，不能执行「开工」（须处于「方案已批」）" in (
        response.content.decode()
    )

    # The plan revised on the page (a negative figure refused), then approved, started, completed.
    plan = {
        "plan-planned_far": "2.4",
        "plan-planned_floor_area_m2": "48000",
        "plan-admin_living_land_m2": "-1",
        "plan-admin_living_floor_m2": "3000",
        "plan-far_exception_reason": "",
    }
    response = officer.post(step("plan"), plan)
    assert "不能修改方案：行政办公及生活服务设施用地 (平方米) 不能为负" in text(response)
    project.refresh_from_db()
    assert project.planned_far == 1.6 and project.admin_living_land_m2 == 4000
    response = officer.post(step("plan"), {**plan, "plan-admin_living_land_m2": "2000"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.planned_far, project.planned_floor_area_m2, project.admin_living_land_m2) == (
        2.4,
        48000,
        2000,
    )
    assert "方案符合要求" in text(officer.get(detail))
    assert (
        officer.post(
            step("approve_plan"), {"approve_plan-on": "2026-01-05", "approve_plan-confirm": "on"}
        ).status_code
        == 302
    )
    # The street officer may not approve plans, but works its project.
    assert (
        street.post(
            step("approve_plan"), {"approve_plan-on": "2026-01-05", "approve_plan-confirm": "on"}
        ).status_code
        == 403
    )
    assert (
        street.post(step("start"), {"start-on": "2026-02-01", "start-confirm": "on"}).status_code
        == 302
    )
    response = street.post(
        step("complete"),
        {
            "complete-on": "2026-09-30",
            "complete-new_floor_area_m2": "12000",
            "complete-confirm": "on",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "completed"
    assert project.plan_approved_on == dt.date(2026, 1, 5)
    assert project.started_on == dt.date(2026, 2, 1)
    assert project.completed_on == dt.date(2026, 9, 30) and project.new_floor_area_m2 == 12000
    page = officer.get(detail).content.decode()
    assert "方案已批 → 实施中" in page and "实施中 → 已完成" in page


def test_project_form_refuses_parcels_outside_the_street(world):
    officer = client_for(world.users["evaluation_officer"])
    response = _project(officer, world, parcel_codes="A-0001 B-0001")
    assert response.status_code == 200
    assert "宗地 B-0001 不存在、不在甲街道或不在您的权限范围内" in response.content.decode()
    response = _project(officer, world, parcel_codes="", land_area_m2="0")
    assert "涉企用地面积 0.0 平方米无效" in response.content.decode()
    assert not RenewalProject.objects.exists()


def _upload(client, world, name, content, **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "district": world.district.pk,
        "name": "改造提升任务 2026",
        "start_year": "2026",
        "end_year": "2026",
        "source": "",
        **extra,
    }
    return client.post(reverse("lifecycle:renewal_import"), data)


def test_task_table_uploaded_progress_ranked_and_rewarded(world):
    officer = client_for(world.users["administrator"])
    response = _upload(officer, world, "任务.csv", TABLE.encode("gbk"))  # GBK, as WPS saves
    table = TaskTable.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lifecycle:renewal_table", args=[table.pk])
    land = StreetTarget.objects.get(table=table, street=world.street_a, indicator="renovated_land")
    assert land.value == pytest.approx(100 * MU.factor) and land.unit == "m2"
    assert table.district_totals["enterprises_helped"] == 10
    # Work done in street A: a completed block of 100 亩 and six helped enterprises.
    RenewalProject.objects.create(
        name="甲块",
        street=world.street_a,
        kind="block",
        mode="joint",
        path="sort_upgrade",
        status="completed",
        land_area_m2=50 * MU.factor,
        completed_on=dt.date(2026, 5, 1),
    )
    RenewalProject.objects.create(
        name="甲块二",
        street=world.street_a,
        kind="block",
        mode="joint",
        path="sort_upgrade",
        status="completed",
        land_area_m2=50 * MU.factor,
        completed_on=dt.date(2026, 6, 1),
    )
    from tests.factories import EnterpriseFactory

    for _n in range(6):
        EnterpriseMeasure.objects.create(
            enterprise=EnterpriseFactory(),
            street=world.street_a,
            kind="helped",
            completed_on=dt.date(2026, 4, 1),
        )
    page = officer.get(
        reverse("lifecycle:renewal_table", args=[table.pk]), {"as_of": "2026-12-31"}
    ).content.decode()
    rows = page.split('<table class="list ranking">')[1].split("<tr>")
    first, second = rows[2], rows[3]
    assert "<td>1</td><td>甲街道</td><td>100%</td>" in first
    assert "100 / 100" in first  # 亩 completed / target
    # Rank 1 of 2 (top 50 %) and completed: the 0.6 band, 3 万元/亩 × 100 亩.
    assert "<td>100</td><td>3</td><td>300</td>" in first
    assert "<td>2</td><td>乙街道</td><td>0%</td>" in second and "—</td><td>—</td>" in second


@pytest.mark.parametrize(
    "name, content, expected",
    [
        (
            "任务.csv",
            TABLE.replace("甲街道,2,100", "甲街道,2,一百").encode(),
            "任务.csv 第3行 第3列(C) (甲街道)「完成老工业区块改造涉企用地（亩）」: '一百' 不是非负数字",
        ),
        (
            "任务.csv",
            TABLE.replace("甲街道,2,100", "甲街道,2,101").encode(),
            "完成老工业区块改造涉企用地 各街道合计 151亩 ≠ 全区 150亩",
        ),
        (
            "任务.csv",
            TABLE.replace("（亩）", "（公里）").encode(),
            "任务.csv 第1行 第3列(C)「完成老工业区块改造涉企用地（公里）」",
        ),
        ("任务.xlsx", b"not a workbook at all", "无法作为工作簿打开"),
        ("任务.pdf", b"%PDF", "不支持的文件类型"),
    ],
)
def test_bad_task_tables_are_refused_with_where_and_why_and_nothing_written(
    world, name, content, expected
):
    officer = client_for(world.users["administrator"])
    response = _upload(officer, world, name, content)
    assert response.status_code == 200
    assert expected in text(response)
    assert not TaskTable.objects.exists() and not StreetTarget.objects.exists()


def test_xlsx_sheet_named_in_errors(world, tmp_path):
    import xlsxwriter

    path = tmp_path / "任务.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("附件2")
    for r, row in enumerate(line.split(",") for line in TABLE.strip().splitlines()):
        for c, cell in enumerate(row):
            sheet.write(r, c, cell if (r == 0 or c == 0 or cell == "") else float(cell))
    sheet.write(3, 1, "壹")
    book.close()
    officer = client_for(world.users["administrator"])
    response = _upload(officer, world, "任务.xlsx", Path(path).read_bytes())
    assert "任务.xlsx「附件2」 第4行 第2列(B) (乙街道)「改造提升老旧工业区块（个）」: '壹'" in text(
        response
    )
    assert not TaskTable.objects.exists()


def test_measures_recorded_once_and_refused_twice(world):
    street = client_for(world.users["street_officer"])
    url = reverse("lifecycle:renewal_measure")
    data = {
        "enterprise": world.ent_a.uscc,
        "street": world.street_a.pk,
        "kind": "green_factory",
        "completed_on": "2026-04-01",
        "note": "",
    }
    assert street.post(url, data).status_code == 302
    measure = EnterpriseMeasure.objects.get()
    assert (measure.enterprise, measure.kind, measure.completed_on) == (
        world.ent_a,
        "green_factory",
        dt.date(2026, 4, 1),
    )
    response = street.post(url, data)
    assert "「创建绿色工厂」已于 2026-04-01 记录" in response.content.decode()
    # An enterprise outside the officer's streets is not found.
    response = street.post(url, {**data, "enterprise": world.ent_b.uscc})
    assert "不存在或不在您的权限范围内" in response.content.decode()
    assert EnterpriseMeasure.objects.count() == 1


def test_lists_are_cut_by_scope(world):
    RenewalProject.objects.create(
        name="甲项目", street=world.street_a, kind="far", mode="joint", path="sort_upgrade",
        land_area_m2=1000,
    ).parcels.set([world.parcel_a])  # fmt: skip
    RenewalProject.objects.create(
        name="乙项目", street=world.street_b, kind="far", mode="joint", path="sort_upgrade",
        land_area_m2=1000,
    ).parcels.set([world.parcel_b])  # fmt: skip
    for role, seen, hidden in (
        ("street_officer", "甲项目", "乙项目"),
        ("enterprise_user", "甲项目", "乙项目"),
        ("department_reader", "乙项目", "—"),
    ):
        page = client_for(world.users[role]).get(reverse("lifecycle:renewal_list")).content
        page = page.decode()
        assert seen in page and hidden not in page.split("改造项目</h2>")[1].replace("—", "")


def test_task_table_beyond_the_import_limits_is_refused_before_reading(world, settings):
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 3  # the table has 4 lines
    officer = client_for(world.users["administrator"])
    response = _upload(officer, world, "任务.csv", TABLE.encode())
    assert "行数过多" in text(response) and "上限 3 行" in text(response)
    assert not TaskTable.objects.exists()


@pytest.mark.parametrize(
    ("status", "step", "role"),
    [
        ("planned", "approve_plan", "evaluation_officer"),
        ("approved", "start", "street_officer"),
        ("in_progress", "complete", "street_officer"),
    ],
)
def test_project_moves_need_the_confirmation(world, status, step, role):
    project = RenewalProject.objects.create(
        name="甲块", street=world.street_a, kind="block", mode="joint", path="sort_upgrade",
        land_area_m2=20000, planned_far=2.4, status=status,
    )  # fmt: skip
    response = client_for(world.users[role]).post(
        reverse("lifecycle:renewal_step", args=[project.pk, step]), {f"{step}-on": "2026-03-01"}
    )
    assert response.status_code == 200 and "请勾选确认后再提交" in text(response)
    project.refresh_from_db()
    assert project.status == status
    assert (project.plan_approved_on, project.started_on, project.completed_on) == (None,) * 3
