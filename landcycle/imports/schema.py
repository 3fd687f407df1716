"""The interchange schema: sheets, their columns, kinds, units and enumerations.

One table of declarations drives reading, validation, writing and export alike: each column
names the model field it is stored in (``field``; for a foreign key also the related field the
cell holds, ``lookup``), so a column added here is imported, checked, written and exported
without further code. Headers match the Chinese name, an alias or the English key
(case-insensitive); a unit in parentheses is read from the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models

from landcycle.core import units
from landcycle.ledger import models as ledger


class Kind(StrEnum):
    """How a column's cells are read: text, number (converted to the canonical unit of its
    dimension), integer, year, date (also partial), bool (是/否), enum, USCC (GB 32100), resident
    ID number (GB 11643), party (a USCC or an ID number), tags, geometry, unit (a unit
    spelled out in a cell).
    """

    TEXT = "text"
    NUMBER = "number"  # float; converted to the canonical unit of its dimension
    INTEGER = "integer"
    YEAR = "year"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    USCC = "uscc"
    ID_NUMBER = "id_number"
    PARTY = "party"  # a USCC or a resident ID number: stored in <field>_enterprise / _person
    TAGS = "tags"
    GEOMETRY = "geometry"
    UNIT = "unit"  # a unit spelled out in a cell (承诺 单位)


# Model fields the 几何 column fills (stored WKT in EPSG:4490, measured area, bounding box).
GEOMETRY_FIELDS = ("geometry_wkt", "computed_area_m2", "min_lon", "min_lat", "max_lon", "max_lat")
PRECISION_SUFFIX = "_precision"  # frame column / model field beside a partial date


@dataclass(frozen=True)
class Column:
    """One interchange column and the model field it is stored in.

    ``field``: the model field written and exported (None: read by another step only, e.g. the
    district, which places the street). ``lookup``: for a foreign key, the related model's field
    the cell holds (``uscc``, ``code``, ``name``); the writer resolves it to an id. ``stored``
    False: exported from ``field__lookup`` but never written (derived). ``partial``: a date
    that may be a bare year or year-month, stored as the period's first day with
    ``<field>_precision`` beside it (validation gives the frame column ``<key>_precision``).
    """

    key: str
    header: str  # Chinese header without unit
    kind: Kind = Kind.TEXT
    required: bool = False
    unit: units.Unit | None = None  # default unit; its dimension is the column's dimension
    choices: dict[str, str] = field(default_factory=dict)  # Chinese label → stored key
    minimum: float | None = None  # values below are errors
    minimum_exclusive: bool = False
    maximum: float | None = None
    # (low, high) in the canonical unit: a value outside is kept with a warning to check its
    # unit (an area typed in m² under a 公顷 header is 10,000 times too large).
    plausible: tuple[float, float] | None = None
    references: str | None = None  # "parcel", "enterprise", "party" when the value names one
    export_unit: units.Unit | None = None  # unit written by export (canonical by default)
    not_future: bool = False  # a date or year after today is an error
    field: str | None = None  # model field; defaults to ``key`` (see ``model_field``)
    lookup: str | None = None  # foreign key: the related field the cell holds
    stored: bool = True
    partial: bool = False
    aliases: tuple[str, ...] = ()  # other headers accepted on import (export writes ``header``)

    @property
    def dimension(self) -> units.Dimension | None:
        """The dimension of the column's unit (area, money …), None for unitless columns."""
        return self.unit.dimension if self.unit else None

    @property
    def model_field(self) -> str:
        """The model field the column is stored in (``field``, else its key)."""
        return self.field or self.key

    @property
    def attnames(self) -> tuple[str, ...]:
        """Model attnames the writer fills from this column (foreign keys as ``<field>_id``)."""
        if not self.stored:
            return ()
        name = self.model_field
        if self.kind == Kind.PARTY:
            return (f"{name}_enterprise_id", f"{name}_person_id")
        if self.kind == Kind.GEOMETRY:
            return GEOMETRY_FIELDS
        if self.lookup:
            return (f"{name}_id",)
        if self.partial:
            return (name, name + PRECISION_SUFFIX)
        return (name,)

    @property
    def export_paths(self) -> tuple[str, ...]:
        """Queryset paths export reads (a party: enterprise USCC, else person ID number)."""
        name = self.model_field
        if self.kind == Kind.PARTY:
            return (f"{name}_enterprise__uscc", f"{name}_person__id_number")
        if self.lookup:
            return (f"{name}__{self.lookup}",)
        if self.partial:
            return (name, name + PRECISION_SUFFIX)
        return (name,)

    def export_header(self) -> str:
        """The header the export writes: Chinese name and unit, e.g. ``用地面积 (平方米)``."""
        unit = self.export_unit or (units.CANONICAL[self.unit.dimension] if self.unit else None)
        return f"{self.header} ({unit.label})" if unit else self.header


