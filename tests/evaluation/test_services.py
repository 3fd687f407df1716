import datetime as dt

import polars as pl
import pytest
from django.db.models import FloatField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from landcycle.evaluation import services
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, Objection
from landcycle.evaluation.services import EvaluationError, TransitionError
from tests.evaluation.conftest import YEAR
from tests.factories import IndicatorReportFactory

pytestmark = pytest.mark.django_db
Status = EvaluationRun.Status
DAY = dt.timedelta(days=1)


def _classes(run):
    return dict(EvaluationResult.objects.filter(run=run).values_list("parcel_code", "klass"))


def _stored(run):
    """A run's results without ids, sorted: what must be identical between reruns."""
    return (
        services.results_frame(run)
        .drop("indicators", "ranks")
        .with_columns(
            pl.Series(
                "indicators",
                [str(sorted(r.indicators.items())) for r in run.results.order_by("parcel_code")],
            )
        )
    )


def _published(run, days_ago=30):
    return services.publish(run, start=dt.date.today() - dt.timedelta(days=days_ago))


# ---------------------------------------------------------------- runs and storage


def test_run_stores_policy_inputs_and_one_result_per_parcel(etown):
    run = services.run_evaluation(YEAR)
    policy = services.get_policy(services.DEFAULT_POLICY)

    assert run.status == Status.DRAFT and run.year == YEAR
    assert run.policy_name == "beijing-etown-2023" and run.policy_version == policy.version
    assert run.policy_hash == policy.sha256 and len(run.policy_hash) == 64
    assert len(run.inputs_fingerprint) == 64
    assert run.notice_days == policy.consequences.notice_days
    assert run.parcel_count == 5 and sum(run.class_counts.values()) == 5
    assert _classes(run) == etown.expected

    a = run.results.get(parcel_code="ET-A")
    assert a.holder_id == etown.holder_a.pk and a.parcel_id == etown.a.pk
    assert a.reasons_zh and a.reasons_en and a.rule
    assert a.indicators  # the figures behind the class, kept with the result
    d = run.results.get(parcel_code="ET-D")
    assert "涉法涉诉" in d.reasons_zh


def test_same_inputs_give_the_same_fingerprint_and_identical_results(etown):
    first = services.run_evaluation(YEAR)
    second = services.run_evaluation(YEAR)
    assert first.pk != second.pk
    assert first.inputs_fingerprint == second.inputs_fingerprint
    assert first.policy_hash == second.policy_hash
    assert _stored(first).equals(_stored(second))


def test_a_ledger_change_changes_the_fingerprint(etown):
    first = services.run_evaluation(YEAR)
    report = etown.b.indicator_reports.get(year=YEAR)
    report.tax_10k_cny += 1
    report.save()
    assert services.run_evaluation(YEAR).inputs_fingerprint != first.inputs_fingerprint


def test_unknown_policy_is_a_clear_error(etown):
    with pytest.raises(EvaluationError, match="no-such-policy"):
        services.run_evaluation(YEAR, "no-such-policy")
    assert not EvaluationRun.objects.exists()


def test_moves_are_against_the_latest_final_run_of_the_previous_year(etown):
    IndicatorReportFactory(
        enterprise=etown.holder_b,
        parcel=etown.b,
        year=YEAR - 1,
        output_10k_cny=70_000.0,
        tax_10k_cny=5_000.0,
    )
    draft_last_year = services.run_evaluation(YEAR - 1)
    assert services.run_evaluation(YEAR).previous_run is None  # a draft is not a base

    services.finalize(_published(draft_last_year))
    run = services.run_evaluation(YEAR)
    assert run.previous_run == draft_last_year
    moved = run.results.get(parcel_code="ET-B")
    assert moved.previous_class == "A" and moved.klass == "B" and moved.move == "A → B"


# ---------------------------------------------------------------- status


def test_publish_records_the_notice_period(etown):
    run = services.run_evaluation(YEAR)
    start = dt.date(2026, 3, 2)
    services.publish(run, start=start)
    run.refresh_from_db()
    assert run.status == Status.NOTICE and run.notice_start == start
    days = run.notice_days
    assert run.notice_end == start + dt.timedelta(days=max(days - 1, 0))
    assert run.published_at is not None


