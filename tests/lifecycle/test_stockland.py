"""Stock land: the 53号令 idle rules, unsupplied and low-efficiency land, cases and the rate."""

import pytest

from landcycle.lifecycle.models import StockLandCase
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.stockland import (
    CASE_TRANSITIONS,
    ParcelFacts,
    disposal_rate,
    identify,
    sync_cases,
    transition,
)
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d
from .factories import StockLandCaseFactory

TODAY = d("2025-06-30")


def facts(**kw):
    base = {
        "parcel_id": 1,
        "code": "P1",
        "area_m2": 30_000.0,
        "holder_id": 7,
        "supply_method": "tender_auction",
        "term_start": d("2022-01-01"),
    }
    base.update(kw)
    return ParcelFacts(**base)


def only(findings, category):
    return [f for f in findings if f.category == category]


def test_not_started_one_year_after_agreed_start_is_idle_with_fee():
    p = facts(agreed_start=d("2024-06-30"), extra={"land_price_10k_cny": 3000})
    [f] = only(identify([p], TODAY), "idle")
    assert f.idle_since == d("2024-06-30") and f.fee_due and not f.take_back
    assert f.fee_10k_cny == 600.0  # 20 % of 3,000 万元
    assert any("53号令" in b for b in f.basis)


def test_one_day_short_of_a_year_is_not_idle():
    assert not identify([facts(agreed_start=d("2024-07-01"))], TODAY)


def test_two_years_idle_may_be_taken_back_and_fee_unknown_without_price():
    [f] = identify([facts(agreed_start=d("2023-06-30"))], TODAY)
    assert f.take_back and f.fee_due and f.fee_10k_cny is None
    assert any("土地价款未登记" in b for b in f.basis)


def test_started_and_stopped_with_little_developed_is_idle():
    p = facts(
        agreed_start=d("2022-01-01"),
        actual_start=d("2022-03-01"),
        extra={"已开发面积 (平方米)": 9_000, "停工日期": "2024-05-01"},
    )
    [f] = identify([p], TODAY)
    assert f.category == "idle" and f.idle_since == d("2024-05-01")
    assert any("不足三分之一" in b for b in f.basis)


@pytest.mark.parametrize(
    "extra",
    [
        {"developed_area_m2": 10_000, "works_stopped_on": "2024-05-01"},  # exactly 1/3: not idle
        {"developed_area_m2": 5_000, "works_stopped_on": "2024-07-01"},  # stopped < 1 year
        {"developed_area_m2": 5_000},  # never stopped
        {
            "invested_10k_cny": 25,
            "planned_investment_10k_cny": 100,
            "works_stopped_on": "2024-01-01",
        },
    ],
)
def test_started_parcels_that_are_not_idle(extra):
    p = facts(agreed_start=d("2022-01-01"), actual_start=d("2022-03-01"), extra=extra)
    assert not identify([p], TODAY)


def test_investment_below_a_quarter_and_stopped_is_idle():
    p = facts(
        actual_start=d("2022-03-01"),
        extra={
            "invested_10k_cny": 24,
            "planned_investment_10k_cny": 100,
            "works_stopped_on": "2024-01-01",
        },
    )
    [f] = identify([p], TODAY)
    assert any("不足25%" in b for b in f.basis)


def test_unsupplied_and_low_efficiency():
    unsupplied = facts(parcel_id=2, code="P2", holder_id=None, supply_method="", term_start=None)
    low = facts(parcel_id=3, code="P3")
    fine = facts(parcel_id=4, code="P4")
    findings = identify([unsupplied, low, fine], TODAY, low_classes={3: "D", 4: "B"})
    assert {(f.code, f.category) for f in findings} == {
        ("P2", "unsupplied"),
        ("P3", "low_efficiency"),
    }


