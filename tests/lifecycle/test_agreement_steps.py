"""Supervision agreement service additions for the pages (l1): refusals of create, the review
window of the first quarter, a reviewed queryset, units named in Chinese."""

import pytest

from landcycle.lifecycle.models import SupervisionAgreement
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services import agreements as svc
from tests.factories import IndicatorReportFactory, ParcelFactory

from .conftest import d

pytestmark = pytest.mark.django_db


def test_create_refuses_duplicate_number_missing_enterprise_and_reversed_validity():
    parcel = ParcelFactory()
    svc.create_agreement(
        number="LY-1", parcel=parcel, enterprise=parcel.holder, signed_on=d("2021-06-01")
    )
    with pytest.raises(LifecycleError) as caught:
        svc.create_agreement(
            number="LY-1",
            parcel=parcel,
            enterprise=None,
            signed_on=d("2021-06-01"),
            valid_to=d("2021-01-01"),
        )
    message = str(caught.value)
    assert "协议编号 LY-1 已存在" in message and "请指定乙方企业" in message
    assert "有效期止 2021-01-01 早于有效期起 2021-06-01" in message
    assert SupervisionAgreement.objects.count() == 1


def test_review_window_and_due():
    assert svc.review_window(2025) == (d("2025-03-31"), d("2024-03-31"))
    parcel = ParcelFactory()
    a = svc.create_agreement(
        number="LY-2", parcel=parcel, enterprise=parcel.holder, signed_on=d("2024-03-31")
    )
    b = svc.create_agreement(
        number="LY-3", parcel=parcel, enterprise=parcel.holder, signed_on=d("2024-04-01")
    )
    assert svc.review_due(a, 2025) == d("2025-03-31")  # in the park a year (含) by 31 March
    assert svc.review_due(b, 2025) is None and svc.review_due(b, 2026) == d("2026-03-31")
    svc.terminate(a, on=d("2025-01-01"))
    assert svc.review_due(a, 2025) is None


def test_annual_review_of_a_given_queryset_and_units_in_chinese():
    p1, p2 = ParcelFactory(), ParcelFactory()
    a1 = svc.create_agreement(
        number="R-1", parcel=p1, enterprise=p1.holder, signed_on=d("2021-01-01")
    )
    svc.create_agreement(number="R-2", parcel=p2, enterprise=p2.holder, signed_on=d("2021-01-01"))
    IndicatorReportFactory(enterprise=p1.holder, parcel=p1, year=2024, tax_10k_cny=800)
    review = svc.annual_review(2025, SupervisionAgreement.objects.filter(pk=a1.pk))
    assert [a.number for a in review.agreements] == ["R-1"]
    tax = [b for b in review.breaches if b.indicator == "tax_per_ha"]
    assert {b.number for b in review.breaches} == {"R-1"}
    assert tax[0].unit == "万元/公顷" and tax[0].actual == pytest.approx(400)
    assert "400.00 低于承诺 2,000.00 万元/公顷" in tax[0].reason
    assert {a.number for a in svc.annual_review(2025).agreements} == {"R-1", "R-2"}
