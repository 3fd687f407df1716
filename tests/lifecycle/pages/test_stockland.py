"""Stock-land pages: identification, one-plot-one-plan steps and progress, refusals, flags, rate."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from landcycle.lifecycle.models import DisposalStep, StockLandCase
from landcycle.lifecycle.services import stockland
from tests.web.conftest import client_for

TODAY = dt.date.today()


def idle_case(parcel, years_idle: float, **fields):
    return StockLandCase.objects.create(
        parcel=parcel,
        category="idle",
        identified_on=TODAY - dt.timedelta(days=30),
        basis=["约定开工日期后满1年未动工"],
        idle_since=TODAY - dt.timedelta(days=int(365.25 * years_idle)),
        **fields,
    )


def post(client, case, step, **data):
    payload = {"on": TODAY.isoformat(), "note": "", "confirm": "on", **data}
    return client.post(reverse("lifecycle:stockland_step", args=[case.pk, step]), payload)


def test_identification_opens_cases_from_the_page(world):
    world.parcel_a.agreed_start = TODAY - dt.timedelta(days=800)
    world.parcel_a.actual_start = None
    world.parcel_a.extra = {"土地价款 (万元)": 1000}
    world.parcel_a.save()
    client = client_for(world.users["evaluation_officer"])
    response = client.post(reverse("lifecycle:stockland_identify"))
    assert response.status_code == 302
    case = StockLandCase.objects.get(parcel=world.parcel_a, category="idle")
    assert case.idle_since == world.parcel_a.agreed_start and case.status == "identified"
    page = client.get(reverse("lifecycle:stockland_list"))
    text = page.content.decode()
    assert "认定完成" in text
    assert "可无偿收回" in text and "可征闲置费 200 万元" in text  # 20 % of 1000, no float noise
    # class D of parcel_b in the adopted run: a low-efficiency finding
    assert StockLandCase.objects.filter(parcel=world.parcel_b, category="low_efficiency").exists()


def test_plan_start_progress_dispose_through_the_pages(world):
    case = idle_case(world.parcel_a, 1.5)
    zone = client_for(world.users["evaluation_officer"])
    street = client_for(world.users["street_officer"])
    # the plan is the zone's: a street officer is refused with the reason
    response = post(street, case, "plan", plan="p", task_force="t", lead_unit="l")
    assert (
        response.status_code == 403 and "此步骤须由园区管委会经办人员" in response.content.decode()
    )
    # an incomplete plan: the service's reason on the form
    response = post(zone, case, "plan", plan="限期开工", task_force="专班", lead_unit="")
    assert response.status_code == 200
    deadline = TODAY + dt.timedelta(days=90)
    response = post(
        zone, case, "plan", plan="约谈企业，限期开工", task_force="盘活专班",
        lead_unit="自然资源和规划局", deadline=deadline.isoformat(),
    )  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.plan, case.task_force, case.lead_unit, case.deadline) == (
        "planned", "约谈企业，限期开工", "盘活专班", "自然资源和规划局", deadline,
    )  # fmt: skip
    assert post(street, case, "start").status_code == 302
    assert (
        post(street, case, "progress", note="企业已进场", progress_percent="40").status_code == 302
    )
    case.refresh_from_db()
    assert case.status == "in_progress"
    # disposal without its method: refused on the page, nothing changes
    response = post(zone, case, "dispose", disposal_method="")
    assert "请填写处置方式" in response.content.decode()
    assert post(zone, case, "dispose", disposal_method="企业追加投资复工").status_code == 302
    case.refresh_from_db()
    assert (case.status, case.disposal_method, case.disposed_on) == (
        "disposed",
        "企业追加投资复工",
        TODAY,
    )
    record = list(
        DisposalStep.objects.filter(case=case).values_list(
            "from_status", "to_status", "actor_name", "progress_percent", "note"
        )
    )
    assert record == [
        ("identified", "planned", "evaluator", None, ""),
        ("planned", "in_progress", "street_a", None, ""),
        ("", "", "street_a", 40, "企业已进场"),
        ("in_progress", "disposed", "evaluator", None, ""),
    ]
    # a closed case: progress is refused on the page
    response = street.get(reverse("lifecycle:stockland_step", args=[case.pk, "progress"]))
    assert "不能办理「报告处置进展」" in response.content.decode()
    response = post(street, case, "progress", note="再报")
    assert "不能再报告进展" in response.content.decode()
    assert DisposalStep.objects.filter(case=case).count() == 4


def test_cancel_needs_a_reason(world):
    case = idle_case(world.parcel_a, 0.5)
    zone = client_for(world.users["administrator"])
    assert "撤销认定须说明理由" in post(zone, case, "cancel", reason="").content.decode()
    assert post(zone, case, "cancel", reason="已动工").status_code == 302
    case.refresh_from_db()
    assert case.status == "cancelled" and case.basis[-1].endswith("撤销认定: 已动工")


def test_flags_and_filters(world):
    old = idle_case(world.parcel_a, 2.5)
    young = idle_case(world.parcel_a1, 1.2)
    fresh = idle_case(world.parcel_b, 0.3, deadline=TODAY - dt.timedelta(days=1))
    client = client_for(world.users["department_reader"])
    url = reverse("lifecycle:stockland_list")

    def shown(**query):
        text = client.get(url, query).content.decode()
        return {c.parcel.code for c in (old, young, fresh) if f">{c.parcel.code}<" in text}

    assert shown() == {"A-0001", "A1-0001", "B-0001"}
    assert shown(flag="take_back") == {"A-0001"}
    assert shown(flag="fee_due") == {"A-0001", "A1-0001"}
    assert shown(flag="overdue") == {"B-0001"}
    assert shown(jurisdiction=world.street_a.pk) == {"A-0001", "A1-0001"}
    flags = stockland.idle_flags("idle", young.idle_since, {}, TODAY)
    assert flags.fee_due and not flags.take_back and flags.fee_10k_cny is None
    street = client_for(world.users["street_officer"]).get(url).content.decode()
    assert ">A-0001<" in street and ">B-0001<" not in street


def test_closed_cases_no_longer_prompt_the_fee_or_take_back(world):
    """As the list's 提示 filter: the prompts are for open cases, not a disposed or cancelled one."""
    disposed = idle_case(world.parcel_a, 2.5, status="disposed", disposal_method="协议收回")
    cancelled = idle_case(world.parcel_a1, 2.5, status="cancelled")
    open_case = idle_case(world.parcel_b, 2.5)
    client = client_for(world.users["evaluation_officer"])
    listed = client.get(reverse("lifecycle:stockland_list")).content.decode()
    assert listed.count("可无偿收回</span>") == 1 and listed.count("可征闲置费") == 1
    for case in (disposed, cancelled):
        text = client.get(reverse("lifecycle:stockland_detail", args=[case.pk])).content.decode()
        assert "可无偿收回" not in text and "可征缴" not in text
        assert f"案件已办结（{case.get_status_display()}），不再提示" in text
    text = client.get(reverse("lifecycle:stockland_detail", args=[open_case.pk])).content.decode()
    assert "闲置满两年，可无偿收回" in text and "可征缴" in text


