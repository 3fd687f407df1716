"""A refusal is shown ONCE on the page that refused it: the lifecycle forms laid out with
``form.as_p`` repeated the service's reason as a list under the page's own message (three times
on a project's step: the page's alert, the form's, and the list). Several members of the family
(project library, renewal, available-land list): each reason appears once, nothing stored."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from landcycle.lifecycle.models import (
    AvailableLandList,
    EnterpriseMeasure,
    ProjectLead,
    RenewalProject,
)
from tests.factories import JurisdictionFactory
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def shown(response, reason: str) -> int:
    """How many times ``reason`` is on the page (text, entities decoded)."""
    assert response.status_code == 200
    return html.unescape(response.content.decode()).count(reason)


def test_project_step_refusal_once(world):
    today = timezone.localdate()
    other = JurisdictionFactory(name="邻区", kind="district")
    project = ProjectLead.objects.create(
        name="新能源电池项目", total_investment_10k_cny=20000, leading_district=world.district,
        first_talk_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    officer = client_for(world.users["evaluation_officer"])
    response = officer.post(
        reverse("lifecycle:project_step", args=[project.pk, "reassign"]),
        {"reassign-to": other.pk, "reassign-on": today.isoformat(), "reassign-confirm": "on"},
    )
    reason = "洽谈未满3个月无实质性进展，不能另行择优选择落地区"
    assert shown(response, reason) == 1
    assert shown(response, f"不能另行择优落地区：{reason}") == 1
    project.refresh_from_db()
    assert (project.status, project.reassigned_to) == ("talking", None)


def test_renewal_create_measure_and_plan_refusals_once(world):
    officer = client_for(world.users["evaluation_officer"])
    data = {
        "name": "甲街道老旧工业区块改造", "street": world.street_a.pk, "kind": "block",
        "mode": "joint", "path": "sort_upgrade", "land_area_m2": "0", "parcel_codes": "",
    }  # fmt: skip
    response = officer.post(reverse("lifecycle:renewal_create"), data)
    assert shown(response, "涉企用地面积 0.0 平方米无效（须 > 0）") == 1
    assert not RenewalProject.objects.exists()

    project = RenewalProject.objects.create(
        name="甲块", street=world.street_a, kind="block", mode="joint", path="sort_upgrade",
        land_area_m2=20000, planned_far=1.6, admin_living_land_m2=2000,
    )  # fmt: skip
    plan = {"plan-planned_far": "2.4", "plan-admin_living_land_m2": "-1"}
    response = officer.post(reverse("lifecycle:renewal_step", args=[project.pk, "plan"]), plan)
    assert shown(response, "行政办公及生活服务设施用地 (平方米) 不能为负") == 1
    project.refresh_from_db()
    assert (project.planned_far, project.admin_living_land_m2) == (1.6, 2000)

    street = client_for(world.users["street_officer"])
    measure = {
        "enterprise": world.ent_a.uscc, "street": world.street_a.pk, "kind": "helped",
        "completed_on": "2026-04-01", "note": "",
    }  # fmt: skip
    assert street.post(reverse("lifecycle:renewal_measure"), measure).status_code == 302
    response = street.post(reverse("lifecycle:renewal_measure"), measure)
    assert shown(response, "「帮扶提升低效企业」已于 2026-04-01 记录") == 1
    assert EnterpriseMeasure.objects.count() == 1


def test_available_list_refusals_once(world):
    officer = client_for(world.users["evaluation_officer"])
    empty = AvailableLandList.objects.create(year=2027, jurisdiction=world.street_a, title="空")
    response = officer.post(
        reverse("lifecycle:available_step", args=[empty.pk, "approve"]),
        {"on": "2026-03-02", "confirm": "on"},
    )
    assert shown(response, "清单为空，不能审核") == 1
    empty.refresh_from_db()
    assert empty.status == "draft"

    draft = AvailableLandList.objects.get(jurisdiction=world.street_a, year=2025)
    response = officer.post(
        reverse("lifecycle:available_add", args=[draft.pk]),
        {
            "parcel_code": "B-0001",
            "category": "reserve",
            "cost_10k_cny": "860",
            "conditions": "净地",
            "procedure": "挂牌出让",
            "time_days": "45",
        },  # fmt: skip
    )
    assert shown(response, "宗地不在甲街道范围内") == 1
    assert draft.entries.count() == 1  # the world's entry only
