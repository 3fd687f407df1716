"""web.probes: which usually empty parts of a card have rows, in one query compiled once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.ledger import models as ledger
from landcycle.web import cache, probes
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


@pytest.fixture
def own_probes(monkeypatch):
    """Probes of this test only (the apps' own stay untouched)."""
    monkeypatch.setattr(probes, "PROBES", {})
    monkeypatch.setattr(probes, "_compiled", {})
    probes.register_probe(
        ledger.Parcel, "lease", lambda pk: ledger.Lease.objects.filter(parcel_id=pk)
    )
    probes.register_probe(
        ledger.Parcel, "violation", lambda pk: ledger.Violation.objects.filter(parcel_id=pk)
    )


def test_found_names_the_rows_of_each_table_in_one_query(world, own_probes):
    lease = ledger.Lease.objects.get(parcel=world.parcel_b)
    violation = ledger.Violation.objects.get(parcel=world.parcel_b)
    with CaptureQueriesContext(connection) as queries:
        answer = probes.found(world.parcel_b)
    assert answer == {"lease": [lease.pk], "violation": [violation.pk]}
    assert len(queries) == 1 and "UNION ALL" in queries[0]["sql"]
    assert probes.found(world.parcel_a) == {}
    assert probes.has(world.parcel_b, "lease") and not probes.has(world.parcel_a, "lease")
    assert probes.has(world.parcel_a, "no such probe")  # unknown: the section must look itself


def test_the_union_is_compiled_once_per_process(world, own_probes, monkeypatch):
    compiled = []
    real = probes._compile
    monkeypatch.setattr(probes, "_compile", lambda *a: compiled.append(a) or real(*a))
    for parcel in (world.parcel_a, world.parcel_b, world.parcel_a1):
        probes.found(parcel)
    assert len(compiled) == 1
    # A new probe on the model compiles it again, with the new table.
    probes.register_probe(
        ledger.Parcel, "commitment", lambda pk: ledger.Commitment.objects.filter(parcel_id=pk)
    )
    assert "commitment" in probes.found(world.parcel_b) and len(compiled) == 2


def test_read_once_per_request(world, own_probes):
    with cache.request_scope():
        with CaptureQueriesContext(connection) as queries:
            probes.found(world.parcel_b)
            probes.has(world.parcel_b, "lease")
            probes.has(world.parcel_b, "violation")
    assert len(queries) == 1


def test_a_probe_that_does_not_filter_by_the_pk_is_refused(world, own_probes):
    probes.register_probe(ledger.Parcel, "all", lambda pk: ledger.Lease.objects.all())
    with pytest.raises(ImproperlyConfigured, match="all"):
        probes.found(world.parcel_a)


def test_the_card_shows_what_the_probes_found_and_skips_the_rest(world):
    """parcel_b has a lease, a violation and a commitment: shown; parcel_a has none: their
    tables are not asked."""
    client = client_for(world.users["evaluation_officer"])
    page = client.get(reverse("ledger:parcel_detail", args=[world.parcel_b.pk]))
    text = page.content.decode()
    assert world.tenant_b.name in text
    violation = ledger.Violation.objects.get(parcel=world.parcel_b)
    commitment = ledger.Commitment.objects.get(parcel=world.parcel_b)
    assert violation.get_kind_display() in text and commitment.indicator in text
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("ledger:parcel_detail", args=[world.parcel_a.pk]))
    asked = [q["sql"] for q in queries.captured_queries]
    for table in ("ledger_lease", "ledger_violation", "ledger_commitment", "evaluation_objection"):
        # only within the one probe query
        assert [("UNION ALL" in sql) for sql in asked if table in sql] == [True], table
