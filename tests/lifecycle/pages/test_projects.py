"""Project library pages: register, record progress, reassign a stalled project (refused before
three months without substantive progress), close; due dates on the list, scope by district."""

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from landcycle.lifecycle.models import ProjectLead, ProjectProgress
from tests.factories import JurisdictionFactory
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def text(response) -> str:
    return html.unescape(response.content.decode())


def _register(client, world, first_talk_on, amount="15000", name="集成电路封测基地"):
    return client.post(
        reverse("lifecycle:project_create"),
        {
            "name": name,
            "investor": "某半导体公司",
            "industry": "集成电路",
            "total_investment_10k_cny": amount,
            "leading_district": world.district.pk,
            "first_talk_on": first_talk_on.isoformat(),
        },
    )


def test_register_progress_refused_reassign_then_reassign_after_three_months(world):
    today = timezone.localdate()
    other = JurisdictionFactory(name="邻区", kind="district")
    officer = client_for(world.users["evaluation_officer"])
    assert _register(officer, world, today - dt.timedelta(days=60)).status_code == 302
    project = ProjectLead.objects.get()
    assert (project.total_investment_10k_cny, project.leading_district, project.status) == (
        15000.0,
        world.district,
        "talking",
    )
    step = lambda name: reverse("lifecycle:project_step", args=[project.pk, name])  # noqa: E731

    # Refused: reassigning before three months have passed without substantive progress.
    response = officer.post(
        step("reassign"),
        {
            "reassign-to": other.pk,
            "reassign-on": today.isoformat(),
            "reassign-confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "不能另行择优落地区：洽谈未满3个月无实质性进展" in text(response)
    project.refresh_from_db()
    assert project.status == "talking" and project.reassigned_to is None

    # Progress that is not substantive does not restart the clock.
    response = officer.post(
        step("progress"),
        {"progress-on": (today - dt.timedelta(days=10)).isoformat(), "progress-note": "初步接洽"},
    )
    assert response.status_code == 302
    record = ProjectProgress.objects.get(project=project)
    assert (record.note, record.substantive) == ("初步接洽", False)

    # Three months on (the first talk moved back), the list shows it due and reassignment works.
    ProjectLead.objects.filter(pk=project.pk).update(first_talk_on=today - dt.timedelta(days=120))
    page = text(officer.get(reverse("lifecycle:project_list")))
    assert "已满3个月，可另行择优" in page
    response = officer.post(
        step("reassign"),
        {
            "reassign-to": other.pk,
            "reassign-on": today.isoformat(),
            "reassign-confirm": "on",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "reassigned" and project.reassigned_to == other
    assert ProjectProgress.objects.filter(project=project, note__contains="邻区").exists()
    page = text(officer.get(reverse("lifecycle:project_detail", args=[project.pk])))
    assert "洽谈中 → 已另行择优落地区" in page


def test_due_date_and_rule_scope_on_the_list(world):
    today = timezone.localdate()
    officer = client_for(world.users["administrator"])
    _register(officer, world, dt.date(2026, 1, 10), name="大项目")
    _register(officer, world, dt.date(2026, 1, 10), amount="8000", name="小项目")
    page = text(officer.get(reverse("lifecycle:project_list")))
    assert "2026-04-10" in page  # 2026-01-10 + 3 months
    assert "不适用首谈制（不足1亿元）" in page
    big = ProjectLead.objects.get(name="大项目")
    response = officer.post(
        reverse("lifecycle:project_step", args=[big.pk, "close"]),
        {
            "close-outcome": "landed",
            "close-on": today.isoformat(),
            "close-note": "签订入园协议",
            "close-confirm": "on",
        },
    )
    assert response.status_code == 302
    big.refresh_from_db()
    assert big.status == "landed"
    # A closed project takes no further step: refused with its state.
    response = officer.post(
        reverse("lifecycle:project_step", args=[big.pk, "progress"]),
        {"progress-on": today.isoformat(), "progress-note": "回访"},
    )
    assert "不能记录洽谈进展：项目已落地，不再记录洽谈进展" in text(response)
    assert ProjectProgress.objects.filter(project=big).count() == 1


def test_register_refused_with_reasons(world):
    officer = client_for(world.users["administrator"])
    response = _register(officer, world, dt.date(2026, 1, 10), amount="-5")
    assert response.status_code == 200 and "大于或等于" in text(response)
    assert not ProjectLead.objects.exists()


def test_scope_street_sees_its_own_enterprise_none(world):
    ProjectLead.objects.create(
        name="甲街道首谈", total_investment_10k_cny=20000, leading_district=world.street_a,
        first_talk_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    ProjectLead.objects.create(
        name="乙街道首谈", total_investment_10k_cny=20000, leading_district=world.street_b,
        first_talk_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    page = text(client_for(world.users["street_officer"]).get(reverse("lifecycle:project_list")))
    assert "甲街道首谈" in page and "乙街道首谈" not in page and "登记项目" not in page
    page = text(client_for(world.users["enterprise_user"]).get(reverse("lifecycle:project_list")))
    assert "甲街道首谈" not in page and "没有项目" in page


def test_closing_needs_the_confirmation(world):
    project = ProjectLead.objects.create(
        name="待办结项目", total_investment_10k_cny=20000, leading_district=world.district,
        first_talk_on=dt.date(2026, 1, 10),
    )  # fmt: skip
    officer = client_for(world.users["evaluation_officer"])
    response = officer.post(
        reverse("lifecycle:project_step", args=[project.pk, "close"]),
        {"close-outcome": "dropped", "close-on": "2026-03-01", "close-note": ""},
    )
    assert response.status_code == 200 and "请勾选确认后再提交" in text(response)
    project.refresh_from_db()
    assert project.status == "talking" and not ProjectProgress.objects.exists()
