"""The demo district through the importer and the evaluation engine, in the database."""

import datetime as dt

import polars as pl
import pytest

from landcycle.demo.services import build_demo
from landcycle.evaluation import services
from landcycle.evaluation.models import EvaluationResult, EvaluationRun
from landcycle.ledger import models as ledger
from tests.factories import ViolationFactory

pytestmark = pytest.mark.django_db


def test_default_district_imports_cleanly_and_evaluates_to_the_intended_mix(tmp_path):
    built = build_demo(parcels=2000, output=tmp_path)
    assert built.path == tmp_path / "beilun-demo.xlsx" and built.path.exists()
    assert ledger.Parcel.objects.count() == 2000
    assert ledger.Enterprise.objects.count() == 1500
    assert ledger.Jurisdiction.objects.filter(parcels__isnull=False).distinct().count() == 12
    # The deliberately wrong registered areas are the import's warnings, and they are flagged.
    mismatched = [p for p in ledger.Parcel.objects.all() if p.area_mismatch]
    assert built.warnings == len(mismatched) and 3 <= len(mismatched) <= 20
    counts = built.import_counts
    assert counts["parcels"]["created"] == 2000 and counts["indicators"]["created"] > 5000
    assert set(ledger.Violation.objects.values_list("kind", flat=True)) == set(
        ledger.Violation.Kind.values
    )

    # Beilun adopts 亩均论英雄; E-Town is the what-if draft of the latest year.
    assert built.policy_name == "zhejiang-mujun" and not built.adoption_note
    assert {"A", "B", "C", "D"} <= set(built.class_counts)
    what_if = EvaluationRun.objects.get(pk=built.what_if_run_id)
    assert (what_if.policy_name, what_if.year, what_if.status) == (
        "beijing-etown-2023",
        built.year,
        EvaluationRun.Status.DRAFT,
    )
    # E-Town classes: about a fifth A, well over half B, a few per cent C, D and REVIEW.
    total = sum(built.what_if_class_counts.values())
    share = {k: v / total for k, v in built.what_if_class_counts.items()}
    assert 0.15 <= share["A"] <= 0.25, share
    assert 0.50 <= share["B"] <= 0.65, share
    for klass in ("C", "D", "REVIEW"):
        assert 0 < share[klass] < 0.2, share

    # Renewal parks: some met their commitment (A), some did not (B).
    parks = EvaluationResult.objects.filter(
        run_id=built.what_if_run_id, parcel__project_type=ledger.Parcel.ProjectType.RENEWAL_PARK
    )
    assert {"A", "B"} <= set(parks.values_list("klass", flat=True))

    # The lifecycle workflows have cases, and the demo users exist.
    assert built.lifecycle["exit"] and built.lifecycle["stockland"], built.lifecycle_note
    assert {u["username"] for u in built.users} >= {"admin", "evaluator"}

    results = services.results_frame(what_if)
    assert results.height == 2000
    assert results.filter(pl.col("class") == "REVIEW")["reasons_zh"].str.len_chars().min() > 0


def test_rerunning_changes_nothing_and_reuses_the_run(tmp_path):
    first = build_demo(parcels=300, output=tmp_path)
    runs = EvaluationRun.objects.count()
    again = build_demo(parcels=300, output=tmp_path)
    for sheet, counts in again.import_counts.items():
        assert counts["created"] == 0 and counts["updated"] == 0, sheet
    assert again.run_reused and again.run_id == first.run_id
    assert EvaluationRun.objects.count() == runs


def test_a_changed_ledger_gets_a_new_draft_run(tmp_path):
    first = build_demo(parcels=300, output=tmp_path)
    # A patrol finds illegal construction that is not in the demo workbook.
    parcel = ledger.Parcel.objects.order_by("code").first()
    ViolationFactory(
        parcel=parcel, kind="illegal_construction", found_on=dt.date(2025, 6, 1), status="open"
    )
    again = build_demo(parcels=300, output=tmp_path)
    assert not again.run_reused and again.run_id != first.run_id
    assert EvaluationRun.objects.get(pk=again.run_id).status == EvaluationRun.Status.DRAFT


def test_districts_too_large_for_excel_go_through_csv(tmp_path, monkeypatch):
    from landcycle.demo import services as demo_services

    monkeypatch.setattr(demo_services, "EXCEL_MAX_ROWS", 100)
    built = build_demo(parcels=120, output=tmp_path)
    assert built.path == tmp_path / "beilun-demo" and (built.path / "宗地.csv").exists()
    assert built.import_counts["parcels"]["created"] == 120
    assert ledger.Parcel.objects.count() == 120
    assert ledger.Building.objects.count() == built.import_counts["buildings"]["created"] > 0


def test_demo_shows_the_yearly_cycle(tmp_path):
    built = build_demo(parcels=300, output=tmp_path)
    run = EvaluationRun.objects.get(pk=built.run_id)
    previous = EvaluationRun.objects.get(pk=built.previous_run_id)
    assert previous.year == run.year - 1
    assert previous.status == EvaluationRun.Status.FINAL and not previous.forced
    assert run.status == EvaluationRun.Status.NOTICE
    assert run.previous_run_id == previous.pk  # year-over-year moves are against the final run


def test_a_demo_too_large_for_the_workbook_cell_limit_is_written_as_csv(settings, tmp_path):
    from landcycle.demo.services import build_demo

    settings.LANDCYCLE_IMPORT_MAX_CELLS = 1_000  # a small district over a lowered limit
    said = []
    result = build_demo(parcels=40, output=tmp_path, say=said.append)
    assert result.path.is_dir() and any(result.path.glob("*.csv"))
    assert any("改写为CSV" in line for line in said)
    assert result.import_counts["parcels"]["created"] == 40


def test_the_demo_marks_its_data_directory(settings, tmp_path):
    from landcycle.demo.services import is_demo_installation

    settings.DATA_DIR = tmp_path
    assert not is_demo_installation()
    build_demo(parcels=40, output=tmp_path / "out")
    assert is_demo_installation()
