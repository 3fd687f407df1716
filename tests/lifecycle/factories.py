"""Factories for lifecycle records (ledger factories come from tests.factories)."""

import datetime as dt

import factory

from landcycle.lifecycle import models
from tests.factories import EnterpriseFactory, JurisdictionFactory, ParcelFactory


class ExitCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExitCase

    enterprise = factory.SubFactory(EnterpriseFactory)
    parcel = factory.SubFactory(ParcelFactory, holder=factory.SelfAttribute("..enterprise"))
    jurisdiction = factory.SelfAttribute("parcel.jurisdiction")
    trigger = models.ExitCase.Trigger.UNAUTHORISED_DISPOSAL
    facts = "未经区政府批准出租厂房"
    verified_on = dt.date(2025, 3, 3)
    interview_due = dt.date(2025, 4, 2)


class SupervisionAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupervisionAgreement

    number = factory.Sequence(lambda n: f"MTG-LY-{n:04d}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    parcel = factory.SubFactory(ParcelFactory, holder=factory.SelfAttribute("..enterprise"))
    signed_on = dt.date(2021, 6, 1)
    valid_from = dt.date(2021, 6, 1)
    attainment_due = dt.date(2024, 6, 1)


class AgreementTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AgreementTerm

    agreement = factory.SubFactory(SupervisionAgreementFactory)
    indicator = models.AgreementTerm.Indicator.TAX_PER_HA
    op = ">="
    value = 2000.0
    unit = "万元/公顷"


class StockLandCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StockLandCase

    parcel = factory.SubFactory(ParcelFactory)
    category = models.StockLandCase.Category.IDLE
    identified_on = dt.date(2025, 6, 1)


class RenewalProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RenewalProject

    name = factory.Sequence(lambda n: f"老旧工业区块改造{n}")
    street = factory.SubFactory(JurisdictionFactory)
    kind = models.RenewalProject.Kind.BLOCK
    mode = models.RenewalProject.Mode.SELF_RENOVATION
    path = models.RenewalProject.Path.SORT_UPGRADE
    land_area_m2 = 100_000.0


class ProjectLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProjectLead

    name = factory.Sequence(lambda n: f"高精尖项目{n}")
    total_investment_10k_cny = 15_000.0
    leading_district = factory.SubFactory(JurisdictionFactory)
    first_talk_on = dt.date(2025, 1, 10)
