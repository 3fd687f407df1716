import pytest

from tests.factories import EnterpriseFactory, JurisdictionFactory, ParcelFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_jurisdiction_subtree():
    district = JurisdictionFactory(name="北仑区", kind="district")
    street = JurisdictionFactory(name="新碶街道", parent=district)
    other = JurisdictionFactory(name="小港街道", parent=district)
    JurisdictionFactory(name="其他区", kind="district")
    assert set(district.subtree()) == {district, street, other}
    assert set(street.subtree()) == {street}


def test_person_masked():
    person = PersonFactory()
    assert person.masked_id_number.startswith(person.id_number[:6])
    assert person.id_number[6:14] not in person.masked_id_number
    assert person.masked_id_number in str(person)


def test_parcel_area_mismatch_flag():
    parcel = ParcelFactory(registered_area_m2=10_000, computed_area_m2=10_600)
    assert parcel.area_mismatch
    parcel.computed_area_m2 = 10_300
    assert not parcel.area_mismatch


def test_factories_give_valid_identifiers():
    from landcycle.core.identifiers import normalise_resident_id, normalise_uscc

    assert normalise_uscc(EnterpriseFactory().uscc)
    assert normalise_resident_id(PersonFactory().id_number)
