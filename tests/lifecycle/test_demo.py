"""populate(today) builds cases in every state from a ledger like the demo district's."""

import pytest

from landcycle.lifecycle import demo
from landcycle.lifecycle.models import (
    AdmissionApplication,
    AvailableLandList,
    Document,
    ExitCase,
    ExitStep,
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
    # exit notices (DOCX) are Documents of their cases and parcels (一地一档)
    notices = ExitStep.objects.filter(notice__isnull=False)
    assert notices.count() > 0 and not ExitStep.objects.exclude(document_file="").exists()
    assert all(s.notice.exit_case_id == s.case_id for s in notices.select_related("notice"))
    assert len(files) == Document.objects.count()  # the first run's files were removed


def test_populate_late_in_2026_flags_unknown_2027_deadlines(ledger):
    demo.populate(d("2026-12-28"))
    flagged = [c for c in ExitCase.objects.all() if c.deadline_flags]
    assert flagged and all("2027" in text for c in flagged for text in c.deadline_flags.values())


@pytest.mark.django_db
def test_populate_needs_a_ledger(calendar):
    with pytest.raises(LifecycleError, match="needs"):
        demo.populate(d("2025-11-24"))


# ---- l3 (issue 13): the renewal and project-library pages have something in every state ----


def test_demo_has_a_refused_plan_and_every_first_talk_clock(ledger):
    from landcycle.lifecycle.services.projects import talk_clocks
    from landcycle.lifecycle.services.renewal import check_plan

    today = d("2025-11-24")
    demo.populate(today)
    refused = [p for p in RenewalProject.objects.all() if check_plan(p)]
    assert [p.status for p in refused] == ["planned"]
    assert any("容积率 1.5 低于 2" in reason for reason in check_plan(refused[0]))
    states = {clock.state(today) for clock in talk_clocks().values()}
    assert states == {"overdue", "due_soon", "running", "out_of_scope"}
    reassigned = ProjectLead.objects.get(status="reassigned")
    assert reassigned.reassigned_to != reassigned.leading_district


def test_populate_gives_the_enterprise_its_own_cases_and_decisions_their_documents(ledger):
    """l1 (admission/agreement pages): the demo enterprise user's side has cases to show."""
    from landcycle.ledger.models import Parcel

    demo.populate(d("2025-11-24"))
    holder = Parcel.objects.order_by("-registered_area_m2", "code").first().holder
    own = AdmissionApplication.objects.filter(enterprise=holder)
    assert own.filter(material_submitted_on=None).exclude(material_request="").count() == 1
    assert own.exclude(material_submitted_on=None).count() == 1
    assert SupervisionAgreement.objects.filter(enterprise=holder, status="active").exists()
    decided = AdmissionApplication.objects.filter(status__in=["approved", "rejected"])
    assert decided and all(app.decision_document for app in decided)
