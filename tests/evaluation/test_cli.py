"""The evaluation subcommands end to end through ``landcycle.cli.main``."""

import datetime as dt
import json

import openpyxl
import polars as pl
import pytest

from landcycle.cli import main
from landcycle.evaluation.models import EvaluationRun, Objection
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


def run_cli(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def _latest():
    return EvaluationRun.objects.order_by("-id").first()


def test_evaluate_prints_a_summary_by_class(etown, capsys):
    status, out, err = run_cli(capsys, "evaluate", "--year", YEAR)
    assert status == 0, err
    run = _latest()
    assert f"run #{run.pk}" in out and "beijing-etown-2023" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line[:1] in "ABCD"}
    assert lines["A"][1] == "2" and lines["B"][1] == "1" and lines["D"][1] == "1"
    assert lines["A"][2] == "40.0%"


def test_results_in_every_format(etown, capsys, tmp_path):
    run_cli(capsys, "evaluate", "--year", YEAR)
    status, out, _ = run_cli(capsys, "results", "--year", YEAR)
    assert status == 0
    frame = pl.read_csv(out.encode())
    assert frame.columns[:4] == ["parcel_code", "class", "score", "reasons"]
    assert dict(zip(frame["parcel_code"], frame["class"], strict=True)) == etown.expected
    assert "tax_10k_cny_per_ha" in frame.columns

    status, _, _ = run_cli(
        capsys, "results", "--year", YEAR, "--format", "json", "--output", tmp_path / "r.json"
    )
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert status == 0 and len(rows) == 5 and rows[0]["parcel_code"] == "ET-A"
    assert "reasons" in rows[0] and rows[0]["reasons"]

    status, _, _ = run_cli(capsys, "results", "--year", YEAR, "--output", tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).active
    header, *body = list(sheet.values)
    assert status == 0 and header[:4] == ("parcel_code", "class", "score", "reasons")
    assert len(body) == 5


def test_results_without_a_run_fails_with_one_line(etown, capsys):
    status, out, err = run_cli(capsys, "results", "--year", 2019)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "landcycle evaluate --year 2019" in err


def test_evaluate_on_an_empty_ledger_says_so(db, capsys):
    status, _, err = run_cli(capsys, "evaluate", "--year", YEAR)
    assert status == 1 and "no parcels" in err
    assert not EvaluationRun.objects.exists()


def test_unknown_policy_fails_cleanly(etown, capsys):
    status, _, err = run_cli(capsys, "evaluate", "--year", YEAR, "--policy", "nope")
    assert status == 1 and "nope" in err
    assert not EvaluationRun.objects.exists()


def test_policies_lists_shipped_and_user_policies(capsys, settings, tmp_path):
    shipped = __import__("landcycle.evaluation.engine", fromlist=["x"]).load_policy().path
    text = open(shipped, encoding="utf-8").read()
    user = text.replace('name = "beijing-etown-2023"', 'name = "my-etown-copy"', 1)
    (tmp_path / "mine.toml").write_text(user, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    status, out, _ = run_cli(capsys, "policies")
    assert status == 0
    assert "beijing-etown-2023 (default)" in out
    mine = next(line for line in out.splitlines() if line.startswith("my-etown-copy"))
    assert "user" in mine


def test_publish_objection_correct_finalize_and_lists(etown, capsys, tmp_path):
    run_cli(capsys, "evaluate", "--year", YEAR)
    run = _latest()
    start = dt.date.today() - dt.timedelta(days=3)

    status, _, err = run_cli(capsys, "finalize", run.pk)
    assert status == 1 and "cannot become" in err  # a draft cannot become final

    status, out, _ = run_cli(capsys, "publish", run.pk, "--start", start)
    assert status == 0 and str(start) in out
    status, out, _ = run_cli(
        capsys, "objection", "add", run.pk, "--parcel", "ET-D", "--by", "涉诉企业 法务",
        "--text", "诉讼已于三月撤诉", "--on", start,
    )  # fmt: skip
    assert status == 0, out
    objection = Objection.objects.get()

    status, _, err = run_cli(capsys, "finalize", run.pk, "--force")
    assert status == 1 and "unanswered" in err
    status, out, _ = run_cli(
        capsys, "objection", "answer", objection.pk, "--answer", "核实属实", "--by", "李明",
        "--upheld",
    )  # fmt: skip
    assert status == 0 and "upheld" in out
    status, out, _ = run_cli(capsys, "objection", "list", run.pk)
    assert "ET-D" in out and "成立" in out

    etown.d.violations.update(status="remediated")
    status, out, err = run_cli(capsys, "correct", run.pk)
    assert status == 0, err
    correction = _latest()
    assert correction.corrects_id == run.pk and f"corrects run #{run.pk}" in out

    status, out, _ = run_cli(capsys, "runs", "--year", YEAR)
    assert "superseded" in out and "draft" in out and f"#{run.pk}" in out

    status, _, err = run_cli(capsys, "lists", "--run", correction.pk, "--output", tmp_path)
    assert status == 1 and "final run" in err
    run_cli(capsys, "publish", correction.pk, "--start", dt.date.today() - dt.timedelta(days=30))
    status, out, err = run_cli(capsys, "finalize", correction.pk)
    assert status == 0, err

    status, out, err = run_cli(capsys, "lists", "--year", YEAR, "--output", tmp_path / "xlsx")
    assert status == 0, err
    assert "重点服务企业名单" in out and (tmp_path / "xlsx" / "名单.xlsx").exists()
    status, out, _ = run_cli(
        capsys, "lists", "--run", correction.pk, "--output", tmp_path / "csv", "--format", "csv"
    )
    key_service = pl.read_csv(tmp_path / "csv" / "key_service.csv")
    assert "同一法人的关联企业" in key_service["企业名称"].to_list()


def test_compare_prints_the_matrix(etown, capsys, tmp_path, settings):
    from tests.evaluation.test_compare import STRICT

    (tmp_path / "strict.toml").write_text(STRICT, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    status, out, err = run_cli(
        capsys, "compare", "--year", YEAR, "--policy", "beijing-etown-2023",
        "--policy", "test-strict-output", "--output", tmp_path / "cmp.xlsx",
    )  # fmt: skip
    assert status == 0, err
    assert "D → A (1): ET-D" in out and "C → B (1): ET-C" in out
    assert (tmp_path / "cmp.xlsx").exists()
    status, _, err = run_cli(capsys, "compare", "--year", YEAR, "--policy", "beijing-etown-2023")
    assert status == 1 and "twice" in err
