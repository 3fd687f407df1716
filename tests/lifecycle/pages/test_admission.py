"""Admission pages: every step through the forms, stored values asserted, refusals shown."""

import datetime as dt

import pytest
from django.urls import reverse

from landcycle.lifecycle.models import AdmissionApplication as App
from landcycle.lifecycle.services import admission
from tests.lifecycle.conftest import d
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db


def officer_post(world, role="street_officer", **extra):
    data = {
        "enterprise": world.ent_a.uscc,
        "enterprise_name": "",
        "received_on": "2025-03-03",
        "jurisdiction": world.street_a.pk,
        "industry_field": "medical_devices",
        "tags": ["上市公司"],
        "registers_in_park": "on",
        "supply_method": "tender_auction",
        "land_area_m2": "20000",
        "planned_investment_10k_cny": "24000",
        "expected_tax_10k_cny": "4800",
    }
    data.update(extra)
    return client_for(world.users[role]).post(reverse("lifecycle:admission_create"), data)


def make_app(world, **extra):
    fields = {
        "enterprise": world.ent_a,
        "enterprise_name": world.ent_a.name,
        "jurisdiction": world.street_a,
        "industry_field": "medical_devices",
        "supply_method": "tender_auction",
        "land_area_m2": 20_000.0,
        "planned_investment_10k_cny": 24_000.0,
        "expected_tax_10k_cny": 4_800.0,
        "tags": ["上市公司"],
    }
    fields.update(extra)
    return admission.submit(received_on=d("2025-03-03"), **fields)


def step(world, app, name, role="street_officer", **data):
    url = reverse("lifecycle:admission_step", args=[app.pk, name])
    return client_for(world.users[role]).post(url, data)


def test_officer_records_an_application_due_in_three_working_days(world, calendar):
    response = officer_post(world)
    app = App.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("lifecycle:admission_detail", args=[app.pk])
    assert app.enterprise == world.ent_a and app.enterprise_name == world.ent_a.name
    assert app.received_on == d("2025-03-03") and app.assessment_due == d("2025-03-06")
    assert app.status == App.Status.SUBMITTED and app.tags == ["上市公司"]
    assert app.assigned_to == world.users["street_officer"]
    page = client_for(world.users["street_officer"]).get(response.url).content.decode()
    assert "受理申请" in page and "2025-03-06" in page and "street_a" in page


def test_a_new_enterprise_needs_a_name_and_the_form_says_so(world, calendar):
    response = officer_post(world, enterprise="", enterprise_name="")
    assert response.status_code == 200
    assert "请选择台账中的企业或填写企业名称" in response.content.decode()
    assert not App.objects.exists()


def test_an_enterprise_outside_the_officers_streets_is_not_found(world, calendar):
    response = officer_post(world, enterprise=world.ent_b.uscc)
    assert response.status_code == 200 and not App.objects.exists()
    assert (
        f"企业「{world.ent_b.uscc}」台账中没有或不在您可办理的范围内" in response.content.decode()
    )
    ok = officer_post(world, enterprise="甲制造有限公司", parcel=world.parcel_a.code)
    app = App.objects.get()
    assert ok.status_code == 302 and app.enterprise == world.ent_a and app.parcel == world.parcel_a


def test_officer_cannot_file_into_another_street(world, calendar):
    response = officer_post(world, jurisdiction=world.street_b.pk)
    assert response.status_code == 200 and not App.objects.exists()
    assert "选择一个有效的选项" in response.content.decode() or "Select a valid" in (
        response.content.decode()
    )


def test_enterprise_submits_in_its_own_name(world, calendar):
    client = client_for(world.users["enterprise_user"])
    data = {
        "jurisdiction": world.street_a.pk,
        "industry_field": "artificial_intelligence",
        "registers_in_park": "on",
        "supply_method": "tender_auction",
        "land_area_m2": "10000",
        "planned_investment_10k_cny": "9000",
        # an attempt to file for another enterprise is ignored: the form has no such field
        "enterprise": world.ent_b.pk,
        "enterprise_name": "乙化工有限公司",
    }
    response = client.post(reverse("lifecycle:admission_apply"), data)
    app = App.objects.get()
    assert response.status_code == 302
    assert app.enterprise == world.ent_a and app.enterprise_name == "甲制造有限公司"
    from django.utils import timezone

    assert app.received_on == timezone.localdate() and app.assigned_to is None
    listing = client.get(reverse("lifecycle:admission_list")).content.decode()
    assert "甲制造有限公司" in listing


