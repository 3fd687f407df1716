"""What the case pages read from the services: the exit timeline and next deadline, the due
filter, who may take a step, the stock-land record, idle flags and the disposal-rate overview."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from landcycle.lifecycle.models import DisposalStep, ExitCase, StockLandCase
from landcycle.lifecycle.services import LifecycleError, exits, stockland
from landcycle.lifecycle.workcalendar import add_calendar_period
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d

pytestmark = pytest.mark.django_db


def _case(calendar, verified="2025-03-03"):
    parcel = ParcelFactory()
    return exits.open_case(
        enterprise=parcel.holder, parcel=parcel, trigger="not_producing", facts="未投产",
        verified_on=d(verified), actor_name="王", calendar=calendar,
    )  # fmt: skip


def test_timeline_marks_each_deadline_met_or_missed(calendar):
    case = _case(calendar)
    exits.transition(case, "interview", on=d("2025-04-10"), actor_name="王", calendar=calendar)
    exits.transition(case, "rectification_notice", on=d("2025-04-11"), actor_name="王")
    exits.transition(case, "exit_notice", on=case.rectification_due, actor_name="李")
    exits.transition(
        case, "complete_exit", on=case.exit_due + dt.timedelta(days=1), actor_name="李",
        contract_terminated=True, clawbacks=[],
    )  # fmt: skip
    rows = [(e.label, e.deadline, e.met) for e in exits.timeline(case)]
    assert rows == [
        ("核实退出情形，立案", None, None),
        ("记录约谈", case.interview_due, False),  # 2025-04-02 was the deadline
        ("书面通知整改", None, None),
        ("书面通知限期退出", case.rectification_due, True),
        ("完成退出", case.exit_due, False),  # one day late
    ]


def test_next_deadline_and_due_filter(calendar):
    case = _case(calendar)
    today = case.interview_due + dt.timedelta(days=1)
    assert exits.next_deadline(case, today) == exits.NextDeadline(
        "约谈期限", case.interview_due, True
    )
    due = ExitCase.objects.filter(exits.due_q(case.interview_due))
    assert list(due) == [case]
    assert not ExitCase.objects.filter(exits.due_q(case.interview_due - dt.timedelta(days=1)))
    exits.transition(case, "interview", on=d("2025-03-20"), actor_name="王")
    assert exits.next_deadline(case, today).date is None  # nothing binds the committee now
    assert not ExitCase.objects.filter(exits.due_q(d("2030-01-01")))
    exits.transition(case, "close_corrected", on=d("2025-03-21"), actor_name="王")
    assert exits.next_deadline(case, today) is None


def test_refusals_are_worded_in_chinese_with_the_steps_allowed(calendar):
    case = _case(calendar)
    with pytest.raises(LifecycleError, match="不能执行「完成退出」.*可执行: 「记录约谈」"):
        exits.transition(case, "complete_exit", on=d("2025-03-04"), actor_name="王")
    with pytest.raises(LifecycleError, match="早于上一步骤的日期"):
        exits.transition(case, "interview", on=d("2025-03-01"), actor_name="王")


def test_street_officer_steps_come_from_the_rules():
    assert [a for a in ["open", *exits.TRANSITIONS] if exits.street_may(a)] == ["open", "interview"]
    steps = [*stockland.CASE_TRANSITIONS, "progress"]
    assert [a for a in steps if stockland.street_may(a)] == ["start", "progress"]


def test_notice_stored_as_a_document_of_the_case_and_its_parcel(calendar, settings, tmp_path):
    from landcycle.lifecycle.models import Document
    from landcycle.lifecycle.services.documents import of_parcel

    settings.MEDIA_ROOT = tmp_path
    case = _case(calendar)
    exits.transition(case, "interview", on=d("2025-03-20"), actor_name="王")
    step = exits.transition(
        case, "rectification_notice", on=d("2025-03-21"), actor_name="王五",
        document_number="门园〔2025〕9号", issue_notice=True,
    )  # fmt: skip
    step.refresh_from_db()
    assert step.document_title == "限期整改通知书"
    assert not step.document_file  # no second copy on the step
    notice = step.notice
    assert (notice.exit_case, notice.parcel, notice.kind) == (case, case.parcel, "notice")
    assert (notice.title, notice.original_name) == ("限期整改通知书", "限期整改通知书.docx")
    assert notice.dated == d("2025-03-21") and notice.uploaded_by_name == "王五"
    assert notice.content_type.endswith("wordprocessingml.document")
    assert (tmp_path / notice.file.name).read_bytes()[:2] == b"PK"
    assert list(Document.objects.filter(of_parcel(case.parcel))) == [notice]
    # a step without a notice stores none
    plain = exits.transition(
        case, "close_corrected", on=d("2025-04-01"), actor_name="王", issue_notice=True
    )
    assert plain.notice is None and not plain.document_file
    assert Document.objects.count() == 1


def _stock(parcel, category="idle", identified="2025-01-06", idle_since="2023-06-01"):
    return StockLandCase.objects.create(
        parcel=parcel, category=category, identified_on=d(identified),
        idle_since=d(idle_since) if category == "idle" else None,
    )  # fmt: skip


def test_moves_and_progress_are_recorded():
    case = _stock(ParcelFactory())
    stockland.transition(
        case, "plan", on=d("2025-01-10"), actor_name="张", plan="限期开工", task_force="专班",
        lead_unit="自然资源局",
    )  # fmt: skip
    with pytest.raises(LifecycleError, match="请填写处置进展"):
        stockland.record_progress(case, on=d("2025-02-01"), note=" ", actor_name="张")
    with pytest.raises(LifecycleError, match="0–100"):
        stockland.record_progress(
            case, on=d("2025-02-01"), note="x", actor_name="张", progress_percent=120
        )
    with pytest.raises(LifecycleError, match="早于认定日期"):
        stockland.record_progress(case, on=d("2025-01-01"), note="x", actor_name="张")
    stockland.record_progress(
        case, on=d("2025-02-01"), note="已进场", actor_name="张", progress_percent=30
    )
    stockland.transition(
        case, "dispose", on=d("2025-03-01"), actor_name="李", disposal_method="复工"
    )
    with pytest.raises(LifecycleError, match="不能再报告进展"):
        stockland.record_progress(case, on=d("2025-03-02"), note="x", actor_name="张")
    rows = list(
        DisposalStep.objects.filter(case=case).values_list(
            "from_status", "to_status", "on", "actor_name", "note", "progress_percent"
        )
    )
    assert rows == [
        ("identified", "planned", d("2025-01-10"), "张", "", None),
        ("", "", d("2025-02-01"), "张", "已进场", 30),
        ("planned", "disposed", d("2025-03-01"), "李", "", None),
    ]


@pytest.mark.parametrize(
    "since, today, fee, take_back",
    [
        ("2024-06-30", "2025-06-29", False, False),
        ("2024-06-30", "2025-06-30", True, False),  # one year to the day
        ("2023-06-30", "2025-06-30", True, True),
        ("2024-02-29", "2025-02-28", True, False),  # a leap day: the year ends on 28 Feb
    ],
)
def test_idle_flags_at_the_boundaries(since, today, fee, take_back):
    flags = stockland.idle_flags("idle", d(since), {"土地价款 (万元)": 500}, d(today))
    assert (flags.fee_due, flags.take_back) == (fee, take_back)
    assert flags.fee_10k_cny == (100.0 if fee else None)
    assert stockland.idle_flags("low_efficiency", d(since), {}, d(today)) == stockland.IdleFlags()


@pytest.mark.parametrize("today", ["2025-06-30", "2025-03-01", "2024-02-29", "2025-12-31"])
@pytest.mark.parametrize("key", ["idle_fee_after", "take_back_after"])
def test_idle_since_before_is_the_last_day_whose_period_has_run(today, key):
    today = d(today)
    latest = stockland.idle_since_before(key, today)
    period = stockland.rules().period("stockland", key)
    assert add_calendar_period(latest, period) <= today
    assert add_calendar_period(latest + dt.timedelta(days=1), period) > today


def test_rate_overview_by_area_month_and_street_in_one_query():
    a = JurisdictionFactory(name="甲街道")
    b = JurisdictionFactory(name="乙街道")
    big = ParcelFactory(jurisdiction=a, registered_area_m2=30_000)
    small = ParcelFactory(jurisdiction=b, registered_area_m2=10_000)
    both = _stock(big)
    _stock(big, category="low_efficiency")  # the same parcel twice: counted once
    stockland.transition(both, "plan", on=d("2025-02-01"), plan="p", task_force="t", lead_unit="l")
    stockland.transition(both, "dispose", on=d("2025-04-15"), disposal_method="收回")
    _stock(small, identified="2025-03-10")
    with CaptureQueriesContext(connection) as queries:
        overview = stockland.rate_overview(StockLandCase.objects.all(), d("2025-06-30"), months=6)
    assert len(queries) == 1
    assert overview.months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    # the big parcel's idle case is disposed in April, but its low-efficiency case is still
    # open: a parcel is done only when all its cases are
    assert overview.month_rates == [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    assert overview.streets == ["乙街道", "甲街道"] and overview.target_percent == 60.0
    low = StockLandCase.objects.get(parcel=big, category="low_efficiency")
    stockland.transition(low, "plan", on=d("2025-02-01"), plan="p", task_force="t", lead_unit="l")
    stockland.transition(low, "dispose", on=d("2025-05-20"), disposal_method="技改")
    overview = stockland.rate_overview(StockLandCase.objects.all(), d("2025-06-30"), months=6)
    assert overview.month_rates == [0.0, 0.0, 0.0, 0.0, 75.0, 75.0]
    assert overview.street_rates == [0.0, 100.0]
    assert (overview.current.total, overview.current.disposed) == (2, 1)
    assert overview.current.meets_target
    # the same figures as disposal_rate on the day
    rate = stockland.disposal_rate(d("2025-06-30"))
    assert rate.area_rate == overview.current.area_rate == 0.75


def test_assign_refuses_an_officer_who_may_not_work_the_case(calendar):
    from landcycle.lifecycle.services.assignment import assign
    from landcycle.web.models import Role
    from tests.web.factories import user_with_role

    case = _case(calendar)
    street = case.jurisdiction
    other_street = JurisdictionFactory(name="别的街道")
    inside = user_with_role("in_street", Role.STREET_OFFICER, jurisdiction=street)
    outside = user_with_role("out_street", Role.STREET_OFFICER, jurisdiction=other_street)
    reader = user_with_role("reader", Role.DEPARTMENT_READER)
    assign(case, inside)
    case.refresh_from_db()
    assert case.assigned_to == inside
    for user in (outside, reader):
        with pytest.raises(LifecycleError, match="无权办理本案件"):
            assign(case, user)
    case.refresh_from_db()
    assert case.assigned_to == inside
    stock = _stock(case.parcel)
    assign(stock, inside)
    assign(stock, None)
    stock.refresh_from_db()
    assert stock.assigned_to is None
