"""Admission (seeds/003): checks with reasons, 3 working days, committee or district."""

from pathlib import Path

import pytest

from landcycle.evaluation.engine import load_policy
from landcycle.lifecycle.models import AdmissionApplication as App
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.admission import (
    Thresholds,
    assess,
    decide,
    escalate,
    record_assessment,
    submit,
    thresholds,
    withdraw,
)
from tests.factories import JurisdictionFactory

from .conftest import d


def application(**kw):
    base = {
        "enterprise_name": "北京精雕医疗器械有限公司",
        "industry_field": "medical_devices",
        "tags": ["上市公司"],
        "supply_method": "tender_auction",
        "land_area_m2": 20_000.0,  # 2 ha
        "planned_investment_10k_cny": 22_000.0,  # 11,000 万元/公顷
        "expected_tax_10k_cny": 4_000.0,  # 2,000 万元/公顷
    }
    base.update(kw)
    return App(**base)


def test_thresholds_come_from_the_admission_policy():
    limits = thresholds()
    assert limits.investment_per_ha["lease_then_sell"] == 7000
    assert limits.investment_per_ha["tender_auction"] == 11000
    assert limits.investment_per_ha["agreement"] == 11000
    assert limits.tax_per_ha == 2000
    assert "世界500强" in limits.class_a_tags
    assert limits.source.startswith("mentougou-admission-2021")


def test_a_user_copy_of_the_policy_changes_admission(tmp_path, settings):
    shipped = Path(load_policy("mentougou-admission-2021").path).read_text(encoding="utf-8")
    # The 2019 standard: tax 1,600 万元/公顷, written here in 元/亩 to show units are converted.
    edited = shipped.replace(
        'tax = { value = 2000, unit = "万元/公顷" }',
        'tax = { value = 1066666.6667, unit = "元/亩" }',
    )
    assert edited != shipped
    (tmp_path / "mentougou.toml").write_text(edited, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    assert thresholds().tax_per_ha == pytest.approx(1600)


def test_class_a_exactly_at_the_thresholds():
    result = assess(application())
    assert result.proposed_class == "A"
    assert any("11,000 万元/公顷 ≥ 11,000" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("changes", "expected", "reason"),
    [
        ({"planned_investment_10k_cny": 21_998.0}, "B", "< 11,000"),
        (
            {"supply_method": "lease_then_sell", "planned_investment_10k_cny": 14_000.0},
            "A",
            "≥ 7,000",
        ),
        (
            {"supply_method": "lease_then_sell", "planned_investment_10k_cny": 13_998.0},
            "B",
            "< 7,000",
        ),
        ({"expected_tax_10k_cny": 3_999.0}, "B", "< 2,000"),
        ({"tags": []}, "B", "无世界500强"),
        ({"supply_method": "long_lease"}, "B", "无A类投资强度标准"),
        ({"industry_field": "park_service"}, "B", "配套服务"),
        ({"industry_field": "other"}, "none", "不符合园区"),
        ({"on_negative_list": True}, "none", "禁止和限制目录"),
        ({"registers_in_park": False}, "none", "独立法人"),
        ({"tags": [], "major_project": True}, "A", "须经人工认定"),
    ],
)
def test_assessment_cases(changes, expected, reason):
    result = assess(application(**changes))
    assert result.proposed_class == expected
    assert any(reason in r for r in result.reasons), result.reasons


def test_policy_thresholds_override():
    limits = Thresholds(
        {"tender_auction": 12_000}, 2_000, frozenset({"世界500强", "上市公司"}), "test"
    )
    assert assess(application(), limits).proposed_class == "B"


@pytest.mark.django_db
def test_submit_sets_due_in_three_working_days_over_national_day(calendar):
    app = submit(
        received_on=d("2025-09-30"),
        calendar=calendar,
        jurisdiction=JurisdictionFactory(name="门头沟园"),
        **_fields(),
    )
    assert app.assessment_due == d("2025-10-11")  # make-up Saturday after the Golden Week
    assert app.status == App.Status.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2025-03-07", "2025-03-12"),  # an ordinary Friday: Mon, Tue, Wed
        ("2025-01-24", "2025-02-05"),  # Friday before the Spring Festival: Sun (make-up), Mon,
        #                                then 28 Jan – 4 Feb off, Wed 5 Feb
        ("2024-09-13", "2024-09-19"),  # Friday before Mid-Autumn: Sat 14 (make-up), Wed, Thu
        ("2025-04-03", "2025-04-09"),  # Thursday before Qingming (Fri 4 Apr off)
        ("2025-10-03", "2025-10-11"),  # received on a day off: Thu 9, Fri 10, Sat 11 (make-up)
    ],
)
def test_submit_stores_the_assessment_due_date_in_working_days(calendar, received, due):
    app = submit(
        received_on=d(received), calendar=calendar, jurisdiction=JurisdictionFactory(), **_fields()
    )
    app.refresh_from_db()
    assert app.assessment_due == d(due)
    assert app.deadline_flags == {}
    assert app.status == App.Status.SUBMITTED and app.proposed_class == ""


