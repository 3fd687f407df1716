"""A small district with two streets (one with a town below it), their parcels, enterprises,
persons, an evaluation published and one still in draft, and a user of every role."""

from dataclasses import dataclass

import pytest
from django.test import Client

from landcycle.ledger import models as ledger
from landcycle.lifecycle.models import AvailableLandEntry, AvailableLandList
from landcycle.web.models import Role
from tests import factories as f
from tests.web.factories import (
    PASSWORD,
    EvaluationResultFactory,
    EvaluationRunFactory,
    UserFactory,
    user_with_role,
)

DRAFT_MARKER = "草稿评价理由DRAFTONLY"


def square(lon, lat, size=0.002):
    return (
        f"POLYGON(({lon} {lat}, {lon + size} {lat}, {lon + size} {lat + size}, "
        f"{lon} {lat + size}, {lon} {lat}))",
        {"min_lon": lon, "min_lat": lat, "max_lon": lon + size, "max_lat": lat + size},
    )


def parcel(code, jurisdiction, holder, lon, lat, **extra):
    wkt, box = square(lon, lat)
    return f.ParcelFactory(
        code=code, jurisdiction=jurisdiction, holder=holder, geometry_wkt=wkt, **box, **extra
    )


@dataclass
class World:
    district: ledger.Jurisdiction
    street_a: ledger.Jurisdiction
    town_a1: ledger.Jurisdiction
    street_b: ledger.Jurisdiction
    ent_a: ledger.Enterprise
    ent_a1: ledger.Enterprise
    ent_b: ledger.Enterprise
    tenant_b: ledger.Enterprise
    person_a: ledger.Person
    person_b: ledger.Person
    parcel_a: ledger.Parcel
    parcel_a1: ledger.Parcel
    parcel_b: ledger.Parcel
    parcel_free: ledger.Parcel
    run_final: object
    run_draft: object
    users: dict


@pytest.fixture
def world(db, change_context):
    district = f.JurisdictionFactory(name="测试区", kind=ledger.Jurisdiction.Kind.DISTRICT)
    street_a = f.JurisdictionFactory(name="甲街道", parent=district)
    town_a1 = f.JurisdictionFactory(name="甲一镇", parent=street_a, kind="town")
    street_b = f.JurisdictionFactory(name="乙街道", parent=district)
    ent_a = f.EnterpriseFactory(name="甲制造有限公司")
    ent_a1 = f.EnterpriseFactory(name="甲一精密有限公司")
    ent_b = f.EnterpriseFactory(name="乙化工有限公司")
    tenant_b = f.EnterpriseFactory(name="乙租户贸易有限公司")
    person_a = f.PersonFactory(name="甲法人")
    person_b = f.PersonFactory(name="乙法人")
    f.RelationFactory(subject=ent_a, party_person=person_a)
    f.RelationFactory(subject=ent_b, party_person=person_b)
    f.RelationFactory(subject=tenant_b, party_person=person_b, kind="actual_controller")
    parcel_a = parcel("A-0001", street_a, ent_a, 116.50, 39.78, in_control_line=True)
    parcel_a1 = parcel("A1-0001", town_a1, ent_a1, 116.51, 39.78)
    parcel_b = parcel("B-0001", street_b, ent_b, 116.60, 39.80)
    parcel_free = parcel("B-FREE", street_b, None, 116.61, 39.80)
    parcel_draft_list = parcel("B-DRAFTLIST", street_b, None, 116.62, 39.80)
    published = AvailableLandList.objects.create(
        year=2025, jurisdiction=street_b, title="乙街道2025年度可供土地清单", status="published"
    )
    AvailableLandEntry.objects.create(
        land_list=published, parcel=parcel_free, category="unsupplied", conditions="净地"
    )
    draft = AvailableLandList.objects.create(
        year=2025, jurisdiction=street_a, title="甲街道2025年度可供土地清单", status="draft"
    )
    AvailableLandEntry.objects.create(land_list=draft, parcel=parcel_draft_list, category="idle")
    f.LeaseFactory(parcel=parcel_b, tenant=tenant_b)
    f.ViolationFactory(parcel=parcel_b, enterprise=ent_b)
    f.CommitmentFactory(parcel=parcel_b, enterprise=ent_b)
    ledger.Building.objects.create(parcel=parcel_b, name="乙一号厂房", floor_area_m2=5000)
    for year in (2023, 2024):
        f.IndicatorReportFactory(enterprise=ent_a, parcel=parcel_a, year=year)
        f.IndicatorReportFactory(enterprise=ent_b, parcel=parcel_b, year=year)
    run_final = EvaluationRunFactory(year=2024, status="final")
    run_draft = EvaluationRunFactory(year=2025, status="draft")
    for p, klass in ((parcel_a, "A"), (parcel_a1, "B"), (parcel_b, "D")):
        EvaluationResultFactory(run=run_final, parcel=p, klass=klass, previous_class="B")
        EvaluationResultFactory(run=run_draft, parcel=p, klass="C", reasons_zh=DRAFT_MARKER)
    users = {
        "administrator": user_with_role("admin", Role.ADMINISTRATOR),
        "evaluation_officer": user_with_role("evaluator", Role.EVALUATION_OFFICER),
        "street_officer": user_with_role("street_a", Role.STREET_OFFICER, jurisdiction=street_a),
        "department_reader": user_with_role("tax_bureau", Role.DEPARTMENT_READER),
        "enterprise_user": user_with_role("ent_a", Role.ENTERPRISE_USER, enterprise=ent_a),
        "no_role": UserFactory(username="nobody"),
    }
    return World(
        district, street_a, town_a1, street_b, ent_a, ent_a1, ent_b, tenant_b, person_a,
        person_b, parcel_a, parcel_a1, parcel_b, parcel_free, run_final, run_draft, users,
    )  # fmt: skip


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def login():
    return client_for


__all__ = ["PASSWORD"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
