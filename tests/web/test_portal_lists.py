"""The portal's public lists are paged and searchable (a district's A list was one 16,000-pixel
page of 446 rows)."""

import re

from django.urls import reverse

from tests.web.conftest import client_for, parcel
from tests.web.factories import EvaluationResultFactory


def _codes(html):
    section = html[html.index('id="a-list"') :]
    return re.findall(r"<td>(P-\d{3})</td>", section)


def test_the_a_list_is_paged_and_searched(world):
    for i in range(40):
        p = parcel(f"P-{i:03d}", world.street_a, world.ent_a, 116.5 + i / 1000, 39.7)
        EvaluationResultFactory(run=world.run_final, parcel=p, klass="A")
    portal = client_for(None)
    first = portal.get(reverse("portal:index")).content.decode()
    assert "A-0001" in first  # first by code, then P-000 …
    assert _codes(first) == [f"P-{i:03d}" for i in range(29)]
    assert "共 41 条" in first and "1 / 2" in first  # A-0001 and the 40
    second = portal.get(reverse("portal:index") + "?apage=2").content.decode()
    assert _codes(second) == [f"P-{i:03d}" for i in range(29, 40)]
    found = portal.get(reverse("portal:index") + "?aq=P-017").content.decode()
    assert _codes(found) == ["P-017"] and "共 1 条" in found
    # The other list's page and search are kept in the links.
    both = portal.get(reverse("portal:index") + "?aq=P-0&lq=B").content.decode()
    assert "lq=B&amp;aq=P-0&amp;apage=2" in both
