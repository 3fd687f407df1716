"""Pages of the annual available-land list: every step through the forms, refused steps shown
as messages, stored values asserted, the portal showing what was published."""

import datetime as dt

import pytest
from django.urls import reverse

from landcycle.lifecycle.models import AvailableLandEntry, AvailableLandList
from tests.lifecycle.factories import StockLandCaseFactory
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
# The web pages' world: two streets, their parcels and lists, a user of every role.
world, fast_password_hashing = web.world, web.fast_password_hashing

TERMS = {
    "category": "reserve",
    "cost_10k_cny": "860",
    "conditions": "投资强度不低于 4500 万元/公顷",
    "procedure": "挂牌出让",
    "time_days": "45",
}


def _confirm(on="2026-03-02"):
    return {"on": on, "confirm": "on"}


def test_create_add_approve_publish_shows_on_portal(world):
    officer = client_for(world.users["evaluation_officer"])
    response = officer.post(
        reverse("lifecycle:available_create"),
        {"year": "2026", "jurisdiction": world.street_b.pk, "title": ""},
    )
    land_list = AvailableLandList.objects.get(year=2026, jurisdiction=world.street_b)
    assert response.status_code == 302 and land_list.status == "draft"
    assert land_list.title == "乙街道2026年度可供土地清单"
    detail = reverse("lifecycle:available_detail", args=[land_list.pk])

    # A parcel found by search, then added with its terms.
    add = reverse("lifecycle:available_add", args=[land_list.pk])
    page = officer.get(add, {"q": "B-0001"}).content.decode()
    assert 'data-pick="B-0001"' in page and "A-0001" not in page  # only the list's area
    response = officer.post(add, {"parcel_code": "B-0001", **TERMS})
    assert response.status_code == 302
    entry = AvailableLandEntry.objects.get(land_list=land_list)
    assert (entry.parcel, entry.category, entry.cost_10k_cny, entry.time_days) == (
        world.parcel_b,
        "reserve",
        860.0,
        45,
    )
    assert entry.procedure == "挂牌出让"

    # Refused: publishing a draft (not yet approved): the message, nothing changed.
    step = reverse("lifecycle:available_step", args=[land_list.pk, "publish"])
    response = officer.post(step, _confirm())
    assert response.status_code == 200
    assert "不能公开到门户：清单「草稿」，须先审核后公开" in response.content.decode()
    land_list.refresh_from_db()
    assert land_list.status == "draft" and land_list.published_on is None

    # Approve, then publish (each confirmed).
    response = officer.post(
        reverse("lifecycle:available_step", args=[land_list.pk, "approve"]), _confirm("2026-03-01")
    )
    assert response.status_code == 302
    land_list.refresh_from_db()
    assert land_list.status == "approved" and land_list.approved_on == dt.date(2026, 3, 1)
    assert land_list.approved_by == world.users["evaluation_officer"]
    assert "B-0001" not in client_for(None).get(reverse("portal:index")).content.decode()
    response = officer.post(step, _confirm())
    assert response.status_code == 302
    land_list.refresh_from_db()
    assert land_list.status == "published" and land_list.published_on == dt.date(2026, 3, 2)
    portal = client_for(None).get(reverse("portal:index")).content.decode()
    assert "B-0001" in portal and "投资强度不低于 4500 万元/公顷" in portal

    page = officer.get(detail).content.decode()
    assert "已公开" in page and "草稿 → 已审核" in page and "已审核 → 已公开" in page  # timeline

    # Withdraw: back to draft, gone from the portal.
    response = officer.post(
        reverse("lifecycle:available_step", args=[land_list.pk, "withdraw"]), _confirm()
    )
    land_list.refresh_from_db()
    assert response.status_code == 302 and land_list.status == "draft"
    assert "B-0001" not in client_for(None).get(reverse("portal:index")).content.decode()


def test_publish_needs_the_confirmation(world):
    land_list = AvailableLandList.objects.get(jurisdiction=world.street_a)
    land_list.status = "approved"
    land_list.save()
    officer = client_for(world.users["administrator"])
    step = reverse("lifecycle:available_step", args=[land_list.pk, "publish"])
    page = officer.get(step).content.decode()
    assert "公众门户" in page and 'name="confirm"' in page
    response = officer.post(step, {"on": "2026-03-02"})
    assert response.status_code == 200 and "请勾选确认后再提交" in response.content.decode()
    land_list.refresh_from_db()
    assert land_list.status == "approved"


