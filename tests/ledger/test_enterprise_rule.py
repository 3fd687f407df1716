"""An enterprise reaches the parcels it holds or rents: their ids, read once per request, are
what its rules give the database (no OR of subqueries that defeats the indexes)."""

import pytest
from django.urls import reverse

from landcycle.core.permissions import Role, restricted
from landcycle.ledger.models import Parcel
from landcycle.ledger.permissions import NO_PARCEL, parcels_held, parcels_of
from landcycle.web import cache
from tests.factories import EnterpriseFactory, LeaseFactory, ParcelFactory
from tests.web.conftest import client_for
from tests.web.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_parcels_of_are_the_held_and_the_rented(django_assert_num_queries):
    ent = EnterpriseFactory()
    held = ParcelFactory(holder=ent)
    rented = LeaseFactory(tenant=ent).parcel
    ParcelFactory()  # someone else's
    with django_assert_num_queries(1):
        assert parcels_of(ent.pk) == sorted([held.pk, rented.pk])
    assert parcels_held(ent.pk) == [held.pk]
    assert parcels_of(EnterpriseFactory().pk) == [NO_PARCEL]
    assert parcels_held(EnterpriseFactory().pk) == [NO_PARCEL]
    with cache.request_scope(), django_assert_num_queries(1):
        parcels_of(ent.pk)
        parcels_held(ent.pk)
        parcels_of(ent.pk)  # one query per request for both


def test_leases_reach_the_holder_and_the_tenant_only():
    from landcycle.ledger.models import Lease

    holder, tenant, other = EnterpriseFactory(), EnterpriseFactory(), EnterpriseFactory()
    lease = LeaseFactory(parcel=ParcelFactory(holder=holder), tenant=tenant)
    elsewhere = LeaseFactory(tenant=other)  # on someone else's parcel
    seen = {}
    for name, ent in (("holder", holder), ("tenant", tenant), ("other", other)):
        user = user_with_role(f"u_{name}", Role.ENTERPRISE_USER, enterprise=ent)
        seen[name] = set(restricted(Lease, user).values_list("pk", flat=True))
    assert seen == {"holder": {lease.pk}, "tenant": {lease.pk}, "other": {elsewhere.pk}}


def test_an_enterprise_without_parcels_sees_none_and_its_pages_answer():
    ParcelFactory.create_batch(2)
    user = user_with_role("new_ent", Role.ENTERPRISE_USER, enterprise=EnterpriseFactory())
    assert not restricted(Parcel, user).exists()
    client = client_for(user)
    for route in ("ledger:parcel_list", "evaluation:my_results", "lifecycle:inbox"):
        assert client.get(reverse(route)).status_code == 200, route