def test_assess_then_a_second_assessment_is_refused_with_the_reason(world, calendar):
    app = make_app(world)
    response = step(world, app, "assess", on="2025-03-05")
    app.refresh_from_db()
    assert response.status_code == 302
    assert app.status == App.Status.ASSESSED and app.assessed_on == d("2025-03-05")
    assert app.proposed_class == "A" and any("投资强度" in r for r in app.assessment_reasons)
    page = client_for(world.users["street_officer"]).get(response.url).content.decode()
    assert "按期（期限 2025-03-06）" in page and "A类（重点企业）" in page

    refused = step(world, app, "assess", on="2025-03-06")
    assert refused.status_code == 200
    assert "未能办理：申请处于「已初评」，不能初评" in refused.content.decode()
    app.refresh_from_db()
    assert app.assessed_on == d("2025-03-05")


def test_late_assessment_is_marked_missed(world, calendar):
    app = make_app(world)
    step(world, app, "assess", on="2025-03-10")
    app.refresh_from_db()
    assert "初评逾期（期限 2025-03-06）" in app.assessment_reasons
    page = client_for(world.users["administrator"]).get(
        reverse("lifecycle:admission_detail", args=[app.pk])
    )
    assert "逾期 4 天（期限 2025-03-06）" in page.content.decode()


def test_approving_an_inadmissible_application_needs_a_reason(world, calendar):
    app = make_app(world, industry_field="other", tags=[])
    step(world, app, "assess", on="2025-03-04")
    app.refresh_from_db()
    assert app.proposed_class == "none"
    data = {"on": "2025-03-07", "document": "门园准〔2025〕9号", "confirm": "on"}
    refused = step(world, app, "approve", **data)
    assert "初评不符合准入条件，批准须写明理由（一事一议）" in refused.content.decode()
    app.refresh_from_db()
    assert app.status == App.Status.ASSESSED and app.decision_document == ""

    done = step(world, app, "reject", **data, note="不符合园区产业定位")
    app.refresh_from_db()
    assert done.status_code == 302
    assert app.status == App.Status.REJECTED and app.decided_on == d("2025-03-07")
    assert app.decision_document == "门园准〔2025〕9号" and app.decision_body == "committee"
    assert app.decided_by == world.users["street_officer"]
    document = client_for(world.users["enterprise_user"]).get(
        reverse("lifecycle:admission_decision", args=[app.pk])
    )
    text = document.content.decode()
    assert "门园准〔2025〕9号" in text and "不同意你单位入园申请" in text


def test_decision_needs_a_document_number_and_confirmation(world, calendar):
    app = make_app(world)
    step(world, app, "assess", on="2025-03-04")
    response = step(world, app, "approve", on="2025-03-07")
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == App.Status.ASSESSED


def test_escalate_to_the_district_then_approve(world, calendar):
    app = make_app(world)
    step(world, app, "assess", on="2025-03-04")
    early = step(world, app, "escalate", on="2025-03-01")
    assert "报区政府日期 2025-03-01 早于初评日期 2025-03-04" in early.content.decode()
    step(world, app, "escalate", on="2025-03-05", note="一事一议")
    app.refresh_from_db()
    assert app.status == App.Status.ESCALATED and app.escalated_on == d("2025-03-05")
    step(world, app, "approve", on="2025-03-20", document="门政批〔2025〕2号", confirm="on")
    app.refresh_from_db()
    assert app.status == App.Status.APPROVED and app.decision_body == "district"
    page = client_for(world.users["evaluation_officer"]).get(
        reverse("lifecycle:admission_detail", args=[app.pk])
    )
    text = page.content.decode()
    assert (
        "报请区政府审批" in text and "区政府批复：准予入园" in text and "门政批〔2025〕2号" in text
    )
    assert "没有可办理的步骤" in text