def test_rate_page_counts_by_area_against_the_target(world):
    world.parcel_a.registered_area_m2 = 30_000
    world.parcel_a.save()
    world.parcel_b.registered_area_m2 = 10_000
    world.parcel_b.save()
    done = idle_case(world.parcel_a, 1.0)
    stockland.transition(done, "plan", on=TODAY, plan="p", task_force="t", lead_unit="l")
    stockland.transition(done, "dispose", on=TODAY, disposal_method="收回")
    idle_case(world.parcel_b, 1.0)
    response = client_for(world.users["evaluation_officer"]).get(
        reverse("lifecycle:stockland_rate")
    )
    text = response.content.decode()
    data = json.loads(re.search(r'id="stock-rate-data"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert data["target"] == 60.0
    assert data["month_rates"][-1] == 75.0  # 30,000 of 40,000 m²
    assert dict(zip(data["streets"], data["street_rates"], strict=True)) == {
        "甲街道": 100.0,
        "乙街道": 0.0,
    }
    assert "已达标" in text
    # the street officer's chart counts only their street
    text = (
        client_for(world.users["street_officer"])
        .get(reverse("lifecycle:stockland_rate"))
        .content.decode()
    )
    data = json.loads(re.search(r'id="stock-rate-data"[^>]*>(.*?)</script>', text, re.S).group(1))
    assert data["streets"] == ["甲街道"]


@pytest.mark.parametrize("step", ["plan", "dispose", "cancel"])
def test_zone_steps_refused_to_street_officers(world, step):
    case = idle_case(world.parcel_a, 1.0)
    response = client_for(world.users["street_officer"]).get(
        reverse("lifecycle:stockland_step", args=[case.pk, step])
    )
    assert response.status_code == 403
    assert "街道干部可开始处置和报告处置进展" in response.content.decode()


def test_lists_read_a_constant_number_of_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.lifecycle.services import exits
    from landcycle.lifecycle.services.calendar import seed_from_package
    from tests.factories import ParcelFactory

    seed_from_package()
    client = client_for(world.users["evaluation_officer"])

    def queries(route):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(route)).status_code == 200
        return len(captured)

    def add(n):
        for _ in range(n):
            parcel = ParcelFactory(jurisdiction=world.street_a)
            idle_case(parcel, 1.5, assigned_to=world.users["street_officer"])
            exits.open_case(
                enterprise=parcel.holder, parcel=parcel, trigger="not_producing", facts="x",
                verified_on=TODAY, actor_name="x", assigned_to=world.users["street_officer"],
            )  # fmt: skip

    add(2)
    before = {r: queries(r) for r in ("lifecycle:exit_list", "lifecycle:stockland_list")}
    add(20)
    after = {r: queries(r) for r in ("lifecycle:exit_list", "lifecycle:stockland_list")}
    assert after == before, (before, after)


def test_the_list_escapes_names_and_shows_flags(world):
    """The rows are built in Python: markup in a holder's name or a parcel's code is shown as
    text, and the hints and the late mark are the list's own."""
    world.ent_a.name = '<img src=x onerror="alert(1)">公司'
    world.ent_a.save()
    world.parcel_a.code = "<b>A-1</b>"
    world.parcel_a.extra = {"土地价款 (万元)": 1000}
    world.parcel_a.save()
    case = idle_case(world.parcel_a, 2.5, deadline=TODAY - dt.timedelta(days=1))
    text = (
        client_for(world.users["evaluation_officer"])
        .get(reverse("lifecycle:stockland_list"))
        .content.decode()
    )
    assert "<img src=x" not in text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;公司" in text
    assert "<b>A-1</b>" not in text and "&lt;b&gt;A-1&lt;/b&gt;" in text
    row = re.search(rf'<tr><td><a href="/stockland/{case.pk}/">.*?</tr>', text, re.S).group(0)
    assert '<span class="flag">可无偿收回</span>' in row and "可征闲置费 200 万元" in row
    assert '<span class="error">逾期</span>' in row and "闲置" in row
