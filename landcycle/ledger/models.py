"""The ledger: the facts about land, holders, tenants, figures, breaches and promises.

Quantities are stored in canonical units named by the field suffix: ``_m2`` square metres,
``_10k_cny`` 万元, ``_tce`` tonnes of standard coal, ``_t`` tonnes, ``_kwh`` kilowatt-hours,
``_years`` years. ``landcycle.core.units``
converts at the edges. Every model here keeps a change history (``ChangeLogged``).
"""

from django.db import models
from django.db.models import Q

from landcycle.core.changelog import ChangeLogged
from landcycle.core.geometry import area_differs
from landcycle.core.identifiers import mask_id_number


class Jurisdiction(ChangeLogged):
    """District → street / town / zone. Officers are scoped to a node and everything below it."""

    class Kind(models.TextChoices):
        """Kind of node: city (市), district (区县), street (街道), town (镇), zone (园区/开发区)."""

        CITY = "city", "市"
        DISTRICT = "district", "区县"
        STREET = "street", "街道"
        TOWN = "town", "镇"
        ZONE = "zone", "园区/开发区"

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.STREET)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    # Materialised path of ids ("/1/4/") so "this node and below" is one indexed prefix query.
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="jurisdiction_unique_name")
        ]
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Saves a new node with its path. A node's parent changes only through
        ``landcycle.ledger.services.move_jurisdiction``, which rewrites the whole subtree's
        paths: a save that would move it raises ``ValueError`` instead of leaving the
        descendants' paths stale."""
        if self.pk is not None and self.path:
            stored = type(self).objects.filter(pk=self.pk).values_list("parent_id", flat=True)
            if stored and stored[0] != self.parent_id:
                raise ValueError(
                    "移动行政区划请使用 move_jurisdiction — use ledger.services.move_jurisdiction"
                )
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def subtree(self):
        """This node and every node below it (one prefix query on ``path``)."""
        return Jurisdiction.objects.filter(path__startswith=self.path)


class JurisdictionBoundary(models.Model):
    """A jurisdiction's real outline (边界, from the 辖区 sheet): WKT in EPSG:4490
    longitude/latitude, 8 decimals, a valid (multi)polygon. A table of its own so that the
    many queries reading jurisdictions (every request's user scope, every list's street) never
    carry outlines of hundreds of kilobytes. Written by the import (``imports.jurisdictions``),
    whose change records name the jurisdiction (field ``boundary_wkt``). Without one, maps draw
    the box around the street's parcels."""

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        verbose_name="行政区划",
        primary_key=True,
        related_name="boundary",
        on_delete=models.CASCADE,
    )
    wkt = models.TextField("边界")

    class Meta:
        verbose_name = "辖区边界"
        verbose_name_plural = "辖区边界"

    def __str__(self):
        return f"{self.jurisdiction_id} 边界"


class Enterprise(ChangeLogged):
    """An enterprise (企业), keyed by its USCC (统一社会信用代码, GB 32100); industry code per
    GB/T 4754; scale 规上/规下 (above/below the statistical size threshold).
    """

    class Scale(models.TextChoices):
        """规上 (above designated size, the statistics bureau's threshold) or 规下 (below it)."""

        ABOVE = "above", "规上"
        BELOW = "below", "规下"

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    industry_code = models.CharField("行业代码", max_length=10, blank=True, help_text="GB/T 4754")
    scale = models.CharField("规模", max_length=10, choices=Scale.choices, blank=True)
    tags = models.JSONField("企业标签", default=list, blank=True)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业"
        ordering = ["uscc"]

    def __str__(self):
        return self.name


