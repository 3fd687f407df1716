import datetime as dt

import numpy as np
import polars as pl
import pytest
import shapely

from landcycle.core.geometry import projected_areas_m2
from landcycle.core.identifiers import normalise_resident_id, normalise_uscc
from landcycle.demo.generator import SHEET_ORDER, generate_district
from landcycle.demo.names import VIOLATION_KINDS
from landcycle.imports.schema import SHEETS

REF = dt.date(2025, 12, 31)


def test_same_seed_same_tables_other_seed_other_tables(district):
    again = generate_district()
    for name in SHEET_ORDER:
        assert district[name].equals(again[name]), name
    other = generate_district(seed=7)
    assert not other["宗地"].equals(district["宗地"])


def test_headers_are_the_interchange_headers_with_units(district):
    assert tuple(district) == SHEET_ORDER
    by_name = {sheet.name: sheet for sheet in SHEETS}
    for name, frame in district.items():
        known = {c.header for c in by_name[name].columns}
        for header in frame.columns:
            assert header.split(" (")[0] in known, (name, header)
    assert "用地面积 (公顷)" in district["宗地"].columns
    assert "工业总产值 (万元)" in district["年度指标"].columns
    assert "租赁面积 (平方米)" in district["租赁"].columns


def test_sizes(district):
    assert district["宗地"].height == 2000
    assert district["企业"].height == 1500
    assert district["宗地"]["宗地编号"].is_unique().all()
    assert district["宗地"]["宗地编号"].str.contains(r"^330206-[A-Z]{2}-\d{5}$").all()
    assert district["宗地"]["所属街道"].n_unique() == 12


def test_identifiers_are_valid_and_references_resolve(district):
    usccs = district["企业"]["统一社会信用代码"]
    assert usccs.is_unique().all()
    for value in usccs.to_list():
        normalise_uscc(value)
    ids = district["责任人"]["证件号码"]
    assert ids.is_unique().all()
    for value in ids.to_list():
        normalise_resident_id(value)
    known = set(usccs.to_list())
    parties = known | set(ids.to_list())
    codes = set(district["宗地"]["宗地编号"].to_list())
    assert set(district["宗地"]["产权单位统一社会信用代码"].to_list()) <= known
    assert set(district["关系"]["主体"].to_list()) <= known
    assert set(district["关系"]["关联方"].to_list()) <= parties
    assert set(district["租赁"]["承租方统一社会信用代码"].to_list()) <= known
    assert set(district["年度指标"]["统一社会信用代码"].to_list()) <= known
    for sheet in ("建筑", "租赁", "违规事项", "承诺"):
        assert set(district[sheet]["宗地编号"].to_list()) <= codes, sheet
    assert set(district["年度指标"]["宗地编号"].drop_nulls().to_list()) <= codes


def test_registered_area_matches_geometry_except_a_handful(district):
    parcels = district["宗地"]
    shapes = shapely.from_wkt(parcels["几何"].to_numpy())
    assert shapely.is_valid(shapes).all()
    measured = projected_areas_m2(shapes)
    registered = parcels["用地面积 (公顷)"].to_numpy() * 10_000
    off = np.abs(measured / registered - 1)
    assert 3 <= (off > 0.05).sum() <= 20
    assert (off[off <= 0.05] <= 0.021).all()
    ha = parcels["用地面积 (公顷)"]
    assert ha.min() >= 0.45 and ha.max() <= 16


def test_written_polygons_never_overlap_and_lie_in_their_street(district):
    parcels = district["宗地"]
    shapes = shapely.from_wkt(parcels["几何"].to_numpy())
    left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    assert (left == right).all(), f"{(left != right).sum()} pairs touch or overlap"
    centroids = shapely.centroid(shapes)
    frame = parcels.select("所属街道").with_columns(
        lon=shapely.get_x(centroids), lat=shapely.get_y(centroids)
    )
    spans = frame.group_by("所属街道").agg(
        (pl.col("lon").max() - pl.col("lon").min()).alias("width"),
        (pl.col("lat").max() - pl.col("lat").min()).alias("height"),
    )
    assert spans["width"].max() < 0.06 and spans["height"].max() < 0.06  # a street is compact
    assert (frame["lon"].is_between(121.6, 122.2) & frame["lat"].is_between(29.75, 30.0)).all()


