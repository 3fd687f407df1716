"""The names a policy file may use: metrics (numbers with units) and facts (flags, keys).

Every metric is a column of the engine's per-parcel frame and of the result, named with its
unit (``tax_10k_cny_per_ha`` is 万元/公顷). A policy threshold in any unit of the same dimensions
is converted to the metric's unit before comparing.
"""

from __future__ import annotations

from dataclasses import dataclass

from landcycle.core.units import (
    HECTARE,
    KILOWATT_HOUR,
    MU,
    PERCENT,
    PERSON,
    SQUARE_METRE,
    TCE,
    TONNE,
    YUAN,
    RateUnit,
    Unit,
)
from landcycle.core.units import WAN_YUAN as WAN

from .quantities import DAY


@dataclass(frozen=True)
class Metric:
    name: str
    unit: Unit | RateUnit
    label_zh: str
    label_en: str


# Figures reported per enterprise and year (columns of the indicators frame, canonical units).
FIGURES: dict[str, tuple[str, str]] = {
    "output_10k_cny": ("工业总产值", "output"),
    "revenue_10k_cny": ("营业收入", "revenue"),
    "tax_10k_cny": ("实缴税金", "tax"),
    "value_added_10k_cny": ("工业增加值", "value added"),
    "rd_expense_10k_cny": ("研发经费", "R&D expense"),
    "investment_10k_cny": ("固定资产投资", "investment"),
    "energy_tce": ("综合能耗", "energy use"),
    "emissions_t": ("主要污染物排放", "emissions"),
    "employees": ("从业人员", "employees"),
    "electricity_kwh": ("用电量", "electricity use"),
    "water_t": ("用水量", "water use"),
}
MONEY_FIGURES = [
    "output_10k_cny",
    "revenue_10k_cny",
    "tax_10k_cny",
    "value_added_10k_cny",
    "rd_expense_10k_cny",
    "investment_10k_cny",
]
_SHORT_ZH = {
    "output_10k_cny": "产值",
    "revenue_10k_cny": "营业收入",
    "tax_10k_cny": "税收",
    "value_added_10k_cny": "增加值",
    "rd_expense_10k_cny": "研发经费",
    "investment_10k_cny": "投资",
}
_SHORT_EN = {
    "output_10k_cny": "output",
    "revenue_10k_cny": "revenue",
    "tax_10k_cny": "tax",
    "value_added_10k_cny": "value added",
    "rd_expense_10k_cny": "R&D expense",
    "investment_10k_cny": "investment",
}

_FIGURE_UNITS: dict[str, Unit] = {
    "energy_tce": TCE,
    "emissions_t": TONNE,
    "employees": PERSON,
    "electricity_kwh": KILOWATT_HOUR,
    "water_t": TONNE,
}


def _build() -> dict[str, Metric]:
    out: dict[str, Metric] = {}

    def add(name, unit, zh, en):
        out[name] = Metric(name, unit, zh, en)

    add("area_m2", SQUARE_METRE, "用地面积", "land area")
    for fig, (zh, en) in FIGURES.items():
        add(fig, _FIGURE_UNITS.get(fig, WAN), zh, en)
    for fig in MONEY_FIGURES:
        zh, en = _SHORT_ZH[fig], _SHORT_EN[fig]
        add(f"{fig}_per_ha", RateUnit(WAN, HECTARE), f"地均{zh}", f"{en} per hectare")
        add(f"{fig}_per_mu", RateUnit(WAN, MU), f"亩均{zh}", f"{en} per mu")
        add(
            f"holder_{fig}_per_ha",
            RateUnit(WAN, HECTARE),
            f"产权单位地均{zh}",
            f"holder's {en} per hectare",
        )
    add(
        "investment_total_10k_cny_per_ha",
        RateUnit(WAN, HECTARE),
        "投资强度（累计固定资产投资）",
        "investment intensity (cumulative fixed-asset investment)",
    )
    per_energy = RateUnit(WAN, TCE)
    add("value_added_10k_cny_per_tce", per_energy, "单位能耗增加值", "value added per tce")
    add("revenue_10k_cny_per_tce", per_energy, "单位能耗营业收入", "revenue per tce")
    add("tax_10k_cny_per_tce", per_energy, "单位能耗税收", "tax per tce")
    per_t = RateUnit(WAN, TONNE)
    add("value_added_10k_cny_per_t_emissions", per_t, "单位排放增加值", "value added per t emitted")
    add("revenue_10k_cny_per_t_emissions", per_t, "单位排放营业收入", "revenue per t emitted")
    add("value_added_10k_cny_per_t_water", per_t, "单位用水量增加值", "value added per t water")
    add("tax_cny_per_kwh", RateUnit(YUAN, KILOWATT_HOUR), "单位电耗税收", "tax per kWh")
    per_person = RateUnit(WAN, PERSON)
    add("value_added_10k_cny_per_person", per_person, "全员劳动生产率", "value added per employee")
    add("revenue_10k_cny_per_person", per_person, "人均营业收入", "revenue per employee")
    add("rd_share_percent", PERCENT, "研发经费占营业收入比重", "R&D share of revenue")
    add("unstarted_days", DAY, "逾期未开工天数", "days past the agreed start without works")
    add("production_days", DAY, "投产天数", "days since completion")
    return out


