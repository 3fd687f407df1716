import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from landcycle.lifecycle.services.due import Scope, due_items, send_digests
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d
from .factories import (
    ExitCaseFactory,
    ProjectLeadFactory,
    StockLandCaseFactory,
    SupervisionAgreementFactory,
)

pytestmark = pytest.mark.django_db
TODAY = d("2025-06-30")


@pytest.fixture
def district():
    root = JurisdictionFactory(name="禹州市", kind="district")
    a = JurisdictionFactory(name="颍川街道", parent=root)
    b = JurisdictionFactory(name="夏都街道", parent=root)
    late_exit = ExitCaseFactory(
        parcel=ParcelFactory(jurisdiction=a),
        verified_on=d("2025-05-01"),
        interview_due=d("2025-05-31"),
    )
    StockLandCaseFactory(
        parcel=ParcelFactory(jurisdiction=b), deadline=d("2025-07-05"), category="low_efficiency"
    )
    StockLandCaseFactory(parcel=ParcelFactory(jurisdiction=b), deadline=d("2025-12-31"))  # not yet
    StockLandCaseFactory(
        parcel=ParcelFactory(jurisdiction=a),
        category="idle",
        idle_since=d("2023-06-01"),
        deadline=d("2026-01-31"),
    )
    ExitCaseFactory(
        parcel=ParcelFactory(jurisdiction=b),
        state="rectification",
        rectification_due=d("2027-01-15"),
        deadline_flags={"rectification_due": "2027年节假日安排未知，期限未按节假日顺延"},
    )
    SupervisionAgreementFactory(
        parcel=ParcelFactory(jurisdiction=a), attainment_due=d("2025-06-30")
    )
    ProjectLeadFactory(leading_district=root, first_talk_on=d("2025-01-10"))
    return root, a, b, late_exit


def test_everything_in_order(district):
    items = due_items(None, TODAY)
    kinds = [(i.kind, i.status) for i in items]
    assert kinds == [
        ("project_stalled", "late"),  # due 10 Apr: oldest first
        ("exit_verified", "late"),
        ("idle_take_back", "late"),
        ("agreement_attainment", "due"),
        ("exit_rectification", "unknown"),
        ("stock_disposal", "soon"),
    ]
    assert items[1].days == 30 and "约谈" in items[1].title
    assert "2027" in items[4].flag


def test_street_scope(district):
    root, a, b, _ = district
    assert {i.jurisdiction for i in due_items(a, TODAY)} == {"颍川街道"}
    assert {i.kind for i in due_items([b], TODAY)} == {"exit_rectification", "stock_disposal"}
    assert len(due_items(root, TODAY)) == 6


def test_user_scopes(district):
    root, a, b, late_exit = district
    Profile = pytest.importorskip("landcycle.web.models").Profile  # roles live in the web app

    user_model = get_user_model()
    officer = user_model.objects.create(username="street", email="s@example.cn")
    Profile.objects.create(user=officer, role="street_officer", jurisdiction=b)
    assert {i.jurisdiction for i in due_items(officer, TODAY)} == {"夏都街道"}
    late_exit.assigned_to = officer  # assigned work is in the inbox whatever the scope
    late_exit.save()
    assert "exit_verified" in {i.kind for i in due_items(officer, TODAY)}
    firm_user = user_model.objects.create(username="firm")
    Profile.objects.create(user=firm_user, role="enterprise_user", enterprise=late_exit.enterprise)
    assert {i.kind for i in due_items(firm_user, TODAY)} == {"exit_verified"}
    admin = user_model.objects.create(username="boss", is_superuser=True)
    assert len(due_items(admin, TODAY)) == 6
    assert due_items(Scope(), TODAY) == []


def test_email_digest(district, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    get_user_model().objects.create(username="boss", is_superuser=True, email="boss@example.cn")
    get_user_model().objects.create(username="noaddress", is_superuser=True)
    assert send_digests(TODAY) == 1
    [message] = mail.outbox
    assert message.to == ["boss@example.cn"] and "6 项" in message.subject
    assert "[已逾期]" in message.body and "逾期 30 日" in message.body
