"""用电量 reaches the evaluation: a below-scale firm under the Huangyan composite policy, whose
score counts 单位电耗税收 (tax per kWh), classed with and without its electricity, end to end
through ``landcycle import`` and ``landcycle evaluate`` (issue 9 point 7)."""

import json

import pytest

from landcycle.cli import main
from landcycle.evaluation.models import EvaluationRun
from landcycle.ledger.models import IndicatorReport
from tests.imports.workbooks import uscc, write_xlsx

pytestmark = pytest.mark.django_db

YEAR = 2024
POLICY = "zhejiang-mujun"
# Below-scale firms on 6 亩 (0.4 公顷) each; 实缴税金 万元 and 用电量 万千瓦时. The frugal firm pays
# the least tax per 亩 but by far the most per kWh.
# Twenty firms, so the bottom 5 % (class D) is one firm.
FIRMS = [(20.0, 10.0)] + [(60.0 + 5 * i, 500.0) for i in range(19)]  # (tax, electricity)


def _workbook(path, with_electricity: bool):
    enterprises = [["统一社会信用代码", "企业名称", "行业代码", "规模"]]
    parcels = [
        ["宗地编号", "所属街道", "用地面积 (公顷)", "产权单位统一社会信用代码", "实际竣工日期"]
    ]
    indicators = [["统一社会信用代码", "年度", "实缴税金 (万元)"]]
    if with_electricity:
        indicators[0].append("用电量 (万千瓦时)")
    for i, (tax, electricity) in enumerate(FIRMS):
        enterprises.append([uscc(i), f"黄岩{i}模塑有限公司", "C2927", "规下"])
        parcels.append([f"HY{i:02d}", "北城街道", 0.4, uscc(i), "2015-06-30"])
        indicators.append([uscc(i), YEAR, tax, *([electricity] if with_electricity else [])])
    sheets = {"企业": enterprises, "宗地": parcels, "年度指标": indicators}
    return write_xlsx(path, sheets)


def _cli(capsys, *args):
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def _classes(capsys, tmp_path, name):
    _cli(capsys, "evaluate", "--year", YEAR, "--policy", POLICY)
    out = tmp_path / f"{name}.json"
    _cli(capsys, "results", "--year", YEAR, "--policy", POLICY, "--format", "json", "--output", out)
    rows = json.loads(out.read_text(encoding="utf-8"))
    return {r["parcel_code"]: (r["class"], r["score"]) for r in rows}


def test_electricity_changes_a_below_scale_firms_class(capsys, tmp_path):
    _cli(capsys, "import", _workbook(tmp_path / "without.xlsx", with_electricity=False))
    without = _classes(capsys, tmp_path, "without")
    first = EvaluationRun.objects.order_by("-id").first().inputs_fingerprint

    _cli(capsys, "import", _workbook(tmp_path / "with.xlsx", with_electricity=True))
    stored = IndicatorReport.objects.get(enterprise__uscc=uscc(0), year=YEAR)
    assert stored.electricity_kwh == 100_000.0  # 10 万千瓦时
    with_ = _classes(capsys, tmp_path, "with")
    assert EvaluationRun.objects.order_by("-id").first().inputs_fingerprint != first

    # Without 用电量 the frugal firm scores only on tax per 亩, the group's lowest: class D.
    # With it, 2 元/kWh against the 0.2352 benchmark puts it first in its group: class A.
    assert without["HY00"][0] == "D"
    assert with_["HY00"][0] == "A"
    tax_score = 20 / 6 / 11.5932 * 50
    assert without["HY00"][1] == pytest.approx(tax_score)
    assert with_["HY00"][1] == pytest.approx(tax_score + 2 / 0.2352 * 50)
