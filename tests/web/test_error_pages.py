"""Refusals read in Chinese first, in the frame's layout, whoever meets them (not Django's bare
English pages)."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_not_found_and_forbidden_pages_are_chinese(world, settings):
    settings.DEBUG = False
    from tests.web.conftest import client_for

    officer = client_for(world.users["street_officer"])
    other_street = officer.get(f"/parcels/{world.parcel_b.pk}/")
    assert other_street.status_code == 404
    body = other_street.content.decode()
    assert "未找到" in body and "不在您的辖区" in body and 'class="top"' in body
    forbidden = client_for(world.users["enterprise_user"]).get("/imports/")
    assert forbidden.status_code == 403
    assert "无权访问" in forbidden.content.decode()


def test_server_error_page_is_chinese_and_standalone(settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")  # rendered without a request or context processors
    assert "系统出错" in html and "没有保存" in html


@pytest.mark.django_db
def test_anonymous_not_found_is_chinese(settings):
    settings.DEBUG = False
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and "未找到" in response.content.decode()
