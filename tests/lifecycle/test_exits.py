"""The exit state machine: every allowed move, every refused one, and its periods."""

import pytest

from landcycle.lifecycle.models import Clawback, ExitCase
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.exits import TRANSITIONS, allowed_actions, open_case, transition
from tests.factories import ParcelFactory

from .conftest import d
from .factories import SupervisionAgreementFactory

S = ExitCase.State
pytestmark = pytest.mark.django_db


def _open(calendar, verified_on="2025-03-03"):
    parcel = ParcelFactory()
    return open_case(
        enterprise=parcel.holder,
        parcel=parcel,
        trigger=ExitCase.Trigger.UNAUTHORISED_DISPOSAL,
        facts="未经区政府批准将厂房出租给无关联企业",
        verified_on=d(verified_on),
        actor_name="王科长",
        calendar=calendar,
    )


def _advance(case, calendar, upto):
    path = [
        ("interview", "2025-03-20"),
        ("rectification_notice", "2025-03-25"),
        ("exit_notice", "2025-09-25"),
        ("complete_exit", "2025-12-01"),
    ]
    for action, on in path:
        if action == upto:
            return case
        kwargs = {}
        if action == "complete_exit":
            kwargs = {"contract_terminated": True, "clawbacks": []}
        transition(case, action, on=d(on), actor_name="王科长", calendar=calendar, **kwargs)
    return case


def test_opening_sets_interview_due_30_days_rolled(calendar):
    case = _open(calendar, "2025-09-01")  # + 30 days = 1 Oct (National Day) → 9 Oct
    assert case.state == S.VERIFIED
    assert case.interview_due == d("2025-10-09")
    assert case.steps.get().to_state == S.VERIFIED


def test_full_path_to_exit_with_clawbacks(calendar):
    case = _advance(_open(calendar), calendar, "complete_exit")
    agreement = SupervisionAgreementFactory(parcel=case.parcel, enterprise=case.enterprise)
    elsewhere = SupervisionAgreementFactory(enterprise=case.enterprise)
    assert case.state == S.EXIT_NOTICE
    assert case.rectification_due == d("2025-09-25")  # 25 Mar + 6 months, a Thursday
    assert case.exit_due == d("2025-12-25")  # local default 3 months
    step = transition(
        case,
        "complete_exit",
        on=d("2025-12-26"),
        actor_name="李主任",
        contract_terminated=True,
        clawbacks=[
            {"kind": "subsidy", "description": "2023年入园补贴", "amount_10k_cny": 120.0},
            {"kind": "honour", "description": "区级专精特新称号"},
        ],
        document_number="门园退〔2025〕1号",
        calendar=calendar,
    )
    case.refresh_from_db()
    assert case.state == S.EXITED and case.closed_on == d("2025-12-26")
    assert case.contract_terminated
    assert step.document_title == "退出处置决定" and step.document_number == "门园退〔2025〕1号"
    assert sorted(Clawback.objects.filter(case=case).values_list("kind", flat=True)) == [
        "honour",
        "subsidy",
    ]
    assert [s.to_state for s in case.steps.all()] == [
        S.VERIFIED,
        S.INTERVIEWED,
        S.RECTIFICATION,
        S.EXIT_NOTICE,
        S.EXITED,
    ]
    assert allowed_actions(case) == []
    agreement.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (agreement.status, elsewhere.status) == ("terminated", "active")


@pytest.mark.parametrize("at", ["rectification_notice", "exit_notice"])
def test_close_as_corrected(calendar, at):
    case = _advance(_open(calendar), calendar, at)
    transition(case, "close_corrected", on=d("2025-09-30"), actor_name="王科长", calendar=calendar)
    assert case.state == S.CLOSED_CORRECTED and case.closed_on == d("2025-09-30")


# Every (state, action) pair not in TRANSITIONS is refused.
REFUSED = [
    (state, action)
    for state in S.values
    for action, spec in TRANSITIONS.items()
    if state not in spec.sources
]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_illegal_transitions_are_refused(calendar, state, action):
    case = _open(calendar)
    ExitCase.objects.filter(pk=case.pk).update(state=state)
    case.refresh_from_db()
    steps = case.steps.count()
    with pytest.raises(LifecycleError):
        transition(
            case,
            action,
            on=d("2026-06-01"),
            actor_name="王科长",
            contract_terminated=True,
            clawbacks=[],
            calendar=calendar,
        )
    case.refresh_from_db()
    assert case.state == state and case.steps.count() == steps


