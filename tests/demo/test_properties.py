"""Any size and seed: a well-formed district (hypothesis over small districts)."""

import datetime as dt

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcycle.core.identifiers import normalise_uscc
from landcycle.demo.generator import SHEET_ORDER, generate_district


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parcels=st.integers(min_value=20, max_value=400), seed=st.integers(0, 2**32 - 1))
def test_any_small_district_is_well_formed(parcels, seed):
    tables = generate_district(parcels=parcels, seed=seed)
    assert tuple(tables) == SHEET_ORDER
    parcel_sheet = tables["宗地"]
    assert parcel_sheet.height == parcels and parcel_sheet["宗地编号"].is_unique().all()
    shapes = shapely.from_wkt(parcel_sheet["几何"].to_numpy())
    assert shapely.is_valid(shapes).all()
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    assert (left == right).all()
    codes = set(parcel_sheet["宗地编号"].to_list())
    usccs = set(tables["企业"]["统一社会信用代码"].to_list())
    for sheet in ("建筑", "租赁", "违规事项", "承诺"):
        assert set(tables[sheet]["宗地编号"].to_list()) <= codes
    assert set(tables["年度指标"]["统一社会信用代码"].to_list()) <= usccs
    normalise_uscc(tables["企业"]["统一社会信用代码"][0])
    assert np.isfinite(tables["年度指标"]["工业总产值 (万元)"].to_numpy()).all()
    # Nothing found, started or finished after the end of the latest year.
    end = dt.date(2025, 12, 31)
    assert tables["违规事项"]["发现日期"].max() <= end
    assert (parcel_sheet["实际开工日期"].drop_nulls() <= end).all()
    assert (parcel_sheet["实际竣工日期"].drop_nulls() <= end).all()
    assert (tables["建筑"]["竣工日期"] <= end).all()
