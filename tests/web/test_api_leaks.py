"""The browsable API and the API's filters show nothing outside the user's scope.

Every list endpoint is fetched as JSON and as the browsable page (whose filter form used to
list every enterprise, person, parcel code and draft run in its <select>s), and filters by
the id of a hidden object answer exactly as for an id that does not exist.
"""

import pytest
from django.urls import reverse

from .conftest import DRAFT_MARKER, client_for

LIST_ROUTES = [
    "jurisdiction", "parcel", "enterprise", "person", "relation", "building", "lease",
    "indicatorreport", "violation", "commitment", "evaluationrun", "evaluationresult",
]  # fmt: skip


def _hidden(world, role):
    """Texts that must not reach ``role``: names and codes outside its scope."""
    common = [
        "B-0001",
        "乙化工有限公司",
        "乙租户贸易有限公司",
        "乙法人",
        "乙一号厂房",
        DRAFT_MARKER,
    ]
    if role == "enterprise_user":
        return [*common, "A1-0001", "甲一精密有限公司"]
    return common


@pytest.mark.parametrize("role", ["street_officer", "enterprise_user"])
@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize("as_page", [False, True])
def test_no_out_of_scope_text_in_any_list(world, role, route, as_page):
    client = client_for(world.users[role])
    url = reverse(f"api:{route}-list") + ("?format=api" if as_page else "")
    response = client.get(url)
    assert response.status_code in (200, 403)
    body = response.content.decode()
    leaked = [text for text in _hidden(world, role) if text in body]
    assert leaked == []


FILTERS = [
    ("building", "parcel", "parcel_b"),
    ("lease", "tenant", "tenant_b"),
    ("indicatorreport", "enterprise", "ent_b"),
    ("violation", "enterprise", "ent_b"),
    ("commitment", "parcel", "parcel_b"),
    ("relation", "party_person", "person_b"),
    ("evaluationresult", "run", "run_draft"),
]


@pytest.mark.parametrize("route, parameter, hidden", FILTERS)
def test_filter_by_a_hidden_id_answers_as_for_an_absent_one(world, route, parameter, hidden):
    client = client_for(world.users["street_officer"])
    url = reverse(f"api:{route}-list")
    hidden_answer = client.get(url, {parameter: getattr(world, hidden).pk})
    absent_answer = client.get(url, {parameter: 999_999})
    assert hidden_answer.status_code == absent_answer.status_code == 200
    assert hidden_answer.json()["results"] == absent_answer.json()["results"] == []
