"""The configurable base map (issue 12 point 6): an intranet tile server or 天地图 with its key,
else none; which pages carry which (a 天地图 browser key is public by design, an intranet
address never reaches the portal, no key on a page without a map); the CSP follows."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from landcycle.web import maps
from landcycle.web.middleware import content_security_policy
from tests.web.conftest import client_for

KEY = "0123456789abcdef0123456789abcdef"
INTRANET = "http://tiles.gis.example.local:8080/xyz/{z}/{x}/{y}.png"


def _settings_of(response) -> dict:
    html = response.content.decode()
    found = re.search(r'<script id="map-settings" type="application/json">(.*?)</script>', html)
    assert found, "no map-settings on the page"
    return json.loads(found[1])


def _img_src() -> str:
    return re.search(r"img-src ([^;]*)", content_security_policy())[1]


def test_default_no_tiles_nothing_downloaded(world, client):
    officer = client_for(world.users["administrator"])
    assert _settings_of(officer.get(reverse("overview:map")))["tiles"] == []
    assert _settings_of(client.get(reverse("portal:index")))["tiles"] == []
    assert _img_src() == "'self' data: blob:"


def test_an_intranet_tile_server_reaches_the_officers_maps_only(world, client, settings):
    settings.LANDCYCLE_TILE_URL = INTRANET
    settings.LANDCYCLE_TILE_ATTRIBUTION = "© 北仑区自然资源局 <内网>"
    officer = client_for(world.users["street_officer"])
    for page in (
        reverse("overview:map"),
        reverse("ledger:parcel_detail", args=[world.parcel_a.pk]),
    ):
        (layer,) = _settings_of(officer.get(page))["tiles"]
        assert layer["url"] == INTRANET and layer["attribution"] == "© 北仑区自然资源局 <内网>"
        assert layer["max_zoom"] == 18
    portal = client.get(reverse("portal:index"))
    assert _settings_of(portal)["tiles"] == []
    assert "tiles.gis.example.local" not in portal.content.decode()
    assert _img_src() == "'self' data: blob: http://tiles.gis.example.local:8080"


def test_subdomains_of_a_tile_server_are_each_allowed(settings):
    settings.LANDCYCLE_TILE_URL = "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"
    settings.LANDCYCLE_TILE_SUBDOMAINS = "12"
    assert maps.base_layers()[0]["subdomains"] == "12"
    assert _img_src().split()[3:] == ["https://1.tiles.example.cn", "https://2.tiles.example.cn"]


def test_tianditu_vector_and_labels_with_the_key_on_t0_to_t7(world, client, settings):
    settings.LANDCYCLE_TIANDITU_KEY = KEY
    officer = client_for(world.users["administrator"])
    vec, cva = _settings_of(officer.get(reverse("overview:map")))["tiles"]
    for layer, name in ((vec, "vec"), (cva, "cva")):
        assert layer["url"].startswith(f"https://t{{s}}.tianditu.gov.cn/{name}_w/wmts?")
        assert f"LAYER={name}" in layer["url"] and layer["url"].endswith(f"&tk={KEY}")
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in layer["url"]
        assert layer["subdomains"] == "01234567"
    assert "天地图" in vec["attribution"]
    assert _img_src() == "'self' data: blob: https://*.tianditu.gov.cn"


def test_the_tianditu_key_on_the_portal_and_nowhere_without_a_map(world, client, settings):
    """Decision: a 天地图 browser key is public by design (every tile request carries it; the
    天地图 console binds it to the site's domains), so the portal's map uses it. Pages without a
    map never carry it, for anyone; LANDCYCLE_PORTAL_TIANDITU=0 keeps it off the portal."""
    settings.LANDCYCLE_TIANDITU_KEY = KEY
    assert KEY in client.get(reverse("portal:index")).content.decode()
    for url in (reverse("web:login"), "/no-such-page/", reverse("portal:available_geojson")):
        assert KEY not in client.get(url).content.decode(), url
    officer = client_for(world.users["administrator"])
    for url in (reverse("ledger:parcel_list"), reverse("overview:dashboard")):
        assert KEY not in officer.get(url).content.decode(), url
    settings.LANDCYCLE_PORTAL_TIANDITU = False
    portal = client.get(reverse("portal:index"))
    assert KEY not in portal.content.decode() and _settings_of(portal)["tiles"] == []
    assert KEY in officer.get(reverse("overview:map")).content.decode()


def test_the_portal_may_have_its_own_public_tile_server(world, client, settings):
    settings.LANDCYCLE_TILE_URL = INTRANET
    settings.LANDCYCLE_PORTAL_TILE_URL = "https://tiles.example.cn/{z}/{x}/{y}.png"
    settings.LANDCYCLE_PORTAL_TILE_ATTRIBUTION = "© 示例"
    (layer,) = _settings_of(client.get(reverse("portal:index")))["tiles"]
    assert layer["url"] == "https://tiles.example.cn/{z}/{x}/{y}.png"
    assert _img_src().split()[3:] == [
        "http://tiles.gis.example.local:8080",
        "https://tiles.example.cn",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "tiles.example.cn/{z}/{x}/{y}.png",
        "https://tiles.example.cn/{z}/{x}.png",
        "ftp://a/{z}/{x}/{y}",
    ],
)
def test_a_tile_url_that_is_no_template_is_refused_naming_the_setting(settings, url):
    settings.LANDCYCLE_TILE_URL = url
    with pytest.raises(ImproperlyConfigured, match="LANDCYCLE_TILE_URL"):
        maps.base_layers()
    with pytest.raises(ImproperlyConfigured, match="LANDCYCLE_TILE_URL"):
        content_security_policy()
