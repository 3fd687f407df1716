import math

import polars as pl
import pytest

from landcycle.imports.export import export_ledger, ledger_frames
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .workbooks import district, write_xlsx

pytestmark = pytest.mark.django_db


def _empty_the_ledger():
    for model in (ledger.Parcel, ledger.Relation, ledger.Enterprise, ledger.Person):
        model.objects.all().delete()
    while ledger.Jurisdiction.objects.exists():
        ledger.Jurisdiction.objects.filter(children__isnull=True).delete()


def _same(a, b, rel):
    """Equal, floats within ``rel`` (xlsx keeps 16 significant digits, Excel itself 15)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], rel) for k in a)
    return a == b


def _rich_district(tmp_path):
    sheets = district(4)
    sheets["宗地"][0].append("所属区县")
    for row in sheets["宗地"][1:]:
        row.append("北仑区")
    sheets["关系"][0].append("来源")
    sheets["关系"][1].append("工商登记")
    result = run_import([write_xlsx(tmp_path / "d.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]


@pytest.mark.parametrize("target,rel", [("out.xlsx", 1e-14), ("out", 0.0)])
def test_import_export_import_gives_the_same_ledger(tmp_path, snapshot, target, rel):
    _rich_district(tmp_path)
    original = snapshot()
    assert original["parcels"] and original["relations"][0][-1] in ({"来源": "工商登记"}, {})
    written = export_ledger(tmp_path / target)
    assert written["宗地"] == 4 and written["年度指标"] == 8
    _empty_the_ledger()
    assert snapshot()["parcels"] == []
    result = run_import([tmp_path / target])
    assert result.ok, [p.line() for p in result.errors]
    again = snapshot()
    for table in original:
        assert _same(again[table], original[table], rel), table


def test_export_has_chinese_headers_units_and_labels(tmp_path):
    _rich_district(tmp_path)
    frames = ledger_frames()
    parcels = frames["宗地"]
    assert "用地面积 (平方米)" in parcels.columns and "所属区县" in parcels.columns
    assert parcels["供地方式"][0] == "招拍挂出让" and parcels["工业控制线内"][0] == "是"
    assert parcels.filter(pl.col("宗地编号") == "BL0001")["备注"][0] == "备注1"
    assert "工业总产值 (万元)" in frames["年度指标"].columns
    assert frames["承诺"]["单位"][0] == "万元/公顷"
    assert "违规事项" in frames and frames["关系"]["来源"].drop_nulls().to_list() == ["工商登记"]


def test_export_year_limits_indicators(tmp_path):
    _rich_district(tmp_path)
    assert set(ledger_frames(year=2024)["年度指标"]["年度"]) == {2024}
    assert set(ledger_frames()["年度指标"]["年度"]) == {2023, 2024}
    assert "年度指标" not in ledger_frames(year=1999)