def test_material_requested_by_the_officer_and_answered_by_the_enterprise(world, calendar):
    app = make_app(world, expected_tax_10k_cny=None)
    step(world, app, "material", on="2025-03-04", items="请补充预计年纳税额")
    app.refresh_from_db()
    # 5 working days from Tue 4 March 2025
    assert app.material_request == "请补充预计年纳税额" and app.material_due == d("2025-03-11")
    again = step(world, app, "material", on="2025-03-05", items="再补")
    assert "企业尚未提交" in again.content.decode()
    enterprise = world.users["enterprise_user"]
    detail = client_for(enterprise).get(reverse("lifecycle:admission_detail", args=[app.pk]))
    assert "请补充预计年纳税额" in detail.content.decode() and 'id="step-reply"' in (
        detail.content.decode()
    )
    # the street officer may not answer for the enterprise
    assert step(world, app, "reply", reply="x").status_code == 403
    done = step(world, app, "reply", role="enterprise_user", reply="预计年纳税 4800 万元")
    app.refresh_from_db()
    assert done.status_code == 302
    assert app.material_reply == "预计年纳税 4800 万元" and app.material_submitted_on is not None
    refused = step(world, app, "reply", role="enterprise_user", reply="again")
    assert "本申请没有待提交的补正材料" in refused.content.decode()


def test_enterprise_cannot_reach_another_enterprises_application(world, calendar):
    other = make_app(
        world, enterprise=world.ent_b, enterprise_name=world.ent_b.name, jurisdiction=world.street_b
    )
    admission.request_material(other, items="补材料", on=d("2025-03-04"))
    assert step(world, other, "reply", role="enterprise_user", reply="x").status_code == 404
    assert step(world, other, "assess", on="2025-03-04").status_code == 404  # street A officer
    other.refresh_from_db()
    assert other.material_reply == "" and other.status == App.Status.SUBMITTED


def test_withdraw_needs_confirmation(world, calendar):
    app = make_app(world)
    unconfirmed = step(world, app, "withdraw", role="enterprise_user", on="2025-03-04")
    assert unconfirmed.status_code == 200
    app.refresh_from_db()
    assert app.status == App.Status.SUBMITTED
    step(world, app, "withdraw", role="enterprise_user", on="2025-03-04", confirm="on")
    app.refresh_from_db()
    assert app.status == App.Status.WITHDRAWN and app.withdrawn_on == d("2025-03-04")


def test_department_reader_reads_but_takes_no_step(world, calendar):
    app = make_app(world)
    reader = client_for(world.users["department_reader"])
    page = reader.get(reverse("lifecycle:admission_detail", args=[app.pk])).content.decode()
    assert world.ent_a.name in page and 'id="step-assess"' not in page
    assert step(world, app, "assess", role="department_reader", on="2025-03-04").status_code == 403


def test_list_filters_by_state_street_officer_and_overdue(world, calendar):
    a = make_app(world)
    b = make_app(
        world, enterprise=world.ent_b, enterprise_name=world.ent_b.name, jurisdiction=world.street_b
    )
    admission.record_assessment(b, on=d("2025-03-04"), user=world.users["administrator"])
    client = client_for(world.users["administrator"])
    url = reverse("lifecycle:admission_list")

    def names(query):
        text = client.get(url, query).content.decode()
        return {name for name in (a.enterprise_name, b.enterprise_name) if name in text}

    assert names({}) == {a.enterprise_name, b.enterprise_name}
    assert names({"status": "assessed"}) == {b.enterprise_name}
    assert names({"jurisdiction": world.street_a.pk}) == {a.enterprise_name}
    assert names({"assigned_to": world.users["administrator"].pk}) == {b.enterprise_name}
    assert names({"overdue": "on"}) == {a.enterprise_name}  # due 2025-03-06, long past
    assert names({"due_before": "2025-03-05"}) == set()
    assert "（已逾期）" in client.get(url).content.decode()
    street = client_for(world.users["street_officer"]).get(url).content.decode()
    assert a.enterprise_name in street and b.enterprise_name not in street


def test_unknown_step_is_not_found(world):
    app = App.objects.create(
        enterprise_name="x",
        jurisdiction=world.street_a,
        industry_field="other",
        supply_method="tender_auction",
        land_area_m2=1,
        planned_investment_10k_cny=1,
        received_on=dt.date(2025, 3, 3),
    )
    url = reverse("lifecycle:admission_step", args=[app.pk, "approve_all"])
    assert client_for(world.users["administrator"]).post(url).status_code == 404
