"""factory_boy factories for the ledger. Identifiers are valid (check digits computed)."""

import factory

from landcycle.core.identifiers import resident_id_with_check_digit, uscc_with_check_digit
from landcycle.ledger import models


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Jurisdiction
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"街道{n}")
    parent = None
    kind = models.Jurisdiction.Kind.STREET


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enterprise

    uscc = factory.Sequence(lambda n: uscc_with_check_digit(f"9133020671{n:07d}"))
    name = factory.Sequence(lambda n: f"宁波测试制造有限公司{n}")
    industry_code = "C3311"
    scale = models.Enterprise.Scale.ABOVE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    id_number = factory.Sequence(
        lambda n: resident_id_with_check_digit(f"33020619800101{n % 1000:03d}")
    )
    name = factory.Sequence(lambda n: f"张{n}")


class ParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Parcel

    code = factory.Sequence(lambda n: f"BL{n:06d}")
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    land_use = "工业"
    supply_method = models.Parcel.SupplyMethod.TENDER_AUCTION
    project_type = models.Parcel.ProjectType.SELF_USED
    registered_area_m2 = 20_000.0
    holder = factory.SubFactory(EnterpriseFactory)


class LeaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lease

    parcel = factory.SubFactory(ParcelFactory)
    tenant = factory.SubFactory(EnterpriseFactory)
    area_m2 = 1_000.0
    approved = False


class IndicatorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndicatorReport

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    output_10k_cny = 10_000.0
    tax_10k_cny = 800.0


class ViolationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Violation

    parcel = factory.SubFactory(ParcelFactory)
    kind = models.Violation.Kind.LITIGATION
    found_on = factory.Faker("date_between", start_date="-2y", end_date="-1d")


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Relation

    subject = factory.SubFactory(EnterpriseFactory)
    party_person = factory.SubFactory(PersonFactory)
    kind = models.Relation.Kind.LEGAL_REPRESENTATIVE


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commitment

    parcel = factory.SubFactory(ParcelFactory)
    indicator = "output_per_ha"
    value = 30_000.0
    unit = "10k_cny/ha"
    year = 2025