def test_land_use_supply_and_project_mix(district):
    parcels = district["宗地"]
    share = parcels["土地用途"].value_counts(normalize=True)
    share = dict(zip(share["土地用途"], share["proportion"], strict=True))
    assert share["工业"] > 0.7 and share["仓储"] > 0.03 and share["新型产业(M0)"] > 0.01
    projects = parcels["项目类型"].value_counts(normalize=True)
    projects = dict(zip(projects["项目类型"], projects["proportion"], strict=True))
    assert projects["自用"] > 0.8 and 0 < projects["城市更新园区"] < 0.1
    assert 0 < projects["立项园区"] < 0.1
    assert set(parcels["供地方式"].unique()) >= {"招拍挂出让", "协议出让", "先租后让"}
    far = parcels["容积率"]
    assert far.min() >= 0.6 and far.max() <= 3.0
    assert (parcels["工业控制线内"] == "是").mean() > 0.8


def test_dates_are_consistent(district):
    p = district["宗地"]
    assert (p["出让起始日期"] < p["约定开工日期"]).all()
    assert (p["约定开工日期"] < p["约定竣工日期"]).all()
    assert (p["约定竣工日期"] < p["约定达产日期"]).all()
    ends = p.filter(pl.col("出让终止日期").is_not_null())
    assert (ends["出让起始日期"] < ends["出让终止日期"]).all()
    done = p.filter(pl.col("实际竣工日期").is_not_null())
    assert (done["实际开工日期"] < done["实际竣工日期"]).all()
    assert done["实际竣工日期"].max() <= REF
    assert p["实际开工日期"].drop_nulls().max() <= REF
    idle = p.filter(
        pl.col("实际开工日期").is_null() & (pl.col("约定开工日期") < dt.date(2024, 12, 31))
    )
    assert idle.height >= 20  # not started a year after the agreed date
    leases = district["租赁"].filter(pl.col("终止日期").is_not_null())
    assert (leases["起始日期"] <= leases["终止日期"]).all()


def test_relations_groups_and_shared_controllers(district):
    relations = district["关系"]
    kinds = set(relations["关系类型"].unique())
    assert kinds >= {"法定代表人", "股东", "实际控制人", "监事", "董事"}
    reps = relations.filter(pl.col("关系类型") == "法定代表人")
    assert reps["主体"].n_unique() == reps.height == district["企业"].height
    shares = (
        relations.filter(pl.col("关系类型") == "股东")
        .group_by("主体")
        .agg(pl.col("持股比例").sum())
    )
    assert shares["持股比例"].max() <= 100.0 + 1e-9
    # Some persons control several enterprises; some enterprises hold shares in others.
    controls = reps.group_by("关联方").len()
    assert controls["len"].max() >= 2
    usccs = set(district["企业"]["统一社会信用代码"].to_list())
    parents = relations.filter((pl.col("关系类型") == "股东") & pl.col("关联方").is_in(usccs))
    assert parents.height > 20 and parents["关联方"].n_unique() > 5
    assert relations.select("主体", "关联方", "关系类型").is_unique().all(), (
        "a party appears twice with the same kind"
    )


def test_leases_of_every_kind(district):
    leases = district["租赁"]
    parcels = district["宗地"].select("宗地编号", "产权单位统一社会信用代码")
    leases = leases.join(parcels, on="宗地编号")
    assert (leases["承租方统一社会信用代码"] != leases["产权单位统一社会信用代码"]).all()
    approved = leases["经管委会同意"] == "是"
    assert approved.sum() > 50 and (~approved).sum() > 50
    ended = leases.filter(pl.col("终止日期") < dt.date(2025, 1, 1))
    assert ended.height > 5
    # Related tenants: same controlling person (法定代表人 or 实际控制人) or same parent.
    relations = district["关系"].filter(pl.col("关系类型").is_in(["实际控制人", "股东"]))
    owners = relations.group_by("主体").agg(pl.col("关联方"))
    owner = dict(zip(owners["主体"], owners["关联方"].to_list(), strict=True))
    unapproved = leases.filter(pl.col("经管委会同意") == "否")
    related = sum(
        1
        for holder, tenant in unapproved.select(
            "产权单位统一社会信用代码", "承租方统一社会信用代码"
        ).iter_rows()
        if set(owner.get(holder, [])) & set(owner.get(tenant, []))
    )
    assert related >= 5 and related < unapproved.height / 2