def test_refused_entries_are_shown_and_nothing_written(world):
    officer = client_for(world.users["evaluation_officer"])
    land_list = AvailableLandList.objects.get(jurisdiction=world.street_a)
    add = reverse("lifecycle:available_add", args=[land_list.pk])
    # A parcel of another street: the service's reason on the form.
    response = officer.post(add, {"parcel_code": "B-0001", **TERMS})
    assert response.status_code == 200
    assert "宗地不在甲街道范围内" in response.content.decode()
    # A code that does not exist.
    response = officer.post(add, {"parcel_code": "NOPE-1", **TERMS})
    assert "宗地 NOPE-1 不存在或不在您的权限范围内" in response.content.decode()
    assert land_list.entries.count() == 1  # the world's entry only
    # An empty list cannot be approved.
    empty = AvailableLandList.objects.create(year=2027, jurisdiction=world.street_a, title="空")
    response = officer.post(
        reverse("lifecycle:available_step", args=[empty.pk, "approve"]), _confirm()
    )
    assert "不能审核通过：清单为空，不能审核" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft" and empty.approved_by is None
    # A second list of the same year and area.
    response = officer.post(
        reverse("lifecycle:available_create"),
        {"year": "2025", "jurisdiction": world.street_a.pk},
    )
    assert response.status_code == 200 and "甲街道2025年度已有清单" in response.content.decode()


def test_added_from_stock_land_findings(world):
    StockLandCaseFactory(parcel=world.parcel_a, category="idle")
    StockLandCaseFactory(parcel=world.parcel_a1, category="low_efficiency")
    land_list = AvailableLandList.objects.get(jurisdiction=world.street_a)
    officer = client_for(world.users["evaluation_officer"])
    url = reverse("lifecycle:available_from_stock", args=[land_list.pk])
    page = officer.get(url).content.decode()
    assert "A-0001" in page and "A1-0001" in page and "闲置" in page
    response = officer.post(url, {**TERMS, "parcels": []})
    assert "请至少勾选一宗土地" in response.content.decode()
    response = officer.post(url, {**TERMS, "parcels": [world.parcel_a.pk, world.parcel_a1.pk]})
    assert response.status_code == 302
    stored = dict(
        land_list.entries.exclude(parcel__code="B-DRAFTLIST").values_list(
            "parcel__code", "category"
        )
    )
    assert stored == {"A-0001": "idle", "A1-0001": "low_efficiency"}


def test_parcel_card_offers_the_drafts_and_the_search_picks_it(world):
    officer = client_for(world.users["evaluation_officer"])
    card = officer.get(reverse("ledger:parcel_detail", args=[world.parcel_a.pk])).content.decode()
    land_list = AvailableLandList.objects.get(jurisdiction=world.street_a)
    link = f"{reverse('lifecycle:available_add', args=[land_list.pk])}?parcel=A-0001"
    assert link in card
    assert 'value="A-0001"' in officer.get(link).content.decode()
    # A reader sees the card without the offer.
    reader = client_for(world.users["department_reader"])
    card = reader.get(reverse("ledger:parcel_detail", args=[world.parcel_a.pk])).content.decode()
    assert link not in card


def test_roles_and_scope(world):
    street = client_for(world.users["street_officer"])
    page = street.get(reverse("lifecycle:available_list")).content.decode()
    assert "甲街道2025年度可供土地清单" in page and "乙街道2025年度可供土地清单" not in page
    assert "新建清单" not in page
    enterprise = client_for(world.users["enterprise_user"])
    page = enterprise.get(reverse("lifecycle:available_list")).content.decode()
    assert "乙街道2025年度可供土地清单" in page and "甲街道2025年度可供土地清单" not in page
    published = AvailableLandList.objects.get(jurisdiction=world.street_b)
    assert (
        street.post(
            reverse("lifecycle:available_step", args=[published.pk, "withdraw"]), _confirm()
        ).status_code
        == 403
    )
    published.refresh_from_db()
    assert published.status == "published"
