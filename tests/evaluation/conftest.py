"""A small E-Town ledger with one parcel per class, built with the factories."""

import datetime as dt
from types import SimpleNamespace

import pytest

from landcycle.ledger.models import Parcel, Relation, Violation
from tests.factories import (
    CommitmentFactory,
    EnterpriseFactory,
    IndicatorReportFactory,
    JurisdictionFactory,
    LeaseFactory,
    ParcelFactory,
    PersonFactory,
    RelationFactory,
    ViolationFactory,
)

YEAR = 2025
HA = 10_000.0


@pytest.fixture
def etown(db):
    """Parcels of 2 ha each: a (class A), b (B), c (C), d (D), renewal (renewal park, met)."""
    street = JurisdictionFactory(name="荣华街道")

    def parcel(code, holder, **kw):
        kw.setdefault("project_type", Parcel.ProjectType.SELF_USED)
        return ParcelFactory(
            code=code, holder=holder, jurisdiction=street, registered_area_m2=2 * HA, **kw
        )

    def figures(holder, parcel, output_per_ha, tax_per_ha, year=YEAR):
        return IndicatorReportFactory(
            enterprise=holder,
            parcel=parcel,
            year=year,
            output_10k_cny=output_per_ha * 2,
            tax_10k_cny=tax_per_ha * 2,
        )

    holder_a = EnterpriseFactory(name="优质制造有限公司")
    holder_b = EnterpriseFactory(name="一般制造有限公司")
    holder_c = EnterpriseFactory(name="出租园区有限公司")
    holder_d = EnterpriseFactory(name="涉诉企业有限公司")
    holder_r = EnterpriseFactory(name="更新园区有限公司")
    tenant = EnterpriseFactory(name="无关承租企业")
    related = EnterpriseFactory(name="同一法人的关联企业")  # holds no land here

    a = parcel("ET-A", holder_a)
    b = parcel("ET-B", holder_b)
    c = parcel("ET-C", holder_c)
    d = parcel("ET-D", holder_d)
    r = parcel("ET-R", holder_r, project_type=Parcel.ProjectType.RENEWAL_PARK)

    figures(holder_a, a, 35_000, 2_500)  # ≥ 3亿元/公顷 and ≥ 2000万元/公顷
    figures(holder_b, b, 12_000, 600)
    figures(holder_c, c, 8_000, 300)
    figures(holder_d, d, 40_000, 3_000)  # high figures do not save a parcel in litigation
    figures(holder_r, r, 26_000, 900)
    figures(holder_a, a, 20_000, 1_500, year=YEAR - 1)

    LeaseFactory(
        parcel=c, tenant=tenant, area_m2=5_000.0, approved=False, start=dt.date(2024, 1, 1)
    )
    ViolationFactory(
        parcel=c,
        enterprise=holder_c,
        kind=Violation.Kind.UNAUTHORISED_LEASE,
        found_on=dt.date(2025, 4, 1),
        refuses_correction=False,
        agrees_to_renewal=True,
    )
    ViolationFactory(
        parcel=d, enterprise=holder_d, kind=Violation.Kind.LITIGATION, found_on=dt.date(2025, 2, 1)
    )
    CommitmentFactory(
        parcel=r, enterprise=holder_r, indicator="output_per_ha", value=25_000.0, year=YEAR
    )

    # holder A's legal representative also controls another company: a related party (关联方).
    person = PersonFactory(name="王强")
    RelationFactory(subject=holder_a, party_person=person, kind=Relation.Kind.LEGAL_REPRESENTATIVE)
    RelationFactory(subject=related, party_person=person, kind=Relation.Kind.ACTUAL_CONTROLLER)

    return SimpleNamespace(
        street=street,
        a=a,
        b=b,
        c=c,
        d=d,
        r=r,
        holder_a=holder_a,
        holder_b=holder_b,
        related=related,
        tenant=tenant,
        person=person,
        expected={"ET-A": "A", "ET-B": "B", "ET-C": "C", "ET-D": "D", "ET-R": "A"},
    )
