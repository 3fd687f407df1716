"""populate(today) builds cases in every state from a ledger like the demo district's."""

import pytest

from landcycle.lifecycle import demo
from landcycle.lifecycle.models import (
    AdmissionApplication,
    AvailableLandList,
    Document,
    ExitCase,
    ProjectLead,
    RenewalProject,
    StockLandCase,
    SupervisionAgreement,
)
from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.available import published_available_land
from landcycle.lifecycle.services.due import due_items
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d

pytestmark = pytest.mark.django_db


def _media_root():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


STREETS = ["新碶街道", "小港街道", "大碶街道", "柴桥街道", "霞浦街道", "梅山街道"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # l4: the demo's documents go to a temporary MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.fixture
def ledger(calendar):
    district = JurisdictionFactory(name="北仑区", kind="district")
    streets = [JurisdictionFactory(name=name, parent=district) for name in STREETS]
    for i in range(60):
        idle = i % 6 == 0
        ParcelFactory(
            code=f"BL{i:04d}",
            jurisdiction=streets[i % len(streets)],
            agreed_start=d("2022-03-01") if idle else d("2021-03-01"),
            actual_start=None if idle else d("2021-04-01"),
            extra={"土地价款": 2_000} if idle else {},
        )
    return district


def test_populate_creates_every_state(ledger):
    counts = demo.populate(d("2025-11-24"))
    assert set(counts["exit"]) == set(ExitCase.State.values)
    assert set(counts["admission"]) == set(AdmissionApplication.Status.values)
    assert set(counts["agreement"]) == set(SupervisionAgreement.Status.values)
    assert set(counts["stockland"]) == set(StockLandCase.Status.values)
    assert set(counts["available_list"]) == set(AvailableLandList.Status.values)
    assert set(counts["renewal"]) == set(RenewalProject.Status.values)
    assert set(counts["project"]) == set(ProjectLead.Status.values)
    assert published_available_land()
    late = ("overdue", "long_overdue")
    assert any(item.status in late for item in due_items(None, d("2025-11-24")))
    # 一地一档 (l4): every agreement's text, a photo on open stock-land cases
    contracts = Document.objects.filter(kind="contract")
    assert contracts.count() == SupervisionAgreement.objects.count()
    assert all(doc.parcel_id == doc.agreement.parcel_id for doc in contracts)
    assert Document.objects.filter(kind="photo", internal=True).exists()
    exited = ExitCase.objects.get(state="exited")
    assert exited.clawbacks.count() == 2 and exited.steps.count() == 5


def test_populate_twice_gives_the_same_result(ledger):
    first = demo.populate(d("2025-11-24"))
    stored = sorted(Document.objects.values_list("file", "sha256"))
    assert demo.populate(d("2025-11-24")) == first
    assert sorted(Document.objects.values_list("file", "sha256")) == stored  # same bytes, names
    files = [p for p in _media_root().rglob("*") if p.is_file()]
    assert len(files) == Document.objects.count() > 0  # the first run's files were removed


def test_populate_late_in_2026_flags_unknown_2027_deadlines(ledger):
    demo.populate(d("2026-12-28"))
    flagged = [c for c in ExitCase.objects.all() if c.deadline_flags]
    assert flagged and all("2027" in text for c in flagged for text in c.deadline_flags.values())


@pytest.mark.django_db
def test_populate_needs_a_ledger(calendar):
    with pytest.raises(LifecycleError, match="needs"):
        demo.populate(d("2025-11-24"))