class Person(ChangeLogged):
    """A responsible person. The ID number is stored whole and shown masked unless allowed."""

    id_number = models.CharField("证件号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=100)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "责任人"
        verbose_name_plural = "责任人"

    def __str__(self):
        return f"{self.name} ({self.masked_id_number})"

    @property
    def masked_id_number(self) -> str:
        """The resident ID number with all but the first 6 and last 4 characters masked."""
        return mask_id_number(self.id_number)


class Relation(ChangeLogged):
    """subject enterprise ← party (an enterprise or a person) with a kind and, for 股东, a share."""

    class Kind(models.TextChoices):
        """How the party relates to the subject enterprise: 法定代表人, 股东 (with a share %), 实际控制人,
        董事, 监事, 高管.
        """

        LEGAL_REPRESENTATIVE = "legal_representative", "法定代表人"
        SHAREHOLDER = "shareholder", "股东"
        ACTUAL_CONTROLLER = "actual_controller", "实际控制人"
        DIRECTOR = "director", "董事"
        SUPERVISOR = "supervisor", "监事"
        EXECUTIVE = "executive", "高管"

    subject = models.ForeignKey(
        Enterprise, verbose_name="主体", related_name="relations", on_delete=models.CASCADE
    )
    party_enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="关联企业",
        null=True,
        blank=True,
        related_name="relations_as_party",
        on_delete=models.CASCADE,
    )
    party_person = models.ForeignKey(
        Person,
        verbose_name="关联人",
        null=True,
        blank=True,
        related_name="relations",
        on_delete=models.CASCADE,
    )
    kind = models.CharField("关系类型", max_length=30, choices=Kind.choices)
    share_percent = models.FloatField("持股比例 (%)", null=True, blank=True)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "关系"
        verbose_name_plural = "关系"
        constraints = [
            models.CheckConstraint(
                condition=Q(party_enterprise__isnull=False, party_person__isnull=True)
                | Q(party_enterprise__isnull=True, party_person__isnull=False),
                name="relation_one_party",
            ),
            models.UniqueConstraint(
                fields=["subject", "party_enterprise", "kind"],
                condition=Q(party_enterprise__isnull=False),
                name="relation_unique_enterprise_party",
            ),
            models.UniqueConstraint(
                fields=["subject", "party_person", "kind"],
                condition=Q(party_person__isnull=False),
                name="relation_unique_person_party",
            ),
        ]

    def __str__(self):
        party = self.party_enterprise or self.party_person
        return f"{self.subject} ← {party} ({self.get_kind_display()})"


class DatePrecision(models.TextChoices):
    """How much of a partial date was given; the date field then holds the period's first day."""

    DAY = "", "日"
    MONTH = "month", "月"
    YEAR = "year", "年"


def partial_date_text(date, precision: str) -> str:
    """A date as precisely as it was given: ``2023年``, ``2023年5月`` or ``2023-05-17`` ("" if none).

    ``precision``: a ``DatePrecision`` value; the date is the first day of the period.
    """
    if date is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{date.year}年"
    if precision == DatePrecision.MONTH:
        return f"{date.year}年{date.month}月"
    return date.isoformat()


def _shown(name: str) -> property:
    return property(
        lambda self: partial_date_text(getattr(self, name), getattr(self, name + "_precision")),
        doc=f"``{name}`` as precisely as it was given (see ``partial_date_text``).",
    )


def _precision_field(label: str) -> models.CharField:
    return models.CharField(
        f"{label}精度", max_length=5, choices=DatePrecision.choices, blank=True, default=""
    )