@dataclass(frozen=True)
class Sheet:
    """One interchange sheet (/work/shared/spec/interchange.md): key, Chinese name, columns, the
    natural key that identifies a record, date pairs to check, the model its rows go to.
    """

    key: str
    name: str  # Chinese sheet name
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]  # column keys that identify a record
    date_pairs: tuple[tuple[str, str], ...] = ()  # (start, end): end may not precede start
    model: type[models.Model] | None = None  # where the rows are stored
    # Recognised by its headers when the sheet has another name (Sheet1, 附件1 …); False: only
    # by its own name (a sheet of 名称/类型 columns is too common to be taken for it).
    by_headers: bool = True

    def column(self, key: str) -> Column:
        """The column with ``key``; StopIteration when the sheet has none."""
        return next(c for c in self.columns if c.key == key)

    @property
    def natural_attnames(self) -> tuple[str, ...]:
        """Model attnames of the natural key (``relations``: both party columns)."""
        return tuple(a for key in self.natural_key for a in self.column(key).attnames)

    def model_field(self, column: Column) -> models.Field | None:
        """The Django field ``column`` is stored in (None if not stored)."""
        if self.model is None or not column.stored or column.kind == Kind.GEOMETRY:
            return None
        if column.kind == Kind.PARTY:
            return None
        return self.model._meta.get_field(column.model_field)


def _choices(choices) -> dict[str, str]:
    return {str(label): str(value) for value, label in choices}


BOOL_TRUE = frozenset({"是", "y", "yes", "true", "1", "t", "对"})
BOOL_FALSE = frozenset({"否", "n", "no", "false", "0", "f"})
TAG_SEPARATORS = r"[,，、;；]"

# One parcel, lease or building: 1 m² to 1,000 公顷 (10 km²) is plausible.
_AREA = dict(kind=Kind.NUMBER, minimum=0.0, minimum_exclusive=True, plausible=(1.0, 1e7))
_MONEY = dict(kind=Kind.NUMBER, unit=units.WAN_YUAN)
_ENTERPRISE = dict(kind=Kind.USCC, references="enterprise", lookup="uscc")
_PARCEL = dict(references="parcel", field="parcel", lookup="code")

# Districts, streets, towns and zones with their real outlines (边界). Creating and placing a
# node follows the same rules as 所属街道 / 所属区县 in 宗地 (imports/jurisdictions.py); a row
# without 所属区县 is a top-level jurisdiction (a district or zone). Written by
# ``jurisdictions.write_sheet``, not by the generic writer (nodes need their paths).
JURISDICTIONS = Sheet(
    "jurisdictions",
    "辖区",
    (
        Column("name", "名称", required=True, aliases=("辖区名称", "街道名称")),
        # the parent's name: stored as the node's parent by the jurisdiction planner
        Column("district", "所属区县", field="parent", lookup="name", stored=False),
        Column("kind", "类型", Kind.ENUM, choices=_choices(ledger.Jurisdiction.Kind.choices)),
        # in a table of its own (ledger.JurisdictionBoundary), written by write_sheet
        Column("boundary", "边界", Kind.GEOMETRY, field="boundary__wkt", stored=False),
    ),
    ("district", "name"),
    model=ledger.Jurisdiction,
    by_headers=False,
)

