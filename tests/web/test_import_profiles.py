"""The web import with a column profile and a default street chosen in the form."""

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse

from tests.web.conftest import client_for


def _workbook(path, rows, title="Sheet1"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@override_settings(LANDCYCLE_WEB_SYNC_JOBS=True)
def test_profile_and_street_chosen_in_the_form_are_used_for_check_and_commit(world, tmp_path):
    from landcycle.ledger.models import Parcel

    rows = [
        ["行政区", "电子监管号", "项目名称", "面积(公顷)", "供地方式"],
        ["测试区", "3301012020B00001", "示例项目", "1.5", "协议出让"],
    ]
    path = _workbook(tmp_path / "供地结果.xlsx", rows)
    client = client_for(world.users["evaluation_officer"])
    page = client.get(reverse("imports:import")).content.decode()
    assert 'name="profile"' in page and 'value="land-market"' in page and 'name="street"' in page
    with path.open("rb") as handle:
        checked = client.post(
            reverse("imports:import"),
            {"workbook": handle, "profile": "land-market", "street": "甲街道"},
            follow=True,
        )
    assert not Parcel.objects.filter(code="3301012020B00001").exists()  # checked, not written
    commit_url = checked.redirect_chain[-1][0] + "commit/"
    assert commit_url.encode() in checked.content  # offered only when the check found no error
    client.post(commit_url, follow=True)
    parcel = Parcel.objects.get(code="3301012020B00001")
    assert parcel.registered_area_m2 == pytest.approx(15_000)
    assert parcel.supervision_number == "3301012020B00001"
    assert parcel.jurisdiction.name == "甲街道" and parcel.jurisdiction.parent.name == "测试区"


@override_settings(LANDCYCLE_WEB_SYNC_JOBS=True)
def test_without_the_profile_the_page_lists_the_missing_columns(world, tmp_path):
    from landcycle.ledger.models import Parcel

    rows = [["行政区", "电子监管号", "项目名称", "面积(公顷)"], ["测试区", "X-1", "甲", "1"]]
    path = _workbook(tmp_path / "a.xlsx", rows, "宗地")
    client = client_for(world.users["evaluation_officer"])
    with path.open("rb") as handle:
        checked = client.post(reverse("imports:import"), {"workbook": handle}, follow=True)
    page = checked.content.decode()
    assert "缺少必填列" in page and "宗地编号" in page and "--profile land-market" in page
    assert not Parcel.objects.filter(code="X-1").exists()
