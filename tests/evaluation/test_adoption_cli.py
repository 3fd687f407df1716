"""``landcycle adopt`` and the what-if label of ``evaluate``, ``results`` and ``runs``."""

import pytest

from landcycle.cli import main
from landcycle.evaluation.models import EvaluationRun, PolicyAdoption
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


def run_cli(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_adopt_list_and_labels(etown, capsys):
    status, out, err = run_cli(
        capsys, "adopt", "--year", YEAR, "--policy", "jiangsu-huaian-2024", "--reason", "试点"
    )
    assert status == 0, err
    stored = PolicyAdoption.objects.get()
    assert (stored.year, stored.policy_name, stored.zone.name) == (
        YEAR,
        "jiangsu-huaian-2024",
        "荣华街道",
    )
    assert "cli adopt" in stored.source

    status, out, err = run_cli(capsys, "evaluate", "--year", YEAR)  # the CLI default: E-Town
    assert status == 0, err
    assert "模拟试算 what-if" in out and "如果" in out
    run = EvaluationRun.objects.get()
    status, out, err = run_cli(capsys, "results", "--year", YEAR)
    assert status == 0 and "模拟试算" in err and "模拟" not in out  # CSV on stdout stays clean
    status, out, _ = run_cli(capsys, "runs")
    assert "模拟 what-if" in out

    status, out, err = run_cli(capsys, "adopt", "--list")
    assert status == 0 and "jiangsu-huaian-2024" in out and "试点" in out

    # back to E-Town, then final: the label changes and the adoption is locked
    run_cli(capsys, "adopt", "--year", YEAR, "--policy", "beijing-etown-2023", "--reason", "回")
    run_cli(capsys, "publish", run.pk)
    assert run_cli(capsys, "finalize", run.pk, "--force")[0] == 0
    status, out, _ = run_cli(capsys, "runs")
    assert "采用 adopted" in out and "模拟" not in out
    status, _, err = run_cli(
        capsys, "adopt", "--year", YEAR, "--policy", "zhejiang-mujun", "--reason", "改"
    )
    assert status == 1 and "不能再改采用政策" in err
    assert PolicyAdoption.objects.get().policy_name == "beijing-etown-2023"
    status, _, err = run_cli(capsys, "adopt", "--year", YEAR)
    assert status == 1 and "--policy" in err and "--reason" in err
    status, out, err = run_cli(capsys, "lists", "--year", YEAR)
    assert status == 0 and "采用政策 adopted policy" in out, err