def test_exit_notice_refused_before_six_months(calendar):
    case = _advance(_open(calendar), calendar, "exit_notice")
    with pytest.raises(LifecycleError, match="未届满"):
        transition(case, "exit_notice", on=d("2025-09-24"), actor_name="王科长", calendar=calendar)
    assert case.state == S.RECTIFICATION


def test_complete_exit_requires_contract_and_clawback_list(calendar):
    case = _advance(_open(calendar), calendar, "complete_exit")
    with pytest.raises(LifecycleError, match="解除"):
        transition(
            case,
            "complete_exit",
            on=d("2025-12-01"),
            actor_name="李",
            clawbacks=[],
            calendar=calendar,
        )
    with pytest.raises(LifecycleError, match="列明"):
        transition(
            case,
            "complete_exit",
            on=d("2025-12-01"),
            actor_name="李",
            contract_terminated=True,
            calendar=calendar,
        )
    with pytest.raises(LifecycleError, match="类型"):
        transition(
            case,
            "complete_exit",
            on=d("2025-12-01"),
            actor_name="李",
            contract_terminated=True,
            clawbacks=[{"kind": "refund", "description": "x"}],
            calendar=calendar,
        )
    case.refresh_from_db()
    assert case.state == S.EXIT_NOTICE and not Clawback.objects.filter(case=case).exists()


def test_late_interview_is_recorded_as_late(calendar):
    case = _open(calendar)
    step = transition(case, "interview", on=d("2025-04-15"), actor_name="王科长", calendar=calendar)
    assert step.late


def test_step_before_previous_is_refused(calendar):
    case = _open(calendar)
    with pytest.raises(LifecycleError, match="before"):
        transition(case, "interview", on=d("2025-03-01"), actor_name="王科长", calendar=calendar)


def test_actor_required_and_unknown_action(calendar):
    case = _open(calendar)
    with pytest.raises(LifecycleError):
        transition(case, "interview", on=d("2025-03-10"), actor_name=" ", calendar=calendar)
    with pytest.raises(LifecycleError, match="unknown action"):
        transition(case, "skip_to_exit", on=d("2025-03-10"), actor_name="王", calendar=calendar)


def test_rectification_into_unknown_year_is_flagged(calendar):
    case = _open(calendar, "2026-07-01")
    transition(case, "interview", on=d("2026-07-10"), actor_name="王", calendar=calendar)
    transition(case, "rectification_notice", on=d("2026-07-15"), actor_name="王", calendar=calendar)
    assert case.rectification_due == d("2027-01-15")
    assert "2027" in case.deadline_flags["rectification_due"]


def test_candidates_from_violations_tax_and_attainment(calendar):
    from landcycle.lifecycle.services.agreements import create_agreement
    from landcycle.lifecycle.services.exits import candidates
    from tests.factories import IndicatorReportFactory, ViolationFactory

    def agreement(number):
        parcel = ParcelFactory(registered_area_m2=10_000)
        create_agreement(
            number=number,
            parcel=parcel,
            enterprise=parcel.holder,
            signed_on=d("2020-01-01"),
            terms=[{"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"}],
        )
        return parcel

    leased = agreement("A1")
    ViolationFactory(parcel=leased, kind="unauthorised_lease", found_on=d("2025-02-01"))
    IndicatorReportFactory(enterprise=leased.holder, parcel=leased, year=2025, tax_10k_cny=2_500)
    low_tax = agreement("A2")
    IndicatorReportFactory(enterprise=low_tax.holder, parcel=low_tax, year=2025, tax_10k_cny=900)
    slightly_low = agreement("A3")  # 1,500 < 2,000 but not "seriously" below
    IndicatorReportFactory(
        enterprise=slightly_low.holder, parcel=slightly_low, year=2025, tax_10k_cny=1_500
    )
    idle = agreement("A4")  # attainment 2023, nothing produced in 2025
    fixed = agreement("A5")
    ViolationFactory(parcel=fixed, kind="illegal_operation", status="remediated")
    IndicatorReportFactory(enterprise=fixed.holder, parcel=fixed, year=2025, tax_10k_cny=3_000)
    ViolationFactory(kind="unauthorised_lease")  # no agreement: not the park's exit procedure

    found = {(c.parcel_id, c.trigger) for c in candidates(2025)}
    assert found == {
        (leased.pk, "unauthorised_disposal"),
        (low_tax.pk, "tax_below_commitment"),
        (idle.pk, "not_producing"),
    }
    open_case(
        enterprise=leased.holder,
        parcel=leased,
        trigger="unauthorised_disposal",
        facts="核实",
        verified_on=d("2025-03-01"),
        actor_name="王",
        calendar=calendar,
    )
    assert leased.pk not in {c.parcel_id for c in candidates(2025)}
