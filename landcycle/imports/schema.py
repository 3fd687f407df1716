"""The interchange schema: sheets, their columns, kinds, units and enumerations.

One table of declarations drives reading, validation and export alike, so a column added here is
imported, checked and exported without further code. Headers match the Chinese name or the
English key (case-insensitive); a unit in parentheses is read from the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from landcycle.core import units
from landcycle.ledger import models as ledger


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"  # float; converted to the canonical unit of its dimension
    INTEGER = "integer"
    YEAR = "year"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    USCC = "uscc"
    ID_NUMBER = "id_number"
    PARTY = "party"  # a USCC or a resident ID number
    TAGS = "tags"
    GEOMETRY = "geometry"
    UNIT = "unit"  # a unit spelled out in a cell (承诺 单位)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header without unit
    kind: Kind = Kind.TEXT
    required: bool = False
    unit: units.Unit | None = None  # default unit; its dimension is the column's dimension
    choices: dict[str, str] = field(default_factory=dict)  # Chinese label → stored key
    minimum: float | None = None  # values below are errors
    minimum_exclusive: bool = False
    maximum: float | None = None
    references: str | None = None  # "parcel", "enterprise", "party" when the value names one
    export_unit: units.Unit | None = None  # unit written by export (canonical by default)
    not_future: bool = False  # a date or year after today is an error

    @property
    def dimension(self) -> units.Dimension | None:
        return self.unit.dimension if self.unit else None

    def export_header(self) -> str:
        unit = self.export_unit or (units.CANONICAL[self.unit.dimension] if self.unit else None)
        return f"{self.header} ({unit.label})" if unit else self.header


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str  # Chinese sheet name
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]  # column keys that identify a record
    date_pairs: tuple[tuple[str, str], ...] = ()  # (start, end): end may not precede start

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _choices(choices) -> dict[str, str]:
    return {str(label): str(value) for value, label in choices}


BOOL_TRUE = frozenset({"是", "y", "yes", "true", "1", "t", "对"})
BOOL_FALSE = frozenset({"否", "n", "no", "false", "0", "f"})
TAG_SEPARATORS = r"[,，、;；]"

_AREA = dict(kind=Kind.NUMBER, minimum=0.0, minimum_exclusive=True)
_MONEY = dict(kind=Kind.NUMBER, unit=units.WAN_YUAN)

PARCELS = Sheet(
    "parcels",
    "宗地",
    (
        Column("code", "宗地编号", required=True),
        Column("name", "宗地名称"),
        Column("jurisdiction", "所属街道", required=True),
        Column("district", "所属区县"),  # extension: parent of the street
        Column("land_use", "土地用途"),
        Column(
            "supply_method",
            "供地方式",
            Kind.ENUM,
            choices=_choices(ledger.Parcel.SupplyMethod.choices),
        ),
        Column(
            "project_type",
            "项目类型",
            Kind.ENUM,
            choices=_choices(ledger.Parcel.ProjectType.choices),
        ),
        Column("area", "用地面积", required=True, unit=units.HECTARE, **_AREA),
        Column("holder_uscc", "产权单位统一社会信用代码", Kind.USCC, references="enterprise"),
        Column("term_start", "出让起始日期", Kind.DATE),
        Column("term_end", "出让终止日期", Kind.DATE),
        Column("agreed_start", "约定开工日期", Kind.DATE),
        Column("agreed_completion", "约定竣工日期", Kind.DATE),
        Column("agreed_attainment", "约定达产日期", Kind.DATE),
        Column("actual_start", "实际开工日期", Kind.DATE, not_future=True),
        Column("actual_completion", "实际竣工日期", Kind.DATE, not_future=True),
        Column("far", "容积率", Kind.NUMBER, minimum=0.0),
        Column("in_control_line", "工业控制线内", Kind.BOOL),
        Column("geometry", "几何", Kind.GEOMETRY),
    ),
    ("code",),
    (
        ("term_start", "term_end"),
        ("agreed_start", "agreed_completion"),
        ("agreed_completion", "agreed_attainment"),
        ("actual_start", "actual_completion"),
    ),
)

ENTERPRISES = Sheet(
    "enterprises",
    "企业",
    (
        Column("uscc", "统一社会信用代码", Kind.USCC, required=True),
        Column("name", "企业名称", required=True),
        Column("industry_code", "行业代码"),
        Column("scale", "规模", Kind.ENUM, choices=_choices(ledger.Enterprise.Scale.choices)),
        Column("tags", "企业标签", Kind.TAGS),
    ),
    ("uscc",),
)

PERSONS = Sheet(
    "persons",
    "责任人",
    (
        Column("id_number", "证件号码", Kind.ID_NUMBER, required=True),
        Column("name", "姓名", required=True),
    ),
    ("id_number",),
)

RELATIONS = Sheet(
    "relations",
    "关系",
    (
        Column("subject", "主体", Kind.USCC, required=True, references="enterprise"),
        Column("party", "关联方", Kind.PARTY, required=True, references="party"),
        Column(
            "kind",
            "关系类型",
            Kind.ENUM,
            required=True,
            choices=_choices(ledger.Relation.Kind.choices),
        ),
        Column("share", "持股比例", Kind.NUMBER, unit=units.PERCENT, minimum=0.0, maximum=100.0),
    ),
    ("subject", "party", "kind"),
)

BUILDINGS = Sheet(
    "buildings",
    "建筑",
    (
        Column("parcel_code", "宗地编号", required=True, references="parcel"),
        Column("name", "建筑名称", required=True),
        Column("floor_area", "建筑面积", unit=units.SQUARE_METRE, **_AREA),
        Column("floors", "层数", Kind.INTEGER, minimum=0.0, maximum=32767),
        Column("use", "用途"),
        Column("completed_on", "竣工日期", Kind.DATE),
    ),
    ("parcel_code", "name"),
)

LEASES = Sheet(
    "leases",
    "租赁",
    (
        Column("parcel_code", "宗地编号", required=True, references="parcel"),
        Column(
            "tenant_uscc",
            "承租方统一社会信用代码",
            Kind.USCC,
            required=True,
            references="enterprise",
        ),
        Column("area", "租赁面积", unit=units.SQUARE_METRE, **_AREA),
        Column("start", "起始日期", Kind.DATE),
        Column("end", "终止日期", Kind.DATE),
        Column("approved", "经管委会同意", Kind.BOOL),
    ),
    ("parcel_code", "tenant_uscc", "start"),
    (("start", "end"),),
)

INDICATORS = Sheet(
    "indicators",
    "年度指标",
    (
        Column("uscc", "统一社会信用代码", Kind.USCC, required=True, references="enterprise"),
        Column("year", "年度", Kind.YEAR, required=True, not_future=True),
        Column("parcel_code", "宗地编号", references="parcel"),
        Column("output", "工业总产值", **_MONEY),
        Column("revenue", "营业收入", **_MONEY),
        Column("tax", "实缴税金", **_MONEY),
        Column("value_added", "工业增加值", **_MONEY),
        Column("energy_tce", "综合能耗", Kind.NUMBER, unit=units.TCE, minimum=0.0),
        Column("emissions_t", "主要污染物排放", Kind.NUMBER, unit=units.TONNE, minimum=0.0),
        Column("rd_expense", "研发经费", **_MONEY),
        Column("employees", "从业人员", Kind.INTEGER, unit=units.PERSON, minimum=0.0),
        Column("investment", "固定资产投资", **_MONEY),
    ),
    ("uscc", "year", "parcel_code"),
)

VIOLATIONS = Sheet(
    "violations",
    "违规事项",
    (
        Column("parcel_code", "宗地编号", required=True, references="parcel"),
        Column("uscc", "统一社会信用代码", Kind.USCC, references="enterprise"),
        Column(
            "kind",
            "类型",
            Kind.ENUM,
            required=True,
            choices=_choices(ledger.Violation.Kind.choices),
        ),
        Column("found_on", "发现日期", Kind.DATE, required=True, not_future=True),
        Column("status", "状态", Kind.ENUM, choices=_choices(ledger.Violation.Status.choices)),
        Column("refuses_correction", "拒不改正", Kind.BOOL),
        Column("agrees_to_renewal", "同意城市更新", Kind.BOOL),
    ),
    ("parcel_code", "kind", "found_on"),
)

COMMITMENTS = Sheet(
    "commitments",
    "承诺",
    (
        Column("parcel_code", "宗地编号", required=True, references="parcel"),
        Column("uscc", "统一社会信用代码", Kind.USCC, references="enterprise"),
        Column("indicator", "指标", required=True),
        # The value keeps the unit it was promised in (header or 单位 column); no canonical form.
        Column("value", "承诺值", Kind.NUMBER, required=True),
        Column("unit", "单位", Kind.UNIT),
        Column("year", "考核年度", Kind.YEAR, required=True),
    ),
    ("parcel_code", "indicator", "year"),
)

# In dependency order: a sheet may reference only sheets before it.
SHEETS: tuple[Sheet, ...] = (
    ENTERPRISES,
    PERSONS,
    PARCELS,
    BUILDINGS,
    RELATIONS,
    LEASES,
    INDICATORS,
    VIOLATIONS,
    COMMITMENTS,
)

_SHEET_BY_NAME = {name.lower(): s for s in SHEETS for name in (s.key, s.name)}


def sheet_named(name: str) -> Sheet | None:
    return _SHEET_BY_NAME.get(str(name).strip().lower())


def match_column(sheet: Sheet, base: str) -> Column | None:
    """The column whose Chinese header or English key is ``base`` (no unit), or None."""
    text = base.strip().lower()
    for column in sheet.columns:
        if text in (column.header.lower(), column.key.lower()):
            return column
    return None
