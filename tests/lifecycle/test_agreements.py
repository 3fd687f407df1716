"""Supervision agreements: terms with units, the yearly check, the first-quarter review."""

import pytest

from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.agreements import annual_review, check_year, create_agreement
from tests.factories import EnterpriseFactory, IndicatorReportFactory, ParcelFactory

from .conftest import d

pytestmark = pytest.mark.django_db

TERMS = [
    {"indicator": "investment_per_ha", "value": 11_000, "unit": "万元/公顷"},
    {"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"},
    {"indicator": "output_per_ha", "value": 2, "unit": "亿元/公顷"},
    {"indicator": "energy_efficiency", "value": 5, "unit": "万元/吨标准煤"},
    {"indicator": "rd_intensity", "value": 5, "unit": "%"},
    {"indicator": "green_building_stars", "value": 1, "unit": "星"},
]


def _agreement(terms=TERMS, **kw):
    firm = EnterpriseFactory()
    parcel = ParcelFactory(holder=firm, registered_area_m2=20_000)  # 2 ha
    return create_agreement(
        number=kw.pop("number", "MTG-001"),
        parcel=parcel,
        enterprise=firm,
        signed_on=d("2021-06-01"),
        terms=terms,
        **kw,
    )


def test_default_terms_and_three_years_to_attainment():
    agreement = _agreement(terms=None)
    assert agreement.attainment_due == d("2024-06-01")
    assert {t.indicator for t in agreement.terms.all()} == {
        "investment_per_ha",
        "tax_per_ha",
        "green_building_stars",
    }


def test_bad_terms_are_refused_and_nothing_written():
    with pytest.raises(LifecycleError) as info:
        _agreement(
            terms=[
                {"indicator": "tax_per_ha", "value": 2_000, "unit": "吨"},
                {"indicator": "rd_intensity", "value": 5, "unit": "万元"},
                {"indicator": "happiness", "value": 1, "unit": "%"},
            ]
        )
    assert (
        "承诺 1" in str(info.value) and "承诺 2" in str(info.value) and "承诺 3" in str(info.value)
    )
    from landcycle.lifecycle.models import SupervisionAgreement

    assert not SupervisionAgreement.objects.exists()


def test_every_breach_is_listed_in_canonical_units():
    agreement = _agreement()
    firm, parcel = agreement.enterprise, agreement.parcel
    IndicatorReportFactory(
        enterprise=firm,
        parcel=parcel,
        year=2023,
        investment_10k_cny=15_000,
        output_10k_cny=None,
        tax_10k_cny=None,
    )
    IndicatorReportFactory(
        enterprise=firm,
        parcel=parcel,
        year=2024,
        investment_10k_cny=5_000,
        output_10k_cny=30_000,
        tax_10k_cny=3_000,
        value_added_10k_cny=1_000,
        energy_tce=100,
        revenue_10k_cny=10_000,
        rd_expense_10k_cny=600,
    )
    # investment 20,000/2 = 10,000 < 11,000; tax 1,500 < 2,000; output 15,000 < 20,000 万元/ha;
    # energy efficiency 10 ≥ 5; R&D 6 % ≥ 5 %; no green-building certificate yet
    breaches = {b.indicator: b for b in check_year(2024)}
    assert set(breaches) == {
        "investment_per_ha",
        "tax_per_ha",
        "output_per_ha",
        "green_building_stars",
    }
    assert breaches["investment_per_ha"].actual == pytest.approx(10_000)
    assert breaches["output_per_ha"].committed == pytest.approx(20_000)
    assert "无数据" in breaches["green_building_stars"].reason
    assert check_year(2023) == []  # before the attainment year nothing is checked
    agreement.green_building_stars = 1
    agreement.save()
    assert "green_building_stars" not in {b.indicator for b in check_year(2024)}


def test_enterprise_level_report_is_split_by_held_area():
    agreement = _agreement(terms=[{"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"}])
    ParcelFactory(holder=agreement.enterprise, registered_area_m2=20_000)  # a second parcel
    IndicatorReportFactory(enterprise=agreement.enterprise, year=2024, tax_10k_cny=8_000)
    assert check_year(2024) == []  # half of 8,000 on 2 ha = 2,000 万元/公顷
    IndicatorReportFactory(enterprise=agreement.enterprise, year=2025, tax_10k_cny=7_996)
    [breach] = check_year(2025)
    assert breach.actual == pytest.approx(1_999)


def test_first_quarter_review_lists_enterprises_in_the_park_a_year_or_more():
    old = _agreement(
        number="OLD",
        terms=[{"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"}],
        attainment_due=d("2024-01-01"),
    )
    firm = EnterpriseFactory()
    create_agreement(
        number="NEW", parcel=ParcelFactory(holder=firm), enterprise=firm, signed_on=d("2024-04-01")
    )  # in the park 364 days on 31 Mar 2025
    IndicatorReportFactory(enterprise=old.enterprise, parcel=old.parcel, year=2024, tax_10k_cny=100)
    review = annual_review(2025)
    assert review.due == d("2025-03-31")
    assert [a.number for a in review.agreements] == ["OLD"]
    assert [b.number for b in review.breaches] == ["OLD"]


def test_expire_only_an_active_agreement_past_its_validity():
    from landcycle.lifecycle.models import SupervisionAgreement as Agreement
    from landcycle.lifecycle.services.agreements import expire, terminate

    agreement = _agreement(valid_to=d("2026-05-31"))
    with pytest.raises(LifecycleError, match="尚未到期"):
        expire(agreement, on=d("2026-05-30"))
    expire(agreement, on=d("2026-05-31"))
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED
    with pytest.raises(LifecycleError, match="不能解除"):
        terminate(agreement, on=d("2026-06-01"))
    with pytest.raises(LifecycleError, match="不能到期"):
        expire(agreement, on=d("2026-06-01"))
    open_ended = _agreement(number="MTG-002")
    with pytest.raises(LifecycleError, match="未约定"):
        expire(open_ended, on=d("2099-01-01"))


def test_terminate_an_active_agreement_not_before_signing():
    from landcycle.lifecycle.models import SupervisionAgreement as Agreement
    from landcycle.lifecycle.services.agreements import terminate

    agreement = _agreement()
    with pytest.raises(LifecycleError, match="早于签订日期"):
        terminate(agreement, on=d("2021-05-31"))
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.ACTIVE
    terminate(agreement, on=d("2023-01-10"))
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.TERMINATED


def test_green_building_stars_one_to_three():
    from landcycle.lifecycle.models import SupervisionAgreement as Agreement
    from landcycle.lifecycle.services.agreements import record_green_building

    agreement = _agreement()
    for bad in (0, 4):
        with pytest.raises(LifecycleError, match="绿色建筑星级"):
            record_green_building(agreement, stars=bad)
    assert Agreement.objects.get(pk=agreement.pk).green_building_stars is None
    record_green_building(agreement, stars=2)
    assert Agreement.objects.get(pk=agreement.pk).green_building_stars == 2
    record_green_building(agreement, stars=None)
    assert Agreement.objects.get(pk=agreement.pk).green_building_stars is None