PARCELS = Sheet(
    "parcels",
    "宗地",
    (
        Column("code", "宗地编号", required=True),
        Column("name", "宗地名称"),
        Column("jurisdiction", "所属街道", required=True, lookup="name"),
        # extension: parent of the street; places the street, exported, never written itself
        Column("district", "所属区县", field="jurisdiction", lookup="parent__name", stored=False),
        Column("land_use", "土地用途"),
        Column("land_use_code", "用地分类代码"),
        Column(
            "supply_method",
            "供地方式",
            Kind.ENUM,
            choices=_choices(ledger.Parcel.SupplyMethod.choices),
        ),
        Column("supply_method_detail", "供地方式明细"),
        Column(
            "project_type",
            "项目类型",
            Kind.ENUM,
            choices=_choices(ledger.Parcel.ProjectType.choices),
        ),
        Column(
            "area",
            "用地面积",
            required=True,
            unit=units.HECTARE,
            field="registered_area_m2",
            **_AREA,
        ),
        Column("holder_uscc", "产权单位统一社会信用代码", field="holder", **_ENTERPRISE),
        Column("holder_name", "土地使用权人", aliases=("产权单位", "产权单位名称")),
        Column("supervision_number", "电子监管号"),
        Column("location", "项目位置"),
        Column("land_source", "土地来源"),
        Column("price", "成交价格", minimum=0.0, field="price_10k_cny", **_MONEY),
        Column("term_years", "土地使用年限", Kind.NUMBER, unit=units.YEAR, minimum=0.0),
        Column("land_grade", "土地级别"),
        Column("industry_category", "行业分类"),
        Column("approved_by", "批准单位"),
        Column("contract_date", "合同签订日期", Kind.DATE, not_future=True),
        Column("term_start", "出让起始日期", Kind.DATE),
        Column("term_end", "出让终止日期", Kind.DATE),
        Column(
            "agreed_delivery", "约定交地日期", Kind.DATE, partial=True, aliases=("约定交地时间",)
        ),
        Column("agreed_start", "约定开工日期", Kind.DATE, partial=True),
        Column("agreed_completion", "约定竣工日期", Kind.DATE, partial=True),
        Column("agreed_attainment", "约定达产日期", Kind.DATE, partial=True),
        Column("actual_start", "实际开工日期", Kind.DATE, not_future=True),
        Column("actual_completion", "实际竣工日期", Kind.DATE, not_future=True),
        Column("far", "容积率", Kind.NUMBER, minimum=0.0),
        Column("agreed_far_min", "约定容积率下限", Kind.NUMBER, minimum=0.0),
        Column("agreed_far_max", "约定容积率上限", Kind.NUMBER, minimum=0.0),
        Column("in_control_line", "工业控制线内", Kind.BOOL),
        Column("geometry", "几何", Kind.GEOMETRY, field="geometry_wkt"),
    ),
    ("code",),
    (
        ("term_start", "term_end"),
        ("agreed_start", "agreed_completion"),
        ("agreed_completion", "agreed_attainment"),
        ("actual_start", "actual_completion"),
    ),
    ledger.Parcel,
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
    model=ledger.Enterprise,
)

PERSONS = Sheet(
    "persons",
    "责任人",
    (
        Column("id_number", "证件号码", Kind.ID_NUMBER, required=True),
        Column("name", "姓名", required=True),
    ),
    ("id_number",),
    model=ledger.Person,
)

RELATIONS = Sheet(
    "relations",
    "关系",
    (
        Column("subject", "主体", required=True, **_ENTERPRISE),
        Column("party", "关联方", Kind.PARTY, required=True, references="party"),
        Column(
            "kind",
            "关系类型",
            Kind.ENUM,
            required=True,
            choices=_choices(ledger.Relation.Kind.choices),
        ),
        Column(
            "share",
            "持股比例",
            Kind.NUMBER,
            unit=units.PERCENT,
            minimum=0.0,
            maximum=100.0,
            field="share_percent",
        ),
    ),
    ("subject", "party", "kind"),
    model=ledger.Relation,
)

BUILDINGS = Sheet(
    "buildings",
    "建筑",
    (
        Column("parcel_code", "宗地编号", required=True, **_PARCEL),
        Column("name", "建筑名称", required=True),
        Column("floor_area", "建筑面积", unit=units.SQUARE_METRE, field="floor_area_m2", **_AREA),
        Column("floors", "层数", Kind.INTEGER, minimum=0.0, maximum=32767),
        Column("use", "用途"),
        Column("completed_on", "竣工日期", Kind.DATE),
    ),
    ("parcel_code", "name"),
    model=ledger.Building,
)