@pytest.mark.django_db
def test_submit_reads_the_holiday_table_when_no_calendar_is_given(calendar):
    """The web and the demo pass no calendar: the one in the database is used."""
    app = submit(received_on=d("2025-01-24"), jurisdiction=JurisdictionFactory(), **_fields())
    assert app.assessment_due == d("2025-02-05")


@pytest.mark.django_db
def test_submit_in_late_december_2026_flags_unknown_calendar(calendar):
    app = submit(
        received_on=d("2026-12-30"),
        calendar=calendar,
        jurisdiction=JurisdictionFactory(),
        **_fields(),
    )
    assert app.assessment_due is None
    assert "2027年节假日安排未知" in app.deadline_flags["assessment_due"]


@pytest.mark.django_db
def test_submit_refuses_bad_input(calendar):
    with pytest.raises(LifecycleError, match="缺少"):
        submit(received_on=d("2025-01-02"), calendar=calendar, enterprise_name="x")
    assert not App.objects.exists()


@pytest.mark.django_db
def test_committee_path_and_escalation_path(calendar):
    zone = JurisdictionFactory()
    app = submit(received_on=d("2025-03-03"), calendar=calendar, jurisdiction=zone, **_fields())
    with pytest.raises(LifecycleError):
        decide(app, approve=True, on=d("2025-03-04"))  # not assessed yet
    record_assessment(app, on=d("2025-03-07"))  # due Thu 6 Mar: late
    assert app.proposed_class == "A" and any("逾期" in r for r in app.assessment_reasons)
    decide(app, approve=True, on=d("2025-03-10"), document="门园准〔2025〕3号")
    assert app.status == App.Status.APPROVED and app.decision_body == App.DecisionBody.COMMITTEE
    with pytest.raises(LifecycleError):
        withdraw(app, on=d("2025-03-11"))

    other = submit(
        received_on=d("2025-03-03"),
        calendar=calendar,
        jurisdiction=zone,
        **_fields(industry_field="other"),
    )
    record_assessment(other, on=d("2025-03-05"))
    with pytest.raises(LifecycleError, match="一事一议"):
        decide(other, approve=True, on=d("2025-03-06"))
    escalate(other, on=d("2025-03-06"), note="特殊贡献企业，报区政府一事一议")
    with pytest.raises(LifecycleError):
        escalate(other, on=d("2025-03-07"))
    decide(other, approve=False, on=d("2025-03-20"), note="区政府不同意")
    assert other.status == App.Status.REJECTED and other.decision_body == App.DecisionBody.DISTRICT


def _fields(**kw):
    app = application(**kw)
    return {
        k: getattr(app, k)
        for k in (
            "enterprise_name",
            "industry_field",
            "tags",
            "supply_method",
            "land_area_m2",
            "planned_investment_10k_cny",
            "expected_tax_10k_cny",
        )
    }
