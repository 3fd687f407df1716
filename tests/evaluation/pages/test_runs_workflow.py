"""Pages of a run's life (evaluation/views/runs_workflow.py): start (background job, progress),
publish, correct, finalize; each confirmed; refusals shown on the form in Chinese."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from landcycle.evaluation import services
from landcycle.evaluation.models import EvaluationRun
from landcycle.web.models import Role
from tests.evaluation.conftest import YEAR
from tests.web.conftest import client_for
from tests.web.factories import user_with_role

Status = EvaluationRun.Status
POLICY = "beijing-etown-2023"


@pytest.fixture
def officer(etown, change_context, settings):
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    return client_for(user_with_role("officer", Role.EVALUATION_OFFICER))


def _start(client, year=YEAR, policy=POLICY, confirm=True):
    data = {"year": year, "policy": policy, "note": "年度评价"}
    if confirm:
        data["confirm"] = "True"
    return client.post(reverse("evaluation:run_start"), data)


def test_start_asks_first_then_runs_in_the_background_and_shows_the_new_run(officer):
    page = officer.get(reverse("evaluation:run_start"))
    assert page.status_code == 200 and "评价政策" in page.content.decode()
    asked = _start(officer, confirm=False)
    text = asked.content.decode()
    assert asked.status_code == 200 and "确认开始评价" in text
    assert "公众目前看不到该年度该政策的任何评价结果" in text
    assert not EvaluationRun.objects.exists()  # nothing made before the confirmation

    started = _start(officer)
    assert started.status_code == 302 and "/runs/jobs/" in started["Location"]
    job_page = officer.get(started["Location"])
    run = EvaluationRun.objects.get()
    assert (run.year, run.policy_name, run.status, run.note) == (YEAR, POLICY, "draft", "年度评价")
    assert run.parcel_count == 5 and run.created_by.username == "officer"
    text = job_page.content.decode()
    assert "完成" in text and f"#{run.pk}" in text and "5 宗地" in text
    # htmx asks for the card alone
    card = officer.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert card.lstrip().startswith('<section class="card" id="run-job"')


def test_a_second_run_while_one_is_on_notice_says_which_one_the_public_sees(officer):
    run = services.publish(services.run_evaluation(YEAR))
    asked = _start(officer, confirm=False).content.decode()
    assert f"已有评价批次 #{run.pk} 在公示中" in asked
    assert f"公众目前看到的是：公示中的批次 #{run.pk}" in asked
    assert "仍然开始新的评价" in asked
    assert EvaluationRun.objects.count() == 1


def test_a_failed_run_shows_its_reason_not_a_traceback(officer):
    from landcycle.ledger.models import Parcel

    Parcel.objects.all().delete()
    page = officer.get(_start(officer)["Location"]).content.decode()
    assert "评价未完成：台账中没有宗地，请先导入台账" in page
    assert "Traceback" not in page and "landcycle import" not in page


def test_publish_shows_the_period_and_needs_the_box(officer):
    run = services.run_evaluation(YEAR)
    url = reverse("evaluation:run_publish", args=[run.pk])
    text = officer.get(url).content.decode()
    today = timezone.localdate()
    assert f"{today} 至 {today + dt.timedelta(days=6)}" in text and "7 个自然日" in text
    assert "宗地编号、产权单位、评价类别" in text
    refused = officer.post(url, {})
    assert refused.status_code == 400 and "请勾选确认后再提交" in refused.content.decode()
    assert EvaluationRun.objects.get(pk=run.pk).status == Status.DRAFT
    done = officer.post(url, {"confirm": "on", "start": "2025-03-03"})
    assert done.status_code == 302
    stored = EvaluationRun.objects.get(pk=run.pk)
    assert (stored.status, stored.notice_start, stored.notice_end) == (
        Status.NOTICE,
        dt.date(2025, 3, 3),
        dt.date(2025, 3, 9),
    )
    assert stored.notice_public is True
    # Publishing again is refused with the reason, in Chinese, on the form.
    again = officer.post(url, {"confirm": "on"})
    text = again.content.decode()
    assert again.status_code == 400 and "为公示中，不能转为公示中" in text
    assert text.count("为公示中，不能转为公示中") == 1  # once: not again under the form


def test_finalize_before_the_notice_ends_is_refused_then_forced(officer):
    run = services.publish(services.run_evaluation(YEAR))
    url = reverse("evaluation:run_finalize", args=[run.pk])
    refused = officer.post(url, {"confirm": "on"})
    text = refused.content.decode()
    assert refused.status_code == 400 and "方可生效" in text and "--force" not in text
    assert text.count("方可生效") == 1
    assert EvaluationRun.objects.get(pk=run.pk).status == Status.NOTICE
    forced = officer.post(url, {"confirm": "on", "force": "on"})
    assert forced.status_code == 302
    stored = EvaluationRun.objects.get(pk=run.pk)
    assert stored.status == Status.FINAL and stored.forced
    assert stored.finalized_by.username == "officer"


def test_correct_without_an_upheld_objection_is_refused_in_chinese(officer):
    run = services.publish(services.run_evaluation(YEAR))
    url = reverse("evaluation:run_correct", args=[run.pk])
    refused = officer.post(url, {"confirm": "on"})
    text = refused.content.decode()
    assert refused.status_code == 400 and "没有待更正的成立异议" in text
    assert text.count("没有待更正的成立异议") == 1
    assert "landcycle correct" not in text
    assert EvaluationRun.objects.count() == 1


def test_a_final_run_is_corrected_in_the_background_with_its_reason(officer):
    final = services.finalize(services.publish(services.run_evaluation(YEAR)), force=True)
    url = reverse("evaluation:run_correct", args=[final.pk])
    refused = officer.post(url, {"confirm": "on"})
    assert "须写明原因" in refused.content.decode()
    done = officer.post(url, {"confirm": "on", "note": "D 类整改后重新评价"})
    assert done.status_code == 302
    officer.get(done["Location"])
    correction = EvaluationRun.objects.exclude(pk=final.pk).get()
    assert correction.corrects_id == final.pk and correction.note == "D 类整改后重新评价"
    assert EvaluationRun.objects.get(pk=final.pk).status == Status.FINAL  # until its correction


def test_the_run_page_links_the_steps_and_lists_objections(officer):
    run = services.publish(services.run_evaluation(YEAR))
    text = officer.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert reverse("evaluation:run_finalize", args=[run.pk]) in text
    assert reverse("evaluation:run_correct", args=[run.pk]) in text
    assert re.search(r"异议（0）", text) and "没有异议" in text


def test_a_reader_sees_no_step_links(etown, change_context):
    run = services.publish(services.run_evaluation(YEAR))
    reader = client_for(user_with_role("reader", Role.DEPARTMENT_READER))
    text = reader.get(reverse("evaluation:run_detail", args=[run.pk])).content.decode()
    assert reverse("evaluation:run_finalize", args=[run.pk]) not in text
    assert reader.get(reverse("evaluation:run_finalize", args=[run.pk])).status_code == 403