def test_every_violation_kind_and_status(district):
    violations = district["违规事项"]
    assert set(violations["类型"].unique()) == set(VIOLATION_KINDS)
    assert set(violations["状态"].unique()) == {"未整改", "整改中", "已整改"}
    lease = violations.filter(pl.col("类型") == "擅自出租")
    assert set(lease["拒不改正"].drop_nulls().unique()) == {"是", "否"}
    assert set(lease["同意城市更新"].drop_nulls().unique()) == {"是", "否"}
    assert lease["拒不改正"].null_count() > 0
    assert violations["发现日期"].max() <= REF
    assert violations.select("宗地编号", "类型", "发现日期").is_unique().all()


def test_indicators_have_persistence_gaps_and_both_attributions(district):
    figures = district["年度指标"]
    assert set(figures["年度"].unique()) == {2021, 2022, 2023, 2024, 2025}
    per_parcel = figures["宗地编号"].is_not_null().mean()
    assert 0.05 < per_parcel < 0.4
    assert figures["主要污染物排放 (吨)"].null_count() > 0
    by_firm = figures.group_by("统一社会信用代码").agg(pl.col("年度").max())
    assert (by_firm["年度"] < 2025).sum() > 10  # no figures for the latest year
    assert (figures["工业总产值 (万元)"] > 0).all()
    # Year-over-year persistence: a firm's output moves by tens of per cent, not by orders.
    totals = (
        figures.group_by("统一社会信用代码", "年度")
        .agg(pl.col("工业总产值 (万元)").sum())
        .sort("统一社会信用代码", "年度")
    )
    ratio = totals.with_columns(
        (pl.col("工业总产值 (万元)") / pl.col("工业总产值 (万元)").shift(1))
        .over("统一社会信用代码")
        .alias("r")
    )["r"].drop_nulls()
    assert 0.9 < ratio.median() < 1.2 and ratio.quantile(0.95) < 2


def test_scale_tags_and_industries(district):
    firms = district["企业"]
    assert set(firms["规模"].drop_nulls().unique()) == {"规上", "规下"}
    tags = firms["企业标签"].drop_nulls().str.split(",").explode()
    assert set(tags.unique()) >= {"上市公司", "行业龙头", "世界500强", "央企"}
    codes = set(firms["行业代码"].unique())
    assert {"C3670", "C3525", "G5920"} <= codes and any(c.startswith("D44") for c in codes)
    assert firms["企业名称"].str.ends_with("公司").all()


def test_commitments_of_renewal_parks(district):
    commitments = district["承诺"]
    parks = district["宗地"].filter(pl.col("项目类型") == "城市更新园区")["宗地编号"]
    committed = commitments.filter(pl.col("指标").is_in(["output_per_ha", "tax_per_ha"]))
    assert set(committed["宗地编号"].unique()) == set(parks.to_list())
    assert set(commitments["指标"].unique()) == {"output_per_ha", "tax_per_ha", "investment_per_ha"}
    assert (commitments["单位"] == "万元/公顷").all()


def test_buildings_match_floor_area_ratio(district):
    buildings = district["建筑"]
    assert buildings.select("宗地编号", "建筑名称").is_unique().all()
    parcels = district["宗地"].select("宗地编号", "用地面积 (公顷)", "容积率", "实际竣工日期")
    totals = (
        buildings.group_by("宗地编号")
        .agg(pl.col("建筑面积 (平方米)").sum())
        .join(parcels, on="宗地编号")
    )
    far = totals["建筑面积 (平方米)"] / (totals["用地面积 (公顷)"] * 10_000)
    assert ((far / totals["容积率"]) > 0.85).all() and ((far / totals["容积率"]) < 1.01).all()
    assert totals["实际竣工日期"].null_count() == 0  # only built parcels have buildings
    assert buildings["层数"].min() >= 1


@pytest.mark.parametrize("parcels", [20, 137])
def test_small_districts_still_have_every_case(parcels):
    tables = generate_district(parcels=parcels, seed=parcels)
    assert tables["宗地"].height == parcels
    assert set(tables["违规事项"]["类型"].unique()) == set(VIOLATION_KINDS) - (
        {"擅自出租"} if tables["租赁"].filter(pl.col("经管委会同意") == "否").is_empty() else set()
    )


def test_rejects_too_few_parcels_and_unfinished_years():
    with pytest.raises(ValueError, match="at least 20"):
        generate_district(parcels=5)
    with pytest.raises(ValueError, match="not over"):
        generate_district(years=(dt.date.today().year,))