@pytest.mark.django_db
def test_sync_opens_one_case_per_finding_once(calendar):
    idle = ParcelFactory(agreed_start=d("2024-01-10"))
    ParcelFactory(agreed_start=d("2025-01-10"))  # not yet idle
    report = sync_cases(TODAY, calendar=calendar)
    assert report.created == 1
    case = StockLandCase.objects.get()
    assert case.parcel == idle and case.category == "idle"
    assert case.deadline == d("2025-12-30")  # 6 months, a Tuesday
    assert sync_cases(TODAY, calendar=calendar).created == 0  # already open
    from landcycle.core.models import ChangeRecord

    [record] = ChangeRecord.objects.filter(content_type__model="stocklandcase")
    assert record.action == "create" and record.after["category"] == "idle"
    idle.actual_start = d("2025-06-01")  # works started: the finding no longer holds
    idle.save()
    assert sync_cases(TODAY, calendar=calendar).no_longer_found == [case.pk]


@pytest.mark.django_db
def test_case_workflow_and_refusals():
    case = StockLandCaseFactory()
    with pytest.raises(LifecycleError, match="一地一策"):
        transition(case, "plan", on=d("2025-06-10"), plan="", task_force="", lead_unit="")
    with pytest.raises(LifecycleError, match="不能执行「处置完成」"):
        transition(case, "dispose", on=d("2025-06-10"), disposal_method="收回")
    transition(
        case,
        "plan",
        on=d("2025-06-10"),
        plan="督促开工",
        task_force="闲置土地盘活专班",
        lead_unit="产业集聚区管委会",
        deadline=d("2025-12-31"),
    )
    transition(case, "start", on=d("2025-07-01"))
    with pytest.raises(LifecycleError):
        transition(case, "start", on=d("2025-07-02"))
    with pytest.raises(LifecycleError, match="处置方式"):
        transition(case, "dispose", on=d("2025-09-01"))
    transition(case, "dispose", on=d("2025-09-01"), disposal_method="企业追加投资复工")
    assert case.status == "disposed" and case.disposed_on == d("2025-09-01")
    for action in CASE_TRANSITIONS:
        with pytest.raises(LifecycleError):
            transition(case, action, on=d("2025-09-02"), reason="x")


@pytest.mark.django_db
def test_disposal_rate_by_area_against_60_percent():
    street = JurisdictionFactory(name="颍川")
    big = StockLandCaseFactory(parcel=ParcelFactory(jurisdiction=street, registered_area_m2=70_000))
    StockLandCaseFactory(parcel=ParcelFactory(jurisdiction=street, registered_area_m2=30_000))
    StockLandCaseFactory(parcel=ParcelFactory(registered_area_m2=50_000))  # elsewhere
    StockLandCaseFactory(parcel=big.parcel, category="low_efficiency")  # same parcel twice
    before = disposal_rate(d("2025-12-31"), street)
    assert (before.total, before.disposed, before.meets_target) == (2, 0, False)
    for case in StockLandCase.objects.filter(parcel=big.parcel):
        StockLandCase.objects.filter(pk=case.pk).update(
            status="disposed", disposed_on=d("2025-10-01")
        )
    rate = disposal_rate(d("2025-12-31"), street)
    assert rate.rate == 0.5 and rate.area_rate == 0.7 and rate.meets_target
    assert disposal_rate(d("2025-09-30"), street).disposed == 0  # not yet disposed then


@pytest.mark.django_db
def test_low_efficiency_comes_from_the_latest_final_run(calendar):
    from django.utils import timezone

    from landcycle.evaluation.models import EvaluationResult, EvaluationRun

    parcel = ParcelFactory()

    def run(year, status, klass):
        r = EvaluationRun.objects.create(
            year=year,
            policy_name="beijing-etown-2023",
            policy_hash="x",
            inputs_fingerprint="y",
            status=status,
            created_at=timezone.now(),
        )
        EvaluationResult.objects.create(run=r, parcel=parcel, parcel_code=parcel.code, klass=klass)

    run(2024, "final", "B")
    run(2025, "draft", "D")  # not final: ignored
    assert sync_cases(TODAY, calendar=calendar).created == 0
    run(2025, "final", "C")
    report = sync_cases(TODAY, calendar=calendar)
    assert report.created == 1 and report.evaluation_run.year == 2025
    case = StockLandCase.objects.get()
    assert case.category == "low_efficiency" and "C类" in case.basis[0]
