import polars as pl
import pytest

from landcycle.evaluation import compare as comparing
from landcycle.evaluation.models import EvaluationRun
from tests.evaluation.conftest import YEAR
from tests.evaluation.engine.builders import RELATED_RULE

pytestmark = pytest.mark.django_db

# A user policy (in LANDCYCLE_POLICY_DIRS): A from 3.4 亿元/公顷 of output, else B.
STRICT = (
    """
name = "test-strict-output"
version = "1"
title_zh = "测试：只看产值"
title_en = "test: output only"
jurisdiction = "测试"
effective = 2024-01-01
kind = "rules"
[[sources]]
title = "test"
[[classes]]
key = "A"
label_zh = "A类"
label_en = "A"
[[classes]]
key = "B"
label_zh = "B类"
label_en = "B"
[thresholds]
output = { value = 3.4, unit = "亿元/公顷" }
[[rules]]
id = "a"
class = "A"
all = [{ metric = "output_10k_cny_per_ha", at_least = "output" }]
reason_zh = "地均产值达标"
reason_en = "output per hectare met"
[[rules]]
id = "b"
class = "B"
all = [{ metric = "output_10k_cny_per_ha", at_least = { value = 0, unit = "万元/公顷" } }]
reason_zh = "地均产值未达标"
reason_en = "output per hectare below"
"""
    + RELATED_RULE
)


@pytest.fixture
def strict_policy(settings, tmp_path):
    (tmp_path / "strict.toml").write_text(STRICT, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    return "test-strict-output"


def test_matrix_of_moves_with_the_parcels_behind_each_cell(etown, strict_policy):
    result = comparing.compare(YEAR, "beijing-etown-2023", strict_policy)
    cells = {
        (row["first_class"], row["second_class"]): row["parcels"]
        for row in result.cells().iter_rows(named=True)
    }
    assert cells == {
        ("A", "A"): ["ET-A"],
        ("A", "B"): ["ET-R"],
        ("B", "B"): ["ET-B"],
        ("C", "B"): ["ET-C"],
        ("D", "A"): ["ET-D"],
    }
    matrix = result.matrix()
    assert matrix.columns == ["first_class", "A", "B"]
    assert matrix["first_class"].to_list() == ["A", "B", "C", "D"]
    assert matrix.select(pl.exclude("first_class")).sum_horizontal().sum() == 5
    assert set(result.moved()["parcel_code"]) == {"ET-R", "ET-C", "ET-D"}
    assert not EvaluationRun.objects.exists()  # a comparison stores nothing


def test_compare_exports(etown, strict_policy, tmp_path):
    import openpyxl

    result = comparing.compare(YEAR, "beijing-etown-2023", strict_policy)
    book = openpyxl.load_workbook(comparing.export(result, tmp_path / "c.xlsx"), read_only=True)
    assert book.sheetnames == ["矩阵", "明细", "宗地"]
    detail = pl.read_csv(comparing.export(result, tmp_path / "c.csv"))
    assert detail.columns == ["parcel_code", "beijing-etown-2023", strict_policy]
    assert detail.height == 5
    with pytest.raises(ValueError, match="xlsx or .csv"):
        comparing.export(result, tmp_path / "c.txt")


def test_compare_needs_two_policies(etown):
    with pytest.raises(ValueError):
        comparing.compare(YEAR, "beijing-etown-2023", "beijing-etown-2023")


def test_mentougou_2019_against_2021_tax_threshold_rises(etown):
    # A listed company investing 12,500 万元/公顷 and paying 1,800 万元/公顷 in tax: class A under
    # the 2019 rules (tax ≥ 1,600), class B under 2021 (tax ≥ 2,000).
    from tests.factories import EnterpriseFactory, IndicatorReportFactory, ParcelFactory

    listed = EnterpriseFactory(name="上市科技有限公司", tags=["上市公司"])
    parcel = ParcelFactory(
        code="MTG-1", holder=listed, jurisdiction=etown.street, registered_area_m2=20_000.0
    )
    IndicatorReportFactory(
        enterprise=listed,
        parcel=parcel,
        year=YEAR,
        output_10k_cny=30_000.0,
        tax_10k_cny=3_600.0,
        investment_10k_cny=25_000.0,
    )
    result = comparing.compare(YEAR, "mentougou-admission-2019", "mentougou-admission-2021")
    pair = result.pairs.filter(pl.col("parcel_code") == "MTG-1").row(0, named=True)
    assert (pair["first_class"], pair["second_class"]) == ("A", "B")
    assert "MTG-1" in result.moved()["parcel_code"].to_list()
    assert result.pairs.height == 6