@pytest.mark.parametrize(
    "action",
    [
        lambda run: services.finalize(run),  # draft → final skips the notice
        lambda run: services.publish(services.finalize(_published(run))),  # final → notice
        lambda run: services.publish(_published(run)),  # published twice
    ],
)
def test_illegal_transitions_are_refused(etown, action):
    run = services.run_evaluation(YEAR)
    with pytest.raises(TransitionError):
        action(run)


def test_finalize_waits_for_the_end_of_the_notice_unless_forced(etown):
    run = services.run_evaluation(YEAR)
    if not run.notice_days:
        pytest.skip("the policy has no notice period")
    services.publish(run)  # starts today
    with pytest.raises(TransitionError, match="public notice until"):
        services.finalize(run)
    assert EvaluationRun.objects.get(pk=run.pk).status == Status.NOTICE
    forced = services.finalize(run, force=True)
    assert forced.status == Status.FINAL and forced.forced


def test_finalize_after_the_notice(etown):
    run = _published(services.run_evaluation(YEAR))
    final = services.finalize(run)
    assert final.status == Status.FINAL and not final.forced and final.finalized_at


def test_a_second_final_run_for_the_same_year_must_be_a_correction(etown):
    services.finalize(_published(services.run_evaluation(YEAR)))
    other = _published(services.run_evaluation(YEAR))
    with pytest.raises(TransitionError, match="already final"):
        services.finalize(other)


# ---------------------------------------------------------------- objections


def test_objections_only_during_the_notice(etown):
    run = services.run_evaluation(YEAR)
    with pytest.raises(TransitionError):
        services.raise_objection(run, "ET-C", "出租园区有限公司", "我们已收回出租")
    _published(run, days_ago=2)
    run.refresh_from_db()
    with pytest.raises(EvaluationError, match="outside the notice"):
        services.raise_objection(run, "ET-C", "甲", "文", on=run.notice_start - DAY)
    with pytest.raises(EvaluationError, match="not in run"):
        services.raise_objection(run, "NO-SUCH", "甲", "文", on=run.notice_start)
    objection = services.raise_objection(
        run, "ET-C", "出租园区有限公司", "已收回", on=run.notice_start
    )
    assert objection.enterprise_id == etown.c.holder_id and objection.parcel_id == etown.c.pk


def test_unanswered_objection_blocks_finalize_even_forced(etown):
    run = _published(services.run_evaluation(YEAR))
    run.refresh_from_db()
    objection = services.raise_objection(run, "ET-D", "涉诉企业", "诉讼已结案", on=run.notice_start)
    with pytest.raises(TransitionError, match="unanswered"):
        services.finalize(run, force=True)
    services.answer_objection(objection, "经核查诉讼仍在进行", "管委会 李明", upheld=False)
    with pytest.raises(TransitionError, match="already been answered"):
        services.answer_objection(objection, "再答", "李明", upheld=True)
    assert services.finalize(run).status == Status.FINAL


def test_upheld_objection_leads_to_a_corrected_run(etown):
    run = _published(services.run_evaluation(YEAR))
    run.refresh_from_db()
    objection = services.raise_objection(run, "ET-D", "涉诉企业", "诉讼已撤诉", on=run.notice_start)
    services.answer_objection(objection, "属实，已更正台账", "管委会 李明", upheld=True)
    with pytest.raises(TransitionError, match="upheld"):
        services.finalize(run, force=True)

    etown.d.violations.update(status="remediated")  # the ledger is corrected
    correction = services.correct(run)

    run.refresh_from_db()
    objection.refresh_from_db()
    assert run.status == Status.SUPERSEDED
    assert correction.corrects == run and correction.status == Status.DRAFT
    assert objection.correction == correction
    assert _classes(correction)["ET-D"] != "D"
    assert _classes(run)["ET-D"] == "D"  # the published run is never edited
    with pytest.raises(TransitionError):
        services.publish(run)
    final = services.finalize(_published(correction))
    assert final.status == Status.FINAL


