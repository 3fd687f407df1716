import datetime as dt

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from landcycle.evaluation.loading import SCHEMAS, LoadWindow, load_frames
from landcycle.ledger.models import Parcel, Relation, Violation
from tests.factories import (
    CommitmentFactory,
    EnterpriseFactory,
    IndicatorReportFactory,
    LeaseFactory,
    ParcelFactory,
    PersonFactory,
    RelationFactory,
    ViolationFactory,
)

pytestmark = pytest.mark.django_db


def _ledger(n: int):
    parcels = []
    for i in range(n):
        holder = EnterpriseFactory(tags=["上市公司", "行业龙头"] if i == 0 else [])
        parcel = ParcelFactory(holder=holder, registered_area_m2=10_000.0 + i)
        parcels.append(parcel)
        IndicatorReportFactory(enterprise=holder, year=2025, parcel=parcel, employees=10 + i)
        IndicatorReportFactory(enterprise=holder, year=2024, parcel=parcel)
        LeaseFactory(parcel=parcel, start=dt.date(2024, 3, 1), end=dt.date(2026, 2, 28))
        ViolationFactory(parcel=parcel, enterprise=holder, found_on=dt.date(2025, 5, 1))
        CommitmentFactory(parcel=parcel, year=2025)
        RelationFactory(subject=holder, party_person=PersonFactory())
    return parcels


def test_frames_match_the_contract():
    holder = EnterpriseFactory(tags=["央企"], scale="")
    parcel = ParcelFactory(
        holder=holder,
        supply_method="",
        project_type=Parcel.ProjectType.RENEWAL_PARK,
        in_control_line=True,
        agreed_start=dt.date(2020, 5, 1),
        far=1.8,
    )
    vacant = ParcelFactory(holder=None, in_control_line=None)
    tenant = EnterpriseFactory()
    IndicatorReportFactory(enterprise=holder, year=2025, parcel=None, employees=120)
    IndicatorReportFactory(enterprise=holder, year=2023, parcel=None)  # another year: left out
    LeaseFactory(parcel=parcel, tenant=tenant, area_m2=500.0, start=dt.date(2025, 1, 1))
    LeaseFactory(parcel=parcel, tenant=tenant, start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1))
    ViolationFactory(
        parcel=parcel,
        kind=Violation.Kind.UNAUTHORISED_LEASE,
        found_on=dt.date(2025, 6, 1),
        refuses_correction=False,
        agrees_to_renewal=True,
    )
    ViolationFactory(parcel=parcel, found_on=dt.date(2026, 2, 1))  # after the year: left out
    CommitmentFactory(parcel=parcel, enterprise=holder, value=12_000.0, year=2025)
    RelationFactory(
        subject=holder,
        party_enterprise=tenant,
        party_person=None,
        kind=Relation.Kind.SHAREHOLDER,
        share_percent=30.0,
    )

    frames = load_frames(LoadWindow(2025))

    assert set(frames) == set(SCHEMAS)
    for name, frame in frames.items():
        assert dict(frame.schema) == SCHEMAS[name], name
    parcels = frames["parcels"].sort("parcel_id")
    assert parcels["parcel_id"].to_list() == [parcel.pk, vacant.pk]
    row = parcels.row(0, named=True)
    assert row["jurisdiction"] == parcel.jurisdiction.name
    assert row["supply_method"] == "" and row["project_type"] == "renewal_park"
    assert row["area_m2"] == 20_000.0 and row["far"] == 1.8
    assert row["in_control_line"] is True and row["agreed_start"] == dt.date(2020, 5, 1)
    assert row["actual_start"] is None
    assert parcels.row(1, named=True)["holder_id"] is None
    assert parcels.row(1, named=True)["in_control_line"] is None

    enterprise = (
        frames["enterprises"].filter(pl.col("enterprise_id") == holder.pk).row(0, named=True)
    )
    assert enterprise["tags"] == ["央企"] and enterprise["scale"] == ""
    assert frames["enterprises"].filter(pl.col("enterprise_id") == tenant.pk)["tags"].to_list() == [
        []
    ]

    indicators = frames["indicators"]
    assert indicators["year"].to_list() == [2025]
    assert indicators["parcel_id"].to_list() == [None]
    assert indicators["employees"].to_list() == [120]
    assert indicators["output_10k_cny"].to_list() == [10_000.0]

    leases = frames["leases"]
    assert leases.height == 1 and leases["area_m2"].to_list() == [500.0]
    assert leases["end"].to_list() == [None] and leases["approved"].to_list() == [False]

    violations = frames["violations"]
    assert violations["kind"].to_list() == ["unauthorised_lease"]
    assert violations["agrees_to_renewal"].to_list() == [True]
    assert violations["refuses_correction"].to_list() == [False]
    assert violations["enterprise_id"].to_list() == [None]

    commitments = frames["commitments"]
    assert commitments.row(0) == (
        parcel.pk,
        holder.pk,
        "output_per_ha",
        12_000.0,
        "10k_cny/ha",
        2025,
    )
    relations = frames["relations"]
    assert relations.row(0) == (holder.pk, tenant.pk, None, "shareholder", 30.0)


def test_indicator_years_back_widens_the_window():
    holder = EnterpriseFactory()
    for year in (2022, 2023, 2024, 2025):
        IndicatorReportFactory(enterprise=holder, year=year)
    frames = load_frames(LoadWindow(2025, indicator_years_back=2), frames=("indicators",))
    assert sorted(frames["indicators"]["year"].to_list()) == [2023, 2024, 2025]
    assert frames["parcels"].is_empty() and dict(frames["parcels"].schema) == SCHEMAS["parcels"]


def test_empty_ledger_gives_empty_frames_with_contract_types():
    frames = load_frames(LoadWindow(2025))
    for name, frame in frames.items():
        assert frame.is_empty()
        assert dict(frame.schema) == SCHEMAS[name]


def test_one_query_per_table_whatever_the_size(monkeypatch):
    # Django's query log sees SQLite queries; PostgreSQL COPY runs on the driver's cursor, so
    # there the COPY statements are counted where they are issued.
    from landcycle.evaluation import loading

    copies = []
    fetch = loading._fetch_postgresql
    monkeypatch.setattr(loading, "_fetch_postgresql", lambda *a: copies.append(a[0]) or fetch(*a))

    def load():
        copies.clear()
        with CaptureQueriesContext(connection) as log:
            frames = load_frames(LoadWindow(2025))
        return frames, len(log.captured_queries) + len(copies)

    _ledger(2)
    small_frames, small = load()
    _ledger(8)
    large_frames, large = load()
    assert small_frames["parcels"].height == 2 and large_frames["parcels"].height == 10
    assert large_frames["indicators"].height == 10  # only 2025
    assert small == large == len(SCHEMAS)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL reads with two connections"
)
def test_two_connections_read_the_same_frames_as_one(monkeypatch):
    from django.db import transaction

    from landcycle.evaluation import loading

    _ledger(3)
    used = []
    two = loading._load_with_two_connections
    monkeypatch.setattr(loading, "_load_with_two_connections", lambda *a: used.append(1) or two(*a))
    window = LoadWindow(2025, indicator_years_back=1)
    together = load_frames(window)  # outside a transaction: two connections, one snapshot
    with transaction.atomic():
        alone = load_frames(window)  # inside one: its own connection sees its own writes
    assert used == [1]
    for name in SCHEMAS:
        assert together[name].equals(alone[name]), name
    assert together["parcels"].height == 3 and together["indicators"].height == 6
