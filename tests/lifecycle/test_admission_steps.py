"""Admission steps added for the pages (l1): material requests, escalation and withdrawal dates,
the allowed next steps in every state, and the timeline with who, when and deadlines."""

import pytest

from landcycle.core.context import changes_by
from landcycle.lifecycle.models import AdmissionApplication as App
from landcycle.lifecycle.rules import Rules, rules
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services import admission as svc
from tests.factories import JurisdictionFactory

from .conftest import d

pytestmark = pytest.mark.django_db


def new_app(calendar, **extra):
    fields = {
        "enterprise_name": "北京精雕医疗器械有限公司",
        "jurisdiction": JurisdictionFactory(),
        "industry_field": "medical_devices",
        "tags": ["上市公司"],
        "supply_method": "tender_auction",
        "land_area_m2": 20_000.0,
        "planned_investment_10k_cny": 22_000.0,
        "expected_tax_10k_cny": 4_000.0,
    }
    fields.update(extra)
    return svc.submit(received_on=d("2025-03-03"), calendar=calendar, **fields)


def test_material_is_due_in_the_rules_working_days_across_holidays(calendar):
    app = new_app(calendar)
    # Mon 29 Sep 2025: 1–8 Oct are the National Day holidays, Sat 11 Oct a make-up working day: 30 Sep, 9, 10, 11, 13 Oct.
    svc.request_material(app, items="补充纳税测算", on=d("2025-09-29"), calendar=calendar)
    app.refresh_from_db()
    assert app.material_due == d("2025-10-13") and app.material_request == "补充纳税测算"
    assert app.material_requested_on == d("2025-09-29") and "material_due" not in (
        app.deadline_flags
    )


def test_material_period_comes_from_the_rules(calendar, monkeypatch):
    data = dict(rules().data)
    data["admission"] = {**data["admission"], "material_within": {"value": 2, "unit": "days"}}
    from landcycle.lifecycle.services import admission, deadlines

    changed = Rules(data, "test")
    monkeypatch.setattr(admission, "rules", lambda: changed)
    monkeypatch.setattr(deadlines, "rules", lambda: changed)
    app = new_app(calendar)
    svc.request_material(app, items="x", on=d("2025-03-04"), calendar=calendar)
    assert app.material_due == d("2025-03-06")


def test_material_unknown_holiday_year_is_flagged(calendar):
    app = new_app(calendar)
    svc.request_material(app, items="x", on=d("2099-12-28"), calendar=calendar)
    assert app.material_due is None and "2099" in app.deadline_flags["material_due"]


@pytest.mark.parametrize(
    "setup, items, on, message",
    [
        ("none", "", "2025-03-04", "请写明需要补正的材料"),
        ("open", "再补", "2025-03-05", "企业尚未提交"),
        ("none", "x", "2025-03-01", "早于受理日期"),
        ("rejected", "x", "2025-03-20", "不能要求补正材料"),
        ("withdrawn", "x", "2025-03-20", "不能要求补正材料"),
    ],
)
def test_material_request_refusals(calendar, setup, items, on, message):
    app = new_app(calendar)
    if setup == "open":
        svc.request_material(app, items="补", on=d("2025-03-04"), calendar=calendar)
    elif setup == "rejected":
        svc.record_assessment(app, on=d("2025-03-04"))
        svc.decide(app, approve=False, on=d("2025-03-10"))
    elif setup == "withdrawn":
        svc.withdraw(app, on=d("2025-03-04"))
    before = App.objects.get(pk=app.pk)
    with pytest.raises(LifecycleError, match=message):
        svc.request_material(app, items=items, on=d(on), calendar=calendar)
    after = App.objects.get(pk=app.pk)
    assert (after.material_request, after.material_due, after.status) == (
        before.material_request,
        before.material_due,
        before.status,
    )


def test_material_answered_once_then_a_new_request_may_follow(calendar):
    app = new_app(calendar)
    with pytest.raises(LifecycleError, match="没有待提交的补正材料"):
        svc.submit_material(app, reply="x", on=d("2025-03-04"))
    svc.request_material(app, items="补", on=d("2025-03-04"), calendar=calendar)
    with pytest.raises(LifecycleError, match="请填写"):
        svc.submit_material(app, reply="  ", on=d("2025-03-05"))
    with pytest.raises(LifecycleError, match="早于要求补正日期"):
        svc.submit_material(app, reply="x", on=d("2025-03-03"))
    svc.submit_material(app, reply="已补", on=d("2025-03-20"))  # late is kept
    app.refresh_from_db()
    assert app.material_reply == "已补" and app.material_submitted_on == d("2025-03-20")
    with pytest.raises(LifecycleError, match="没有待提交的补正材料"):
        svc.submit_material(app, reply="again", on=d("2025-03-21"))
    svc.request_material(app, items="再补一次", on=d("2025-03-21"), calendar=calendar)
    assert app.material_reply == "" and app.material_submitted_on is None


