"""Texts name enterprises and persons, never database ids."""

import pytest

from landcycle.evaluation.display import class_label, figure_label, figure_rows, rank_text
from landcycle.evaluation.naming import name_references
from tests.factories import EnterpriseFactory, PersonFactory


@pytest.mark.django_db
def test_references_are_named():
    firm = EnterpriseFactory(name="甲制造有限公司")
    person = PersonFactory(name="张三")
    texts = name_references(
        [f"企业{firm.pk} ←股东— 个人{person.pk}", None, "企业999999 不在台账", "无引用"]
    )
    assert texts == ["甲制造有限公司 ←股东— 张三", "", "企业999999 不在台账", "无引用"]


def test_display_of_results():
    assert class_label("REVIEW") == "待复核" and class_label("A") == "A"
    assert figure_label("output_10k_cny_per_ha") == "地均产值（万元/公顷）"
    assert figure_label("tax_10k_cny_per_mu") == "亩均税收（万元/亩）"
    assert rank_text(70, 186) == "第 70 名 / 共 186" and rank_text(None, 5) == ""
    rows = figure_rows(
        {"area_m2": 20_000.0, "output_10k_cny_per_ha": 61525.99999999999, "score_g_1": 3.0}
    )
    assert rows == [("用地面积", "2 公顷（30 亩）"), ("地均产值（万元/公顷）", "61,526")]
