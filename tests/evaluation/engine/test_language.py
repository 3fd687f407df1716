"""Language features no shipped policy uses: none, at_most, fact missing, max_score, missing=review."""

import pytest

from landcycle.evaluation.engine import evaluate
from landcycle.evaluation.engine.loader import load_policy_text

from .builders import RELATED_RULE, YEAR, Land, row

RULES = (
    """
name = "test-rules"
version = "0"
title_zh = "测试"
title_en = "test"
jurisdiction = "测试区"
effective = 2024-01-01
kind = "rules"
classes = [{ key = "X", label_zh = "X", label_en = "X" }, { key = "Y", label_zh = "Y", label_en = "Y" }]

[[sources]]
title = "test"

[[rules]]
id = "X-small-no-litigation"
class = "X"
all = [{ metric = "area_m2", at_most = { value = 1, unit = "公顷" } }]
none = [{ violation = ["litigation"] }, { fact = "in_control_line", missing = true }]
reason_zh = "小"
reason_en = "small"

[[rules]]
id = "Y-rest"
class = "Y"
all = [{ fact = "has_holder", is = true }]
reason_zh = "其余"
reason_en = "rest"
"""
    + RELATED_RULE
)


def test_none_at_most_and_fact_missing():
    policy = load_policy_text(RULES)
    land = Land()
    small = land.parcel(area_m2=10_000, in_control_line=True)
    sued = land.parcel(area_m2=5_000, in_control_line=True)
    unknown_line = land.parcel(area_m2=5_000, in_control_line=None)
    big = land.parcel(area_m2=10_001, in_control_line=True)
    land.violation(sued, "litigation")
    result = evaluate(policy, land.inputs(), YEAR)
    assert [row(result, p)["class"] for p in (small, sued, unknown_line, big)] == [
        "X",
        "Y",
        "Y",
        "Y",
    ]


COMPOSITE = (
    """
name = "test-composite"
version = "0"
title_zh = "测试"
title_en = "test"
jurisdiction = "测试区"
effective = 2024-01-01
kind = "composite"
classes = [{ key = "A", label_zh = "A", label_en = "A" }, { key = "B", label_zh = "B", label_en = "B" }, { key = "N", label_zh = "N", label_en = "N" }]

[[sources]]
title = "test"

[composite.out_of_scope]
class = "N"
reason_zh = "范围外"
reason_en = "out"

[[composite.groups]]
id = "all"
label_zh = "全部"
label_en = "all"
when = [{ fact = "has_holder", is = true }]
indicators = [
  { metric = "tax_10k_cny_per_mu", weight = 50, benchmark = { value = 10, unit = "万元/亩" }, max_score = 1.2 },
  { metric = "value_added_10k_cny_per_tce", weight = 50, benchmark = { value = 1, unit = "万元/吨标准煤" }, missing = "review" },
]

[composite.classification]
method = "score_bands"
bands = [{ class = "A", min_score = 100 }, { class = "B", min_score = 0 }]
"""
    + RELATED_RULE
)


def test_max_score_caps_and_missing_review():
    policy = load_policy_text(COMPOSITE)
    land = Land()
    capped = land.parcel(area_m2=10_000)  # 15 亩
    land.figures(
        land.holder_of(capped), tax_10k_cny=15 * 100, value_added_10k_cny=10, energy_tce=20
    )
    no_energy = land.parcel(area_m2=10_000)
    land.figures(land.holder_of(no_energy), tax_10k_cny=150)
    result = evaluate(policy, land.inputs(), YEAR)
    r = row(result, capped)
    assert r["score_all_0"] == pytest.approx(60)  # 100/10×50 = 500, capped at 1.2 × 50
    assert r["score"] == pytest.approx(60 + 25)
    assert (r["class"], r["next_class"], r["gap_zh"]) == ("B", "A", "总分 85，A 类需 ≥ 100")
    assert row(result, no_energy)["class"] == "REVIEW"
