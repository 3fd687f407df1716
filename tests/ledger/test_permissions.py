"""The parcel-based row rules (``ledger.permissions.on_parcels_in`` / ``on_parcels_of``): one
definition shared by every model with a ``parcel`` key."""

import pytest

from landcycle.ledger import models as ledger
from landcycle.ledger.permissions import on_parcels_in, on_parcels_of
from tests.factories import (
    EnterpriseFactory,
    JurisdictionFactory,
    LeaseFactory,
    ParcelFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_streets():
    district = JurisdictionFactory(name="北仑区", kind=ledger.Jurisdiction.Kind.DISTRICT)
    a = JurisdictionFactory(name="甲街道", parent=district)
    b = JurisdictionFactory(name="乙街道", parent=district)
    return district, a, b


def test_on_parcels_in_keeps_rows_of_the_subtree_only(two_streets):
    district, a, b = two_streets
    in_a = ledger.Building.objects.create(parcel=ParcelFactory(jurisdiction=a), name="一号厂房")
    in_b = ledger.Building.objects.create(parcel=ParcelFactory(jurisdiction=b), name="二号厂房")
    buildings = ledger.Building.objects.all()
    assert list(buildings.filter(on_parcels_in(a.path))) == [in_a]
    assert list(buildings.filter(on_parcels_in(b.path))) == [in_b]
    assert set(buildings.filter(on_parcels_in(district.path))) == {in_a, in_b}


def test_on_parcels_of_covers_held_and_rented_parcels(two_streets):
    _district, a, b = two_streets
    firm = EnterpriseFactory()
    held = ParcelFactory(jurisdiction=a, holder=firm)
    rented = LeaseFactory(parcel=ParcelFactory(jurisdiction=b), tenant=firm).parcel
    other = ParcelFactory(jurisdiction=a)
    for parcel in (held, rented, other):
        ViolationFactory(parcel=parcel)
    found = {v.parcel_id for v in ledger.Violation.objects.filter(on_parcels_of(firm.pk))}
    assert found == {held.pk, rented.pk}


def test_street_officers_see_buildings_through_the_shared_rule(two_streets):
    from landcycle.core.permissions import Role, restricted
    from tests.web.factories import user_with_role

    _district, a, b = two_streets
    in_a = ledger.Building.objects.create(parcel=ParcelFactory(jurisdiction=a), name="一号厂房")
    ledger.Building.objects.create(parcel=ParcelFactory(jurisdiction=b), name="二号厂房")
    officer = user_with_role("officer_a", Role.STREET_OFFICER, jurisdiction=a)
    assert list(restricted(ledger.Building, officer)) == [in_a]