class Parcel(ChangeLogged):
    """One parcel of land (宗地): one card per parcel (一宗一卡)."""

    class SupplyMethod(models.TextChoices):
        """How the land was supplied (供地方式): 招拍挂出让 (tender/auction/listing), 协议出让,
        先租后让, 弹性年期出让, 租让结合, 长期租赁, 划拨 (allocation).
        """

        TENDER_AUCTION = "tender_auction", "招拍挂出让"
        AGREEMENT = "agreement", "协议出让"
        LEASE_THEN_SELL = "lease_then_sell", "先租后让"
        FLEXIBLE_TERM = "flexible_term", "弹性年期出让"
        LEASE_AND_SELL = "lease_and_sell", "租让结合"
        LONG_LEASE = "long_lease", "长期租赁"
        ALLOCATION = "allocation", "划拨"

    class ProjectType(models.TextChoices):
        """What the parcel is used as: 自用 (own use), 立项园区 (approved park), 城市更新园区 (renewal park)."""

        SELF_USED = "self_used", "自用"
        APPROVED_PARK = "approved_park", "立项园区"
        RENEWAL_PARK = "renewal_park", "城市更新园区"

    code = models.CharField("宗地编号", max_length=64, unique=True)
    name = models.CharField("宗地名称", max_length=200, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="所属街道", related_name="parcels", on_delete=models.PROTECT
    )
    land_use = models.CharField("土地用途", max_length=50, blank=True)
    supply_method = models.CharField(
        "供地方式", max_length=20, choices=SupplyMethod.choices, blank=True
    )
    project_type = models.CharField(
        "项目类型", max_length=20, choices=ProjectType.choices, blank=True
    )
    registered_area_m2 = models.FloatField("登记用地面积 (平方米)")
    computed_area_m2 = models.FloatField("图形面积 (平方米)", null=True, blank=True, editable=False)
    holder = models.ForeignKey(
        Enterprise,
        verbose_name="产权单位",
        null=True,
        blank=True,
        related_name="held_parcels",
        on_delete=models.PROTECT,
    )
    # The holder's name as written (土地使用权人); kept even when matched to ``holder``.
    holder_name = models.CharField("土地使用权人", max_length=200, blank=True)
    supervision_number = models.CharField("电子监管号", max_length=64, blank=True)
    location = models.CharField("项目位置", max_length=255, blank=True)
    land_source = models.CharField("土地来源", max_length=50, blank=True)
    supply_method_detail = models.CharField(
        "供地方式明细", max_length=30, blank=True, help_text="挂牌出让, 拍卖出让, 招标出让 …"
    )
    land_use_code = models.CharField(
        "用地分类代码", max_length=16, blank=True, help_text="GB/T 21010-2017 or 用地用海分类 2023"
    )
    price_10k_cny = models.FloatField("成交价格 (万元)", null=True, blank=True)
    term_years = models.FloatField("土地使用年限 (年)", null=True, blank=True)
    land_grade = models.CharField("土地级别", max_length=20, blank=True)
    industry_category = models.CharField("行业分类", max_length=100, blank=True)
    approved_by = models.CharField("批准单位", max_length=200, blank=True)
    contract_date = models.DateField("合同签订日期", null=True, blank=True)
    term_start = models.DateField("出让起始日期", null=True, blank=True)
    term_end = models.DateField("出让终止日期", null=True, blank=True)
    # Partial dates (2023年5月) store the first day of the period and the precision beside it.
    agreed_delivery = models.DateField("约定交地日期", null=True, blank=True)
    agreed_delivery_precision = _precision_field("约定交地日期")
    agreed_start = models.DateField("约定开工日期", null=True, blank=True)
    agreed_start_precision = _precision_field("约定开工日期")
    agreed_completion = models.DateField("约定竣工日期", null=True, blank=True)
    agreed_completion_precision = _precision_field("约定竣工日期")
    agreed_attainment = models.DateField("约定达产日期", null=True, blank=True)
    agreed_attainment_precision = _precision_field("约定达产日期")
    actual_start = models.DateField("实际开工日期", null=True, blank=True)
    actual_completion = models.DateField("实际竣工日期", null=True, blank=True)
    far = models.FloatField("容积率", null=True, blank=True)
    agreed_far_min = models.FloatField("约定容积率下限", null=True, blank=True)
    agreed_far_max = models.FloatField("约定容积率上限", null=True, blank=True)
    in_control_line = models.BooleanField("工业控制线内", null=True, blank=True)
    # Geometry as WKT in EPSG:4490; the bounding box columns serve map queries without PostGIS.
    geometry_wkt = models.TextField("几何 (WKT, EPSG:4490)", blank=True)
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "宗地"
        verbose_name_plural = "宗地"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["min_lon", "min_lat", "max_lon", "max_lat"], name="parcel_bbox"),
            # Lists sort by area; without an index every page sorts all parcels.
            models.Index(fields=["registered_area_m2"], name="parcel_area"),
        ]

    def __str__(self):
        return self.code

    agreed_delivery_shown = _shown("agreed_delivery")
    agreed_start_shown = _shown("agreed_start")
    agreed_completion_shown = _shown("agreed_completion")
    agreed_attainment_shown = _shown("agreed_attainment")

    @property
    def area_mismatch(self) -> bool:
        """The geometric area differs from the registered one by more than 5 %."""
        return area_differs(self.registered_area_m2, self.computed_area_m2)