def test_escalation_and_withdrawal_keep_their_dates_and_refuse_earlier_ones(calendar):
    app = new_app(calendar)
    svc.record_assessment(app, on=d("2025-03-05"))
    with pytest.raises(LifecycleError, match="早于初评日期"):
        svc.escalate(app, on=d("2025-03-04"))
    svc.escalate(app, on=d("2025-03-06"), note="报区政府")
    assert App.objects.get(pk=app.pk).escalated_on == d("2025-03-06")
    other = new_app(calendar)
    with pytest.raises(LifecycleError, match="早于受理日期"):
        svc.withdraw(other, on=d("2025-03-01"))
    svc.withdraw(other, on=d("2025-03-04"))
    assert App.objects.get(pk=other.pk).withdrawn_on == d("2025-03-04")


def test_next_steps_in_every_state(calendar):
    app = new_app(calendar)
    assert svc.next_steps(app) == ["assess", "material", "withdraw"]
    svc.request_material(app, items="补", on=d("2025-03-04"), calendar=calendar)
    assert svc.next_steps(app) == ["assess", "reply", "withdraw"]
    svc.submit_material(app, reply="已补", on=d("2025-03-05"))
    svc.record_assessment(app, on=d("2025-03-05"))
    assert svc.next_steps(app) == ["material", "escalate", "approve", "reject", "withdraw"]
    svc.escalate(app, on=d("2025-03-06"))
    assert svc.next_steps(app) == ["approve", "reject", "withdraw"]
    svc.decide(app, approve=True, on=d("2025-03-20"), document="门政批〔2025〕1号")
    assert svc.next_steps(app) == []
    withdrawn = new_app(calendar)
    svc.withdraw(withdrawn, on=d("2025-03-04"))
    assert svc.next_steps(withdrawn) == []


def test_offered_steps_are_exactly_those_the_service_accepts(calendar):
    """next_steps and the service agree: each offered step succeeds from its state, every
    other step is refused."""
    take = {
        "assess": lambda a: svc.record_assessment(a, on=d("2025-03-05")),
        "material": lambda a: svc.request_material(a, items="x", on=d("2025-03-05")),
        "reply": lambda a: svc.submit_material(a, reply="y", on=d("2025-03-06")),
        "escalate": lambda a: svc.escalate(a, on=d("2025-03-06")),
        "approve": lambda a: svc.decide(a, approve=True, on=d("2025-03-07"), note="ok"),
        "reject": lambda a: svc.decide(a, approve=False, on=d("2025-03-07")),
        "withdraw": lambda a: svc.withdraw(a, on=d("2025-03-07")),
    }
    prepare = {
        "submitted": lambda a: None,
        "material_open": lambda a: svc.request_material(a, items="x", on=d("2025-03-04")),
        "assessed": lambda a: svc.record_assessment(a, on=d("2025-03-04")),
        "escalated": lambda a: (
            svc.record_assessment(a, on=d("2025-03-04")),
            svc.escalate(a, on=d("2025-03-05")),
        ),
    }
    for state, setup in prepare.items():
        probe = new_app(calendar)
        setup(probe)
        offered = svc.next_steps(probe)
        for step in take:
            app = new_app(calendar)
            setup(app)
            if step in offered:
                take[step](app)  # raises if the service refuses what the page offers
            else:
                with pytest.raises(LifecycleError):
                    take[step](app)
                    pytest.fail(f"{state}: {step} not offered but accepted")


def test_timeline_names_who_and_when_and_marks_deadlines(calendar, django_user_model):
    officer = django_user_model.objects.create(username="officer_li")
    with changes_by(user_id=officer.pk, user_name="officer_li", source="test"):
        app = new_app(calendar)
        svc.request_material(app, items="补充材料", on=d("2025-03-04"), calendar=calendar)
    with changes_by(user_name="ent_user", source="test"):
        svc.submit_material(app, reply="已补", on=d("2025-03-13"))  # due 11 Mar: late
    with changes_by(user_name="officer_li", source="test"):
        svc.record_assessment(app, on=d("2025-03-06"), user=officer)  # due 6 Mar: met
        svc.decide(app, approve=True, on=d("2025-03-14"), document="门园准〔2025〕5号")
    steps = svc.timeline(app)
    labels = [s.label for s in steps]
    assert labels == [
        "受理申请",
        "要求补正材料",
        "企业提交补正材料",
        "初步评估（3个工作日内）",
        "园区管委会批复：准予入园",
    ]
    by = {s.label: s for s in steps}
    assert by["受理申请"].recorded_by == "officer_li"
    assert by["企业提交补正材料"].recorded_by == "ent_user"
    assert by["企业提交补正材料"].deadline(d("2025-04-01")) == (
        "missed",
        "逾期 2 天（期限 2025-03-11）",
    )
    assert by["初步评估（3个工作日内）"].deadline(d("2025-04-01"))[0] == "met"
    assert by["园区管委会批复：准予入园"].document == "门园准〔2025〕5号"


def test_timeline_open_assessment_counts_down_then_turns_late(calendar):
    app = new_app(calendar)  # due Thu 6 Mar 2025
    step = svc.timeline(app)[-1]
    assert step.on is None
    assert step.deadline(d("2025-03-04")) == ("open", "剩 2 天（期限 2025-03-06）")
    assert step.deadline(d("2025-03-09")) == ("late", "已逾期 3 天（期限 2025-03-06）")
