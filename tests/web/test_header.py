"""The frame's header, built in Python (web_tags.header_tools, head_assets): the language switch
returns to the page, the user's name and role, log-out, and everything escaped."""

import pytest
from django.test import Client

from tests.web import conftest as web
from tests.web.conftest import client_for

pytestmark = pytest.mark.django_db
world, fast_password_hashing = web.world, web.fast_password_hashing


def test_the_header_of_an_officer(world):
    html = client_for(world.users["evaluation_officer"]).get('/parcels/?q="><b>x').content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    # back to this very page, its query escaped (never markup)
    assert 'name="next" type="hidden" value="/parcels/?q=%22%3E%3Cb%3Ex"' in header
    assert "<b>x" not in header
    assert '<option value="zh-hans" selected>简体中文</option>' in header
    assert '<option value="en">英语</option>' in header  # names translated, as Django's tag
    assert header.count('name="csrfmiddlewaretoken"') == 2  # language and log-out forms
    assert f'<span class="who">{world.users["evaluation_officer"].username} · ' in header
    assert 'action="/logout/"' in header


def test_the_header_of_a_visitor_and_the_assets(world):
    html = Client().get("/portal/").content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert "set_language" not in header and 'action="/i18n/setlang/"' in header
    assert 'class="who"' not in header and "/logout/" not in header
    head = html[html.index("<head>") : html.index("</head>")]
    for asset in ("web/app.css", "vendor/leaflet/leaflet.js", "web/app.js", "web/favicon.svg"):
        assert asset.split("/")[-1].split(".")[0] in head, asset
    assert head.count("<script ") == 4 and head.count(" defer></script>") == 4