class Building(ChangeLogged):
    """A building (建筑) on a parcel: floor area (m²), floors, use, completion date."""

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="buildings", on_delete=models.CASCADE
    )
    name = models.CharField("建筑名称", max_length=200)
    floor_area_m2 = models.FloatField("建筑面积 (平方米)", null=True, blank=True)
    floors = models.PositiveSmallIntegerField("层数", null=True, blank=True)
    use = models.CharField("用途", max_length=50, blank=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "建筑"
        verbose_name_plural = "建筑"
        constraints = [
            models.UniqueConstraint(fields=["parcel", "name"], name="building_unique_name")
        ]

    def __str__(self):
        return f"{self.parcel.code} {self.name}"


class Lease(ChangeLogged):
    """A lease (租赁) of (part of) a parcel to a tenant enterprise: area (m²), dates, whether approved."""

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="leases", on_delete=models.CASCADE
    )
    tenant = models.ForeignKey(
        Enterprise, verbose_name="承租方", related_name="leases", on_delete=models.PROTECT
    )
    area_m2 = models.FloatField("租赁面积 (平方米)", null=True, blank=True)
    start = models.DateField("起始日期", null=True, blank=True)
    end = models.DateField("终止日期", null=True, blank=True)
    approved = models.BooleanField("经管委会同意", default=False)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "租赁"
        verbose_name_plural = "租赁"
        constraints = [
            models.UniqueConstraint(fields=["parcel", "tenant", "start"], name="lease_unique"),
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="lease_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.parcel.code} → {self.tenant}"


class IndicatorReport(ChangeLogged):
    """A year's figures for an enterprise, on one parcel or (parcel empty) on all its parcels."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", related_name="indicator_reports", on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField("年度")
    parcel = models.ForeignKey(
        Parcel,
        verbose_name="宗地",
        null=True,
        blank=True,
        related_name="indicator_reports",
        on_delete=models.CASCADE,
    )
    output_10k_cny = models.FloatField("工业总产值 (万元)", null=True, blank=True)
    revenue_10k_cny = models.FloatField("营业收入 (万元)", null=True, blank=True)
    tax_10k_cny = models.FloatField("实缴税金 (万元)", null=True, blank=True)
    value_added_10k_cny = models.FloatField("工业增加值 (万元)", null=True, blank=True)
    energy_tce = models.FloatField("综合能耗 (吨标准煤)", null=True, blank=True)
    emissions_t = models.FloatField("主要污染物排放 (吨)", null=True, blank=True)
    rd_expense_10k_cny = models.FloatField("研发经费 (万元)", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人员 (人)", null=True, blank=True)
    investment_10k_cny = models.FloatField("固定资产投资 (万元)", null=True, blank=True)
    electricity_kwh = models.FloatField("用电量 (千瓦时)", null=True, blank=True)
    water_t = models.FloatField("用水量 (吨)", null=True, blank=True)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    # The yearly figures, declared once: the evaluation loads them, the agreements check them.
    FIGURES = (
        "output_10k_cny",
        "revenue_10k_cny",
        "tax_10k_cny",
        "value_added_10k_cny",
        "energy_tce",
        "emissions_t",
        "rd_expense_10k_cny",
        "investment_10k_cny",
        "employees",
        "electricity_kwh",
        "water_t",
    )

    class Meta:
        verbose_name = "年度指标"
        verbose_name_plural = "年度指标"
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "parcel"],
                condition=Q(parcel__isnull=False),
                name="indicator_unique_parcel",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year"],
                condition=Q(parcel__isnull=True),
                name="indicator_unique_enterprise",
            ),
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class Violation(ChangeLogged):
    """A violation (违规事项) found on a parcel (擅自出租、擅自转让、违法建设 …), with its status and
    the enterprise's stance (refuses correction, agrees to renewal).
    """

    class Kind(models.TextChoices):
        """The kind of violation (违规类型), Chinese labels as the workbook's 违规事项 sheet writes them."""

        UNAUTHORISED_LEASE = "unauthorised_lease", "擅自出租"
        UNAUTHORISED_TRANSFER = "unauthorised_transfer", "擅自转让"
        LITIGATION = "litigation", "涉法涉诉"
        ABANDONED_CONSTRUCTION = "abandoned_construction", "烂尾"
        INDUSTRIAL_TO_RESIDENTIAL = "industrial_to_residential", "工改住"
        ILLEGAL_CONSTRUCTION = "illegal_construction", "违法建设"
        NON_INDUSTRIAL_USE = "non_industrial_use", "非工业用途"
        BREACH_OF_CONTRACT = "breach_of_contract", "违约"
        ILLEGAL_OPERATION = "illegal_operation", "违法经营"

    class Status(models.TextChoices):
        """Rectification status: 未整改 (open), 整改中 (in progress), 已整改 (remediated)."""

        OPEN = "open", "未整改"
        IN_PROGRESS = "in_progress", "整改中"
        REMEDIATED = "remediated", "已整改"

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="violations", on_delete=models.CASCADE
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        null=True,
        blank=True,
        related_name="violations",
        on_delete=models.PROTECT,
    )
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    found_on = models.DateField("发现日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    refuses_correction = models.BooleanField("拒不改正", null=True, blank=True)
    agrees_to_renewal = models.BooleanField("同意城市更新", null=True, blank=True)
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "违规事项"
        verbose_name_plural = "违规事项"
        constraints = [
            models.UniqueConstraint(fields=["parcel", "kind", "found_on"], name="violation_unique"),
        ]

    def __str__(self):
        return f"{self.parcel.code} {self.get_kind_display()} {self.found_on}"


class Commitment(ChangeLogged):
    """A promised figure (承诺) for a parcel and year; ``unit`` names the unit of ``value``."""

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="commitments", on_delete=models.CASCADE
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        null=True,
        blank=True,
        related_name="commitments",
        on_delete=models.PROTECT,
    )
    indicator = models.CharField("指标", max_length=50, help_text="output_per_ha, tax_per_ha, …")
    value = models.FloatField("承诺值")
    unit = models.CharField(
        "单位", max_length=30, help_text="unit key of the stored value, e.g. 10k_cny/ha"
    )
    year = models.PositiveSmallIntegerField("考核年度")
    extra = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "承诺"
        verbose_name_plural = "承诺"
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "indicator", "year"], name="commitment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.parcel.code} {self.indicator} {self.year}"