LEASES = Sheet(
    "leases",
    "租赁",
    (
        Column("parcel_code", "宗地编号", required=True, **_PARCEL),
        Column(
            "tenant_uscc", "承租方统一社会信用代码", required=True, field="tenant", **_ENTERPRISE
        ),
        Column("area", "租赁面积", unit=units.SQUARE_METRE, field="area_m2", **_AREA),
        Column("start", "起始日期", Kind.DATE),
        Column("end", "终止日期", Kind.DATE),
        Column("approved", "经管委会同意", Kind.BOOL),
    ),
    ("parcel_code", "tenant_uscc", "start"),
    (("start", "end"),),
    ledger.Lease,
)

INDICATORS = Sheet(
    "indicators",
    "年度指标",
    (
        Column("uscc", "统一社会信用代码", required=True, field="enterprise", **_ENTERPRISE),
        Column("year", "年度", Kind.YEAR, required=True, not_future=True),
        Column("parcel_code", "宗地编号", **_PARCEL),
        Column("output", "工业总产值", field="output_10k_cny", **_MONEY),
        Column("revenue", "营业收入", field="revenue_10k_cny", **_MONEY),
        Column("tax", "实缴税金", field="tax_10k_cny", **_MONEY),
        Column("value_added", "工业增加值", field="value_added_10k_cny", **_MONEY),
        Column("energy_tce", "综合能耗", Kind.NUMBER, unit=units.TCE, minimum=0.0),
        Column("emissions_t", "主要污染物排放", Kind.NUMBER, unit=units.TONNE, minimum=0.0),
        Column("rd_expense", "研发经费", field="rd_expense_10k_cny", **_MONEY),
        Column("employees", "从业人员", Kind.INTEGER, unit=units.PERSON, minimum=0.0),
        Column("investment", "固定资产投资", field="investment_10k_cny", **_MONEY),
        # 用电量 is usually reported in 万千瓦时; stored (and exported) in kWh.
        Column(
            "electricity",
            "用电量",
            Kind.NUMBER,
            unit=units.TEN_K_KWH,
            minimum=0.0,
            field="electricity_kwh",
        ),
        Column("water", "用水量", Kind.NUMBER, unit=units.TONNE, minimum=0.0, field="water_t"),
    ),
    ("uscc", "year", "parcel_code"),
    model=ledger.IndicatorReport,
)

VIOLATIONS = Sheet(
    "violations",
    "违规事项",
    (
        Column("parcel_code", "宗地编号", required=True, **_PARCEL),
        Column("uscc", "统一社会信用代码", field="enterprise", **_ENTERPRISE),
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
    model=ledger.Violation,
)

COMMITMENTS = Sheet(
    "commitments",
    "承诺",
    (
        Column("parcel_code", "宗地编号", required=True, **_PARCEL),
        Column("uscc", "统一社会信用代码", field="enterprise", **_ENTERPRISE),
        Column("indicator", "指标", required=True),
        # The value keeps the unit it was promised in (header or 单位 column); no canonical form.
        Column("value", "承诺值", Kind.NUMBER, required=True),
        Column("unit", "单位", Kind.UNIT),
        Column("year", "考核年度", Kind.YEAR, required=True),
    ),
    ("parcel_code", "indicator", "year"),
    model=ledger.Commitment,
)

# In dependency order: a sheet may reference only sheets before it.
SHEETS: tuple[Sheet, ...] = (
    JURISDICTIONS,
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
    """The sheet whose Chinese name or key is ``name`` (case and outer spaces ignored), or None."""
    return _SHEET_BY_NAME.get(str(name).strip().lower())


def match_column(sheet: Sheet, base: str) -> Column | None:
    """The column whose Chinese header or English key is ``base`` (no unit), or None."""
    text = base.strip().lower()
    for column in sheet.columns:
        if text in (column.header.lower(), column.key.lower()):
            return column
    for column in sheet.columns:
        if any(text == alias.lower() for alias in column.aliases):
            return column
    return None