def test_correcting_a_final_run_supersedes_it_when_the_correction_is_final(etown):
    final = services.finalize(_published(services.run_evaluation(YEAR)))
    with pytest.raises(EvaluationError, match="note"):
        services.correct(final)
    correction = services.correct(final, note="D 类整改完成后重新评价")
    assert EvaluationRun.objects.get(pk=final.pk).status == Status.FINAL  # still in force
    services.finalize(_published(correction))
    assert EvaluationRun.objects.get(pk=final.pk).status == Status.SUPERSEDED
    assert services.latest_final_run(YEAR, final.policy_name) == correction


def test_a_draft_is_not_corrected(etown):
    with pytest.raises(TransitionError):
        services.correct(services.run_evaluation(YEAR), note="x")
    assert not Objection.objects.exists()


def test_stored_indicators_read_back_as_dicts(etown):
    run = services.run_evaluation(YEAR)
    a = EvaluationResult.objects.get(run=run, parcel_code="ET-A")
    assert a.ranks == {
        "rank_jurisdiction": a.rank_jurisdiction,
        "rank_industry": a.rank_industry,
        "industry": a.industry,
    }
    assert isinstance(a.rank_jurisdiction, int) and 1 <= a.rank_jurisdiction <= 5
    assert a.indicators["output_10k_cny_per_ha"] == pytest.approx(35_000)
    # Per-mu figures are not stored but read back as per-hectare ÷ 15.
    assert a.indicators["output_10k_cny_per_mu"] == pytest.approx(35_000 / 15, rel=1e-5)
    assert "output_10k_cny_per_mu" not in a.other_indicators
    # The figures every evaluation gives are columns: they filter and sort in SQL.
    codes = EvaluationResult.objects.filter(run=run, output_10k_cny_per_ha__gte=30_000)
    assert sorted(codes.values_list("parcel_code", flat=True)) == ["ET-A", "ET-D"]
    # The others are JSON, read through the text of a key (json has no comparison operators).
    holder_output = Cast(KT("other_indicators__holder_output_10k_cny_per_ha"), FloatField())
    codes = (
        EvaluationResult.objects.filter(run=run)
        .annotate(holder_output=holder_output)
        .filter(holder_output__gte=30_000)
        .values_list("parcel_code", flat=True)
    )
    assert sorted(codes) == ["ET-A", "ET-D"]


def test_keys_without_a_value_are_not_stored(etown):
    run = services.run_evaluation(YEAR)
    others = EvaluationResult.objects.filter(run=run).values_list("other_indicators", flat=True)
    assert all(None not in o.values() for o in others)
    b = EvaluationResult.objects.get(run=run, parcel_code="ET-B")
    assert b.indicators.get("lease_relation_path_zh") is None


def test_a_correction_of_a_correction_replaces_the_final_run(etown):
    final = services.finalize(_published(services.run_evaluation(YEAR)))
    first = _published(services.correct(final, note="整改后重新评价"))
    first.refresh_from_db()
    objection = services.raise_objection(
        first, "ET-B", "一般制造", "产值漏报", on=first.notice_start
    )
    services.answer_objection(objection, "属实", "李明", upheld=True)
    second = services.correct(first)
    assert EvaluationRun.objects.get(pk=first.pk).status == Status.SUPERSEDED
    assert EvaluationRun.objects.get(pk=final.pk).status == Status.FINAL
    services.finalize(_published(second))
    assert EvaluationRun.objects.get(pk=final.pk).status == Status.SUPERSEDED
    assert list(EvaluationRun.objects.filter(status=Status.FINAL)) == [second]


def test_a_policy_benchmarking_on_last_year_loads_last_years_figures(etown):
    huaian = services.get_policy("jiangsu-huaian-2024")  # benchmarks ≈ 2 × last year's mean
    assert services.indicator_years_back(huaian) == 1
    assert services.indicator_years_back(services.get_policy(services.DEFAULT_POLICY)) == 0
    years = services.load_inputs(huaian, YEAR).indicators["year"].unique().sort().to_list()
    assert years == [YEAR - 1, YEAR]
    run = services.run_evaluation(YEAR, "jiangsu-huaian-2024")
    assert run.parcel_count == 5 and run.policy_name == "jiangsu-huaian-2024"
