"""Streets on the maps: the imported outline (辖区 sheet 边界) when there is one, else the box
around the street's parcels, said per feature; the portal shows outlines only."""

import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from landcycle.core.changelog import record_bulk
from landcycle.core.context import changes_by
from landcycle.ledger import models as ledger
from tests.web.conftest import client_for

# 甲街道's parcels lie around (116.50–116.52, 39.78): an outline that is no rectangle.
OUTLINE = (
    "POLYGON ((116.49 39.77, 116.53 39.77, 116.53 39.79, 116.51 39.80, 116.49 39.79, 116.49 39.77))"
)


def _outline(world, street=None, wkt=OUTLINE):
    """Give ``street`` an outline as the import does: the row and a change record (the data
    version moves)."""
    street = street or world.street_a
    ledger.JurisdictionBoundary.objects.update_or_create(jurisdiction=street, defaults={"wkt": wkt})
    with changes_by(source="test"):
        record_bulk(ledger.Jurisdiction, [(street.pk, street.name, {}, {"boundary_wkt": wkt})])


def _streets(user):
    response = client_for(user).get(reverse("overview:map_streets"))
    assert response.status_code == 200
    return {f["properties"]["name"]: f for f in response.json()["features"]}


def test_the_map_draws_the_imported_outline_and_boxes_the_rest(world):
    _outline(world)
    streets = _streets(world.users["administrator"])
    drawn = streets["甲街道"]
    assert drawn["properties"]["outline"] == "boundary"
    assert drawn["geometry"]["type"] == "Polygon"
    ring = drawn["geometry"]["coordinates"][0]
    assert len(ring) == 6 and [116.51, 39.8] in ring  # the real vertices, not a box
    assert shapely.equals(shapely.geometry.shape(drawn["geometry"]), shapely.from_wkt(OUTLINE))
    boxed = streets["乙街道"]
    assert boxed["properties"]["outline"] == "extent"
    (x0, y0), (x1, _), (_, y1) = boxed["geometry"]["coordinates"][0][:3]
    parcels = world.parcel_b, world.parcel_free
    assert x0 == min(p.min_lon for p in parcels) and y1 == max(p.max_lat for p in parcels)
    assert boxed["properties"]["count"] == 3


def test_a_street_officer_sees_only_the_streets_of_his_scope(world):
    _outline(world)
    _outline(world, world.street_b, OUTLINE.replace("116.4", "116.5").replace("116.53", "116.63"))
    streets = _streets(world.users["street_officer"])
    assert set(streets) <= {"甲街道", "甲一镇"} and streets["甲街道"]["properties"]["outline"] == (
        "boundary"
    )


def test_outlines_cost_one_query_per_data_version(world):
    _outline(world)
    client = client_for(world.users["administrator"])
    url = reverse("overview:map_streets")
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    reads = [q for q in first.captured_queries if "jurisdictionboundary" in q["sql"]]
    assert len(reads) == 1
    with CaptureQueriesContext(connection) as again:
        assert client.get(url).status_code == 200
    assert not [q for q in again.captured_queries if "jurisdictionboundary" in q["sql"]]
    # Neither the outlines nor the streets' GROUP BY are read again for this data version.
    assert not [q for q in again.captured_queries if "GROUP BY" in q["sql"]]
    assert len(again.captured_queries) == len(first.captured_queries) - 2
    # No other query carries outlines: the session's user and scope stay light.
    assert not [q for q in again.captured_queries if "wkt" in q["sql"] and "boundary" in q["sql"]]
    # A changed outline is read again (the data version moved), once.
    _outline(world, wkt=OUTLINE.replace("116.51 39.80", "116.51 39.81"))
    with CaptureQueriesContext(connection) as changed:
        streets = client.get(url).json()["features"]
    assert len([q for q in changed.captured_queries if "jurisdictionboundary" in q["sql"]]) == 1
    ring = next(f for f in streets if f["properties"]["name"] == "甲街道")["geometry"]
    assert [116.51, 39.81] in ring["coordinates"][0]


def test_the_portal_shows_outlines_only_and_names_only(world, client):
    _outline(world)
    response = client.get(reverse("portal:streets_geojson"))
    assert response.status_code == 200
    features = response.json()["features"]
    assert [f["properties"] for f in features] == [{"name": "甲街道"}]
    assert features[0]["geometry"]["type"] == "Polygon"
    page = client.get(reverse("portal:index")).content.decode()
    assert reverse("portal:streets_geojson") in page


def test_the_map_page_names_both_line_styles_in_its_legend(world):
    page = client_for(world.users["administrator"]).get(reverse("overview:map")).content.decode()
    assert "街道边界（已导入）" in page and "未导入边界，按宗地外包框" in page
