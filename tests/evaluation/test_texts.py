"""Texts that follow from a result are stored empty and written when results are read."""

import polars as pl
import pytest

from landcycle.evaluation import lists, services, texts
from landcycle.evaluation.engine import TEXT_COLUMNS
from landcycle.evaluation.models import EvaluationResult
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(etown):
    return services.run_evaluation(YEAR)


def _expected():
    """The texts the engine writes in one go, by parcel code."""
    policy = services.get_policy(services.DEFAULT_POLICY)
    full = services.compute(policy, services.load_inputs(policy, YEAR), YEAR, texts=True)
    return {
        row["code"]: {c: row[c] or "" for c in TEXT_COLUMNS} for row in full.iter_rows(named=True)
    }


def test_rule_texts_are_stored_empty(run):
    stored = EvaluationResult.objects.filter(run=run).values_list("rule", "reasons_zh")
    assert stored and all(reason == "" for rule, reason in stored if rule != "no-rule")
    assert run.policy_source == services.get_policy(services.DEFAULT_POLICY).source


def test_instances_read_with_the_engines_texts(run, django_assert_num_queries):
    texts.forget()
    with django_assert_num_queries(3):  # the results, their run's policy hash, its text
        results = list(EvaluationResult.objects.filter(run=run))
    with django_assert_num_queries(2):  # the text is known now
        list(EvaluationResult.objects.filter(run=run))
    with django_assert_num_queries(1):  # the run came with the results
        list(EvaluationResult.objects.filter(run=run).select_related("run"))
    expected = _expected()
    for result in results:
        assert {c: getattr(result, c) for c in TEXT_COLUMNS} == expected[result.parcel_code]
    assert all(r.reasons_zh for r in results)


def test_iterator_writes_texts_too(run):
    expected = _expected()
    for result in EvaluationResult.objects.filter(run=run).iterator(chunk_size=2):
        assert result.reasons_en == expected[result.parcel_code]["reasons_en"]


def test_frames_read_with_the_engines_texts(run):
    expected = _expected()
    frame = services.results_frame(run)
    for row in frame.iter_rows(named=True):
        assert {c: row[c] for c in TEXT_COLUMNS} == expected[row["parcel_code"]]
    table = lists.results_table(run, lang="en")
    assert table.columns[:4] == ["parcel_code", "class", "score", "reasons"]
    assert "rule" not in table.columns
    assert dict(table.select("parcel_code", "reasons").iter_rows()) == {
        code: t["reasons_en"] for code, t in expected.items()
    }


def test_a_run_reads_as_made_after_its_policy_file_changes(run, tmp_path, settings):
    before = {r.parcel_code: r.reasons_zh for r in EvaluationResult.objects.filter(run=run)}
    source = services.get_policy(services.DEFAULT_POLICY).source
    (tmp_path / "etown.toml").write_text(
        source.replace("自用工业用地项目", "（已修订）自用工业用地项目"), encoding="utf-8"
    )
    settings.LANDCYCLE_POLICY_DIRS = [str(tmp_path)]
    assert services.get_policy(services.DEFAULT_POLICY).sha256 != run.policy_hash
    texts.forget()
    after = {r.parcel_code: r.reasons_zh for r in EvaluationResult.objects.filter(run=run)}
    assert after == before and not any("已修订" in t for t in after.values())


def test_figures_the_texts_test_are_stored_unrounded(etown):
    etown_policy = services.get_policy(services.DEFAULT_POLICY)
    prepared = services.prepare(etown_policy, YEAR)
    nudged = prepared.results.with_columns(pl.lit(1999.9999999).alias("holder_tax_10k_cny_per_ha"))
    run = services.store(
        services.Prepared(etown_policy, YEAR, prepared.fingerprint, nudged, prepared.previous)
    )
    stored = EvaluationResult.objects.filter(run=run).values_list("other_indicators", flat=True)
    assert {i["holder_tax_10k_cny_per_ha"] for i in stored} == {1999.9999999}


def test_unknown_policy_leaves_texts_empty(run):
    type(run).objects.filter(pk=run.pk).update(policy_source="", policy_hash="0" * 64)
    texts.forget()
    results = list(EvaluationResult.objects.filter(run=run).exclude(rule="no-rule"))
    assert results and all(r.reasons_zh == "" for r in results)


def test_composite_texts_are_stored_and_read_as_stored(etown):
    run = services.run_evaluation(YEAR, "zhejiang-mujun")
    stored = dict(EvaluationResult.objects.filter(run=run).values_list("parcel_code", "reasons_zh"))
    assert stored and all(stored.values())  # they quote the group: stored with the result
    read = {r.parcel_code: r.reasons_zh for r in EvaluationResult.objects.filter(run=run)}
    assert read == stored
    table = lists.results_table(run)
    assert dict(table.select("parcel_code", "reasons").iter_rows()) == stored
    frame = services.results_frame(run)
    assert dict(frame.select("parcel_code", "reasons_zh").iter_rows()) == stored


def test_runs_of_one_policy_are_explained_in_one_call(run, monkeypatch):
    again = services.run_evaluation(YEAR)  # a second run of the same policy
    calls = []
    real = texts.explain_frame
    monkeypatch.setattr(texts, "explain_frame", lambda p, f: calls.append(len(f)) or real(p, f))
    results = list(EvaluationResult.objects.filter(run__in=[run, again]))
    assert {r.run_id for r in results} == {run.pk, again.pk}
    assert len(calls) == 1  # both runs in one engine call
    expected = _expected()
    for result in results:
        assert {c: getattr(result, c) for c in TEXT_COLUMNS} == expected[result.parcel_code]


def test_without_texts_reads_as_stored_and_write_texts_fills_in(run, monkeypatch):
    calls = []
    monkeypatch.setattr(texts, "explain_frame", lambda p, f: calls.append(1) or f)
    bare = list(EvaluationResult.objects.filter(run=run).without_texts())
    assert not calls and all(r.reasons_zh == "" for r in bare if r.rule != "no-rule")
    monkeypatch.undo()
    chosen = bare[:2]
    texts.write_texts(chosen)
    expected = _expected()
    for result in chosen:
        assert {c: getattr(result, c) for c in TEXT_COLUMNS} == expected[result.parcel_code]
    assert all(r.reasons_zh == "" for r in bare[2:] if r.rule != "no-rule")
