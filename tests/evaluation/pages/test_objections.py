"""Pages of the public notice and objections (evaluation/views/notice.py): the public notice,
the enterprise's results and objection with evidence, the officer's answer, the parcel card."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from landcycle.evaluation import services
from landcycle.evaluation.models import EvaluationRun, Objection
from landcycle.web.models import Role
from tests.evaluation.conftest import YEAR
from tests.web.conftest import client_for
from tests.web.factories import user_with_role

Status = EvaluationRun.Status


@pytest.fixture
def notice_run(etown, change_context, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.publish(services.run_evaluation(YEAR))


@pytest.fixture
def enterprise(etown):
    return client_for(user_with_role("holder_d", Role.ENTERPRISE_USER, enterprise=etown.d.holder))


@pytest.fixture
def officer(db):
    return client_for(user_with_role("officer", Role.EVALUATION_OFFICER))


def _object(client, run, parcel_code="ET-D", **extra):
    result = run.results.get(parcel_code=parcel_code)
    data = {"text": "诉讼已于 2025-05 撤诉，附裁定书", "confirm": "on", **extra}
    return client.post(reverse("evaluation:objection_new", args=[result.pk]), data)


def test_the_public_sees_the_notice_with_public_fields_only(notice_run, client):
    portal = client.get(reverse("portal:index")).content.decode()
    assert reverse("evaluation:notice_run", args=[notice_run.pk]) in portal
    assert f"公示期 {notice_run.notice_start} 至 {notice_run.notice_end}" in portal
    page = client.get(reverse("evaluation:notice_run", args=[notice_run.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "如何提出异议" in text
    assert "<th>宗地编号</th><th>产权单位</th><th>评价类别</th>" in text
    assert "<td>ET-D</td><td>涉诉企业有限公司</td><td>D</td>" in text
    assert "共 5 宗" in text
    # Reasons and figures are not public fields.
    assert "诉讼" not in text.split('id="notice-results"')[1]
    searched = client.get(reverse("evaluation:notice_run", args=[notice_run.pk]), {"q": "优质"})
    assert "ET-A" in searched.content.decode() and "ET-D" not in searched.content.decode()


def test_a_what_if_on_notice_is_not_public(notice_run, client):
    what_if = services.publish(services.run_evaluation(YEAR, "jiangsu-huaian-2024"))
    assert client.get(reverse("evaluation:notice_run", args=[what_if.pk])).status_code == 404
    assert reverse("evaluation:notice_run", args=[what_if.pk]) not in (
        client.get(reverse("evaluation:notice_index")).content.decode()
    )


def test_the_enterprise_sees_its_results_with_reasons_and_objects_with_evidence(
    notice_run, enterprise, tmp_path
):
    mine = enterprise.get(reverse("evaluation:my_results")).content.decode()
    assert "宗地 ET-D" in mine and "ET-A" not in mine and "提出异议" in mine
    assert notice_run.results.get(parcel_code="ET-D").reasons_zh in mine

    upload = SimpleUploadedFile("裁定书.pdf", b"%PDF ruling", "application/pdf")
    done = _object(enterprise, notice_run, attachment=upload)
    assert done.status_code == 302
    objection = Objection.objects.get()
    assert objection.text == "诉讼已于 2025-05 撤诉，附裁定书"
    assert objection.raised_by_user.username == "holder_d"
    assert (tmp_path / objection.attachment.name).read_bytes() == b"%PDF ruling"
    detail = enterprise.get(done["Location"]).content.decode()
    assert "待答复" in detail and "裁定书.pdf" in detail
    file = enterprise.get(reverse("evaluation:objection_file", args=[objection.pk]))
    assert b"".join(file.streaming_content) == b"%PDF ruling"
    # Another parcel's result is not found; a second objection waits for the answer.
    assert _object(enterprise, notice_run, "ET-A").status_code == 404
    again = _object(enterprise, notice_run)
    assert again.status_code == 400 and "已有待答复的异议" in again.content.decode()
    assert again.content.decode().count("已有待答复的异议") == 1  # shown once
    assert Objection.objects.count() == 1


def test_a_refused_attachment_is_explained_and_nothing_is_written(notice_run, enterprise):
    refused = _object(enterprise, notice_run, attachment=SimpleUploadedFile("x.exe", b"MZ"))
    assert refused.status_code == 400 and "不是可接收的类型" in refused.content.decode()
    assert not Objection.objects.exists()
    # The same program renamed .pdf: refused by its content, not accepted by its name.
    disguised = SimpleUploadedFile("裁定书.pdf", b"MZ\x90\x00" + bytes(300), "application/pdf")
    refused = _object(enterprise, notice_run, attachment=disguised)
    assert refused.status_code == 400 and "内容不是可接收的类型" in refused.content.decode()
    assert not Objection.objects.exists()


def test_the_officer_upholds_and_the_card_and_run_page_show_it(notice_run, enterprise, officer):
    _object(enterprise, notice_run)
    objection = Objection.objects.get()
    url = reverse("evaluation:objection_answer", args=[objection.pk])
    refused = officer.post(url, {"upheld": "yes", "reply": "属实"})
    assert refused.status_code == 400 and "请勾选确认后再提交" in refused.content.decode()
    done = officer.post(url, {"upheld": "yes", "reply": "属实，已更正台账", "confirm": "on"})
    assert done.status_code == 302
    stored = Objection.objects.get()
    assert (stored.upheld, stored.answer, stored.answered_by) == (
        True,
        "属实，已更正台账",
        "officer",
    )
    detail = officer.get(done["Location"]).content.decode()
    assert (
        "异议成立" in detail and reverse("evaluation:run_correct", args=[notice_run.pk]) in detail
    )

    etown_d = stored.parcel
    card = officer.get(reverse("ledger:parcel_detail", args=[etown_d.pk])).content.decode()
    assert 'id="panel-objections"' in card and "成立：属实，已更正台账" in card
    run_page = officer.get(reverse("evaluation:run_detail", args=[notice_run.pk])).content.decode()
    assert "异议（1）" in run_page and f"#{stored.pk}" in run_page
    # The enterprise reads the answer on its page; answering twice is refused in Chinese.
    assert (
        "成立 — 属实，已更正台账"
        in enterprise.get(reverse("evaluation:my_results")).content.decode()
    )
    again = officer.post(url, {"upheld": "no", "reply": "改判", "confirm": "on"})
    assert again.status_code == 400 and "已答复" in again.content.decode()


def test_the_card_shows_no_objection_panel_to_others(notice_run, enterprise, etown):
    _object(enterprise, notice_run)
    other = client_for(user_with_role("holder_a", Role.ENTERPRISE_USER, enterprise=etown.a.holder))
    card = other.get(reverse("ledger:parcel_detail", args=[etown.a.pk])).content.decode()
    assert 'id="panel-objections"' not in card
    objection = Objection.objects.get()
    assert other.get(reverse("evaluation:objection_detail", args=[objection.pk])).status_code == 404
