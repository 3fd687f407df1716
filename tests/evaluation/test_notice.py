"""Public notice and objections online (issue 12): notice periods in working days, what the
public sees, objections filed by the enterprise with evidence and answered by the officer,
background runs."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from landcycle.core.permissions import Action, restrict
from landcycle.core.uploads import max_upload_bytes
from landcycle.core.workcalendar import WorkCalendar, official_calendar, package_calendar
from landcycle.evaluation import adoption, background, notice, services
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, Objection
from landcycle.evaluation.services import EvaluationError, TransitionError
from landcycle.web.models import Role
from tests.web.factories import user_with_role

from .conftest import YEAR

Status = EvaluationRun.Status
HUAIAN = "jiangsu-huaian-2024"


def _published(run, days_ago=1):
    return services.publish(run, start=timezone.localdate() - dt.timedelta(days=days_ago))


# ---------------------------------------------------------------- notice periods


def test_notice_end_counts_calendar_days_with_the_start_as_day_one():
    start = dt.date(2024, 9, 27)  # a Friday
    assert services.notice_end(start, 7) == dt.date(2024, 10, 3)
    assert services.notice_end(start, 1) == start
    assert services.notice_end(start, 0) == start


@pytest.mark.django_db
def test_notice_end_in_working_days_skips_the_national_day_holiday_and_counts_make_up_days():
    # 2024: 1–7 October off, Sunday 29 September a make-up workday (国办发明电〔2023〕7号).
    start = dt.date(2024, 9, 27)  # Friday: day 1; Sun 29 day 2; Mon 30 day 3; 8 Oct, 9 Oct
    assert services.notice_end(start, 5, "working_days") == dt.date(2024, 10, 9)
    # A notice posted on a Saturday starts counting on the next working day.
    assert services.notice_end(dt.date(2024, 6, 1), 1, "working_days") == dt.date(2024, 6, 3)
    # The lifecycle's holiday table is the official calendar; the package gives the same days.
    assert official_calendar().holidays == package_calendar().holidays


def test_notice_end_refuses_a_year_the_calendar_does_not_know():
    calendar = WorkCalendar.build([2024])
    with pytest.raises(EvaluationError, match="2025 年节假日安排未录入"):
        services.notice_end(dt.date(2024, 12, 30), 5, "working_days", calendar)


def test_the_policy_says_how_its_notice_days_count(etown):
    from landcycle.evaluation.engine import load_policy

    assert load_policy(HUAIAN).consequences.notice_unit == "working_days"
    assert load_policy("beijing-etown-2023").consequences.notice_unit == "days"
    run = services.run_evaluation(YEAR, HUAIAN)
    assert (run.notice_days, run.notice_unit) == (5, "working_days")
    published = services.publish(run, start=dt.date(2024, 9, 27))
    stored = EvaluationRun.objects.get(pk=published.pk)
    assert (stored.notice_start, stored.notice_end) == (dt.date(2024, 9, 27), dt.date(2024, 10, 9))
    assert services.final_from(stored) == dt.date(2024, 10, 10)


def test_an_unknown_notice_unit_is_refused_with_its_place():
    from landcycle.evaluation.engine.schema import NOTICE_UNITS

    assert NOTICE_UNITS == ("days", "working_days")
    from landcycle.evaluation.engine import PolicyError
    from landcycle.evaluation.engine.loader import load_policy_text

    text = load_policy_text_base().replace(
        "notice_days = 7\n", 'notice_days = 7\nnotice_unit = "weeks"\n'
    )
    with pytest.raises(PolicyError, match="consequences.notice_unit"):
        load_policy_text(text)


def load_policy_text_base() -> str:
    from pathlib import Path

    import landcycle.evaluation.engine as engine

    return (Path(engine.__file__).parent / "policies" / "beijing-etown-2023.toml").read_text()


# ---------------------------------------------------------------- what the public sees


def test_one_notice_at_a_time_for_a_year_and_policy(etown):
    first = _published(services.run_evaluation(YEAR))
    second = services.run_evaluation(YEAR)
    with pytest.raises(TransitionError, match=f"#{first.pk} 在公示中"):
        services.publish(second)
    assert EvaluationRun.objects.get(pk=second.pk).status == Status.DRAFT


def test_the_public_sees_notices_of_the_adopted_policy_only(etown):
    adopted = _published(services.run_evaluation(YEAR))
    what_if = _published(services.run_evaluation(YEAR, HUAIAN))
    assert EvaluationRun.objects.get(pk=adopted.pk).notice_public is True
    assert EvaluationRun.objects.get(pk=what_if.pk).notice_public is False
    assert [r.pk for r in notice.public_notice_runs()] == [adopted.pk]
    public_rows = notice.notice_results(adopted, notice.PUBLIC)
    assert sorted(r["parcel_code"] for r in public_rows) == sorted(etown.expected)
    assert not notice.notice_results(what_if, notice.PUBLIC).exists()
    # Only the fields the policy marks public, in its order.
    assert notice.public_columns(adopted) == [
        ("parcel_code", "宗地编号"),
        ("holder_name", "产权单位"),
        ("class", "评价类别"),
    ]
    first = next(r for r in public_rows if r["parcel_code"] == "ET-A")
    row = notice.public_values(first, notice.public_fields(adopted))
    assert row == ["ET-A", "优质制造有限公司", "A"]


def test_public_view_names_the_run_the_public_sees(etown):
    final = services.finalize(_published(services.run_evaluation(YEAR), days_ago=30))
    assert notice.public_view(YEAR, "beijing-etown-2023").text == (
        f"公众目前看到的是：已生效的批次 #{final.pk}（门户与驾驶舱的当前结果）。"
    )
    correction = services.correct(final, note="整改后重新评价")
    on_notice = _published(correction)
    view = notice.public_view(YEAR, "beijing-etown-2023")
    assert view.notice.pk == on_notice.pk and view.final.pk == final.pk
    assert f"公示中的批次 #{on_notice.pk}" in view.text and f"#{final.pk}" in view.text
    assert "模拟试算" in notice.public_view(YEAR, HUAIAN).text


# ---------------------------------------------------------------- objections


@pytest.fixture
def enterprise_user(etown):
    return user_with_role("holder_d", Role.ENTERPRISE_USER, enterprise=etown.d.holder)


@pytest.fixture
def officer(db):
    return user_with_role("officer", Role.EVALUATION_OFFICER)


def test_the_enterprise_objects_to_its_own_parcel_with_evidence(
    etown, enterprise_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = _published(services.run_evaluation(YEAR))
    assert [r.parcel_code for r in notice.objectable_results(enterprise_user)] == ["ET-D"]
    evidence = SimpleUploadedFile("撤诉裁定书.pdf", b"%PDF-1.4 ruling", "application/pdf")
    objection = notice.file_objection(run, etown.d, enterprise_user, " 诉讼已撤诉 ", evidence)
    stored = Objection.objects.get(pk=objection.pk)
    assert stored.text == "诉讼已撤诉" and stored.raised_by == "holder_d"
    assert stored.enterprise_id == etown.d.holder_id and stored.raised_by_user == enterprise_user
    assert stored.raised_on == timezone.localdate()
    assert stored.attachment.name.endswith("撤诉裁定书.pdf")
    assert stored.attachment.open("rb").read() == b"%PDF-1.4 ruling"
    # A second objection to the same parcel waits for the answer to the first.
    with pytest.raises(EvaluationError, match=f"待答复的异议 #{objection.pk}"):
        notice.file_objection(run, etown.d, enterprise_user, "再次异议")
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    "case, match",
    [
        ("other parcel", "不是本企业"),
        ("bad file", "不是可接收的类型"),
        ("too large", "超过上限"),
        ("empty text", "异议理由"),
        ("after the notice", "不在评价批次"),
        ("draft", "不是本企业"),
    ],
)
def test_refused_objections_write_nothing(etown, enterprise_user, settings, tmp_path, case, match):
    settings.MEDIA_ROOT = tmp_path
    run = services.run_evaluation(YEAR)
    if case != "draft":
        run = _published(run)
    parcel, upload, text, on = etown.d, None, "理由", None
    if case == "other parcel":
        parcel = etown.a
    elif case == "bad file":
        upload = SimpleUploadedFile("run.exe", b"MZ")
    elif case == "too large":
        upload = SimpleUploadedFile("big.pdf", b"0")
        upload.size = max_upload_bytes() + 1
    elif case == "empty text":
        text = "  "
    elif case == "after the notice":
        on = run.notice_end + dt.timedelta(days=1)
    with pytest.raises(EvaluationError, match=match):
        notice.file_objection(run, parcel, enterprise_user, text, upload, on=on)
    assert not Objection.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_the_officer_answers_and_an_upheld_objection_leads_to_a_corrected_run(
    etown, enterprise_user, officer
):
    run = _published(services.run_evaluation(YEAR))
    objection = notice.file_objection(run, etown.d, enterprise_user, "诉讼已撤诉")
    answered = notice.answer(objection, officer, True, "属实，已更正台账")
    stored = Objection.objects.get(pk=objection.pk)
    assert (stored.upheld, stored.answer, stored.answered_by) == (
        True,
        "属实，已更正台账",
        "officer",
    )
    assert stored.answered_by_user == officer and answered.answered_on == timezone.localdate()
    with pytest.raises(TransitionError, match="已答复"):
        notice.answer(objection, officer, False, "改判")

    etown.d.violations.update(status="remediated")
    result = background.run_job({"action": "correct", "run_id": run.pk, "note": ""}, _record())
    correction = EvaluationRun.objects.get(pk=result["run_id"])
    assert correction.corrects_id == run.pk and correction.status == Status.DRAFT
    assert EvaluationRun.objects.get(pk=run.pk).status == Status.SUPERSEDED
    assert Objection.objects.get(pk=objection.pk).correction_id == correction.pk
    assert correction.results.get(parcel_code="ET-D").klass != "D"
    # The objection shows to the enterprise and the officer, not to another enterprise.
    other = user_with_role("holder_a", Role.ENTERPRISE_USER, enterprise=etown.a.holder)
    assert list(notice.objections_of(enterprise_user, parcel=etown.d)) == [stored]
    assert list(notice.objections_of(officer, run=run)) == [stored]
    assert not notice.objections_of(other).exists()


def _record():
    steps = []

    def progress(stage, done, total):
        steps.append((stage, done, total))

    progress.steps = steps
    return progress


def test_a_background_run_reports_its_steps(etown):
    progress = _record()
    result = background.run_job({"action": "start", "year": YEAR, "policy": HUAIAN}, progress)
    run = EvaluationRun.objects.get(pk=result["run_id"])
    assert (run.year, run.policy_name, run.status) == (YEAR, HUAIAN, Status.DRAFT)
    assert [done for _stage, done, _total in progress.steps] == [0, 1, 2]
    assert progress.steps[1][0].startswith("计算 5 宗地")
    assert adoption.is_what_if(run)


def test_results_on_notice_reach_the_enterprise_for_submit_only_its_own(etown, enterprise_user):
    run = _published(services.run_evaluation(YEAR))
    rows = restrict(EvaluationResult.objects.filter(run=run), enterprise_user, Action.SUBMIT)
    assert [r.parcel_code for r in rows] == ["ET-D"]