METRICS: dict[str, Metric] = _build()

# Facts are per-parcel flags and keys; values a policy compares with `is`, `in`, `missing`.
FACTS: dict[str, tuple[str, str]] = {
    "project_type": ("项目类型", "project type"),
    "supply_method": ("供地方式", "supply method"),
    "land_use": ("土地用途", "land use"),
    "holder_scale": ("规模", "scale"),
    "holder_industry_section": ("行业门类", "industry section"),
    "holder_industry_division": ("行业大类", "industry division"),
    "has_holder": ("已供地（有产权单位）", "has a right holder"),
    "has_indicators": ("有本年度指标", "has indicators for the year"),
    "in_control_line": ("工业控制线内", "inside the industrial control line"),
    "lease_unauthorised": ("未经同意出租", "leased without consent"),
    "lease_unrelated_tenant": ("出租给无股权关联关系的市场主体", "leased to an unrelated company"),
    "lease_related_tenant_only": (
        "仅出租给有股权关联关系的企业",
        "leased only to related companies",
    ),
    "lease_agrees_to_renewal": ("同意城市更新", "agrees to urban renewal"),
    "lease_refuses_correction": ("拒不改正", "refuses to correct"),
    "commitments_met": ("达到承诺", "commitments met"),
    "commitments_recorded": ("有本年度承诺", "commitments recorded for the year"),
}

VIOLATION_KINDS: dict[str, tuple[str, str]] = {
    "unauthorised_lease": ("擅自出租", "unauthorised lease"),
    "unauthorised_transfer": ("擅自转让", "unauthorised transfer"),
    "litigation": ("涉法涉诉", "litigation"),
    "abandoned_construction": ("烂尾", "abandoned construction"),
    "industrial_to_residential": ("工改住", "industrial-to-residential conversion"),
    "illegal_construction": ("违法建设", "illegal construction"),
    "non_industrial_use": ("非工业用途", "non-industrial use"),
    "breach_of_contract": ("违约", "breach of contract"),
    "illegal_operation": ("违法经营", "illegal operation"),
}

# Commitment indicators (承诺指标) and the metric each is judged against.
COMMITMENT_METRICS: dict[str, str] = {
    "output_per_ha": "output_10k_cny_per_ha",
    "tax_per_ha": "tax_10k_cny_per_ha",
    "revenue_per_ha": "revenue_10k_cny_per_ha",
    "value_added_per_ha": "value_added_10k_cny_per_ha",
    "investment_per_ha": "investment_total_10k_cny_per_ha",
    "rd_intensity": "rd_share_percent",
    "output": "output_10k_cny",
    "tax": "tax_10k_cny",
    "revenue": "revenue_10k_cny",
}

# Columns of the result that are always present, in order (the indicators follow).
RESULT_COLUMNS = [
    "parcel_id",
    "code",
    "holder_id",
    "jurisdiction_id",
    "class",
    "score",
    "rule",
    "group",
    "reasons_zh",
    "reasons_en",
    "gap_zh",
    "gap_en",
    "next_class",
    "rank_jurisdiction",
    "rank_industry",
    "industry",
]
