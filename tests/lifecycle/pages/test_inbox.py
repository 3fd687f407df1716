"""The inbox page (待办): sections in the service's order, each role sees its own scope only,
items link to their case when that page exists, long-overdue items grouped, caps and filters."""

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from landcycle.lifecycle.services import due
from landcycle.lifecycle.views import inbox as inbox_view
from tests.lifecycle.factories import ExitCaseFactory, StockLandCaseFactory
from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing
URL = "/inbox/"


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def cases(world):
    w = world
    late = ExitCaseFactory(enterprise=w.ent_a, parcel=w.parcel_a, interview_due=days(-3))
    backlog = StockLandCaseFactory(
        parcel=w.parcel_a1, category="low_efficiency", deadline=days(-200)
    )
    today = StockLandCaseFactory(parcel=w.parcel_b, category="low_efficiency", deadline=days(0))
    provisional = ExitCaseFactory(
        enterprise=w.ent_b,
        parcel=w.parcel_b,
        state="rectification",
        rectification_due=days(400),
        deadline_flags={"rectification_due": "2099年节假日安排未知，期限未按节假日顺延"},
    )
    return {"late": late, "backlog": backlog, "today": today, "provisional": provisional}


def sections(html: str) -> list[str]:
    return re.findall(r'data-section="(\w+)"', html)


def kinds(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-kind="(\w+)" data-status="(\w+)"', html)


def test_the_page_shows_the_service_order(world, cases):
    html = client_for(world.users["evaluation_officer"]).get(URL).content.decode()
    assert sections(html) == ["overdue", "long_overdue", "this_week", "provisional"]
    expected = [
        (i.kind, i.status) for i in due.due_items(world.users["evaluation_officer"], days(0))
    ]
    assert kinds(html) == expected
    assert "逾期 3 日" in html and "今日到期" in html and "2099年节假日安排未知" in html
    assert re.search(r'data-count="overdue"[^>]*><span>已逾期</span><b class="error">1</b>', html)
    assert "逾期超过90日，按类别归并" in html
    assert re.search(r"<summary><b>存量土地处置期限</b> 1 项</summary>", html)


def test_a_street_officer_sees_only_their_streets(world, cases):
    html = client_for(world.users["street_officer"]).get(URL).content.decode()
    assert kinds(html) == [("exit_verified", "overdue"), ("stock_disposal", "long_overdue")]
    assert "B-0001" not in html and "乙街道" not in html and "乙化工" not in html
    assert "A1-0001" in html  # the town below street A is theirs


def test_an_enterprise_sees_only_its_own(world, cases):
    html = client_for(world.users["enterprise_user"]).get(URL).content.decode()
    assert kinds(html) == [("exit_verified", "overdue")]
    assert "甲制造有限公司" in html and "A1-0001" not in html and "乙" not in html


def test_a_reader_sees_all_and_no_role_is_refused(world, cases):
    html = client_for(world.users["department_reader"]).get(URL).content.decode()
    assert len(kinds(html)) == 4
    assert client_for(world.users["no_role"]).get(URL).status_code == 403
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_nothing_due_says_so(world):
    html = client_for(world.users["street_officer"]).get(URL).content.decode()
    assert "您的范围内暂无到期或逾期事项" in html and sections(html) == []


def rows(html: str) -> list[str]:
    return re.findall(r"<tr data-kind=.*?</tr>", html, re.S)


def test_items_link_to_their_case_when_its_page_exists(world, cases, monkeypatch):
    html = client_for(world.users["administrator"]).get(URL).content.decode()
    for row in rows(html):
        kind = re.search(r'data-kind="(\w+)"', row).group(1)
        route = due.DETAIL_ROUTES[
            "lifecycle.exitcase" if kind.startswith("exit") else "lifecycle.stocklandcase"
        ]
        try:
            reverse(route, args=[1])
        except NoReverseMatch:  # that workflow's pages are not in this tree: plain text
            assert "<a " not in row
        else:
            assert re.search(r'<a href="[^"]+/\d+/">', row)
    # The mechanism, with a route that exists in every tree:
    routes = {**due.DETAIL_ROUTES, "lifecycle.exitcase": "ledger:parcel_detail"}
    monkeypatch.setattr(due, "DETAIL_ROUTES", routes)
    html = client_for(world.users["administrator"]).get(URL).content.decode()
    assert f'<a href="{reverse("ledger:parcel_detail", args=[cases["late"].pk])}">' in html


def test_only_mine(world, cases):
    officer = world.users["street_officer"]
    cases["late"].assigned_to = officer
    cases["late"].save()
    html = client_for(officer).get(URL, {"mine": "1"}).content.decode()
    assert kinds(html) == [("exit_verified", "overdue")] and "（我承办）" in html


def test_long_sections_are_cut_and_listed_whole_on_request(world, cases, monkeypatch):
    monkeypatch.setattr(inbox_view, "SHOWN", 1)
    w = world
    for n, parcel in enumerate([w.parcel_a, w.parcel_a1]):
        StockLandCaseFactory(parcel=parcel, category="idle", deadline=days(-5 - n))
    client = client_for(w.users["administrator"])
    html = client.get(URL).content.decode()
    assert "另有 2 项未列出" in html
    assert len([k for k in kinds(html) if k[1] == "overdue"]) == 1
    html = client.get(URL, {"all": "overdue"}).content.decode()
    assert len([k for k in kinds(html) if k[1] == "overdue"]) == 3


def test_the_menu_has_the_inbox(world):
    html = client_for(world.users["enterprise_user"]).get("/").content.decode()
    assert f'href="{URL}"' in html and "待办" in html


def test_the_cached_inbox_is_per_scope_and_fresh_after_a_write(world, cases):
    w = world
    admin = client_for(w.users["administrator"])
    officer = client_for(w.users["street_officer"])
    assert len(kinds(admin.get(URL).content.decode())) == 4
    assert len(kinds(officer.get(URL).content.decode())) == 2  # not the administrator's list
    StockLandCaseFactory(parcel=w.parcel_a, category="idle", deadline=days(1))
    assert len(kinds(admin.get(URL).content.decode())) == 5
    assert len(kinds(officer.get(URL).content.decode())) == 3


def test_a_scope_without_sql_to_key_on_is_computed_uncached(world, cases, monkeypatch):
    # restrict() answers .none() for a scope reaching nothing: its SQL cannot be a cache key.
    monkeypatch.setattr(inbox_view, "restrict", lambda queryset, user, action: queryset.none())
    html = client_for(world.users["street_officer"]).get(URL).content.decode()
    assert len(kinds(html)) == 2


def test_titles_are_escaped(world, cases):
    """The rows are built in Python: markup in a name reaches the page as text."""
    world.ent_a.name = "<script>alert(1)</script>企业"
    world.ent_a.save()
    html = client_for(world.users["evaluation_officer"]).get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;企业" in html
