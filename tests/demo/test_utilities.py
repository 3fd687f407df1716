"""The demo gives below-scale firms 用电量 and 用水量, so composite policies score them on it."""

import polars as pl


def test_below_scale_firms_report_electricity_and_water(district):
    scale = district["企业"].select("统一社会信用代码", "规模")
    figures = district["年度指标"].join(scale, on="统一社会信用代码")
    below = figures.filter(pl.col("规模") == "规下")
    assert below.height > 0
    assert below["用电量 (万千瓦时)"].null_count() == 0
    assert below["用水量 (吨)"].null_count() == 0
    above = figures.filter(pl.col("规模") == "规上")
    assert above["用电量 (万千瓦时)"].null_count() == above.height
    # Around Huangyan's 单位电耗税收 benchmark (0.2352 元/kWh), not orders of magnitude off.
    per_kwh = below["实缴税金 (万元)"] / below["用电量 (万千瓦时)"]
    assert 0.05 < per_kwh.min() and per_kwh.max() < 2.0
