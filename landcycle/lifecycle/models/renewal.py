from django.db import models

from landcycle.core.changelog import ChangeLogged
from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel


class TargetIndicator(models.TextChoices):
    """The eight indicators of the Beilun task decomposition table (seeds/002 附件2)."""

    BLOCKS_RENOVATED = "blocks_renovated", "改造提升老旧工业区块"
    RENOVATED_LAND = "renovated_land", "完成老工业区块改造涉企用地"
    FAR_PROJECTS = "far_projects", "推进工业企业容积率提升项目"
    NEW_FLOOR_AREA = "new_floor_area", "存量工业用地空间挖潜新增竣工建筑面积"
    ENTERPRISES_HELPED = "enterprises_helped", "帮扶提升低效企业"
    POLLUTERS_REMEDIATED = "polluters_remediated", "整治散乱污企业"
    GREEN_FACTORIES = "green_factories", "创建绿色工厂"
    TAX_PER_MU_GROWTH = "tax_per_mu_growth", "规上工业企业年均亩均税增长率"


class TaskTable(models.Model):
    """A district's target table split by street (工作任务分解表)."""

    name = models.CharField("名称", max_length=200)
    source = models.CharField("来源", max_length=200, blank=True)
    district = models.ForeignKey(
        Jurisdiction, verbose_name="区县", related_name="task_tables", on_delete=models.PROTECT
    )
    start_year = models.PositiveSmallIntegerField("起始年度")
    end_year = models.PositiveSmallIntegerField("终止年度")
    district_totals = models.JSONField("全区目标", default=dict, help_text="indicator → value")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "任务分解表"
        verbose_name_plural = "任务分解表"
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="task_table_unique")
        ]

    def __str__(self):
        return self.name


class StreetTarget(models.Model):
    Indicator = TargetIndicator

    table = models.ForeignKey(
        TaskTable, verbose_name="任务表", related_name="targets", on_delete=models.CASCADE
    )
    street = models.ForeignKey(
        Jurisdiction, verbose_name="街道", related_name="street_targets", on_delete=models.PROTECT
    )
    indicator = models.CharField("指标", max_length=30, choices=TargetIndicator.choices)
    value = models.FloatField("目标值")
    unit = models.CharField("单位", max_length=20)

    class Meta:
        verbose_name = "街道目标"
        verbose_name_plural = "街道目标"
        constraints = [
            models.UniqueConstraint(
                fields=["table", "street", "indicator"], name="street_target_unique"
            )
        ]

    def __str__(self):
        return f"{self.street} {self.get_indicator_display()} {self.value:g}{self.unit}"


class RenewalProject(ChangeLogged):
    """An old industrial block renovation or a floor-area-ratio project (seeds/002 四、五、六)."""

    class Mode(models.TextChoices):
        GOVERNMENT_ACQUISITION = "government_acquisition", "政府收储改造"
        MARKET_PARTICIPATION = "market_participation", "市场参与改造"
        VILLAGE_COLLECTIVE = "village_collective", "村集体主导改造"
        JOINT = "joint", "企业联合改造"
        SELF_RENOVATION = "self_renovation", "企业自主改造"
        OTHER = "other", "其他改造模式"

    class Path(models.TextChoices):
        DEMOLISH_RELOCATE = "demolish_relocate", "腾挪拆除式改造"
        SORT_UPGRADE = "sort_upgrade", "梳理提升式改造"
        ENVIRONMENT_UPGRADE = "environment_upgrade", "环境优化式改造"

    class Kind(models.TextChoices):
        BLOCK = "block", "老旧工业区块改造提升"
        FAR = "far", "工业企业容积率提升项目"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划"
        APPROVED = "approved", "方案已批"
        IN_PROGRESS = "in_progress", "实施中"
        COMPLETED = "completed", "已完成"

    name = models.CharField("项目名称", max_length=200)
    street = models.ForeignKey(
        Jurisdiction, verbose_name="街道", related_name="renewal_projects", on_delete=models.PROTECT
    )
    parcels = models.ManyToManyField(
        Parcel, verbose_name="涉及宗地", related_name="renewal_projects", blank=True
    )
    kind = models.CharField("项目类型", max_length=10, choices=Kind.choices)
    mode = models.CharField("改造模式", max_length=30, choices=Mode.choices)
    path = models.CharField("改造路径", max_length=30, choices=Path.choices)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PLANNED)
    land_area_m2 = models.FloatField("涉企用地面积 (平方米)")
    planned_far = models.FloatField("规划容积率", null=True, blank=True)
    planned_floor_area_m2 = models.FloatField("规划总建筑面积 (平方米)", null=True, blank=True)
    admin_living_land_m2 = models.FloatField("行政办公及生活服务设施用地 (平方米)", default=0)
    admin_living_floor_m2 = models.FloatField("行政办公及生活服务设施建筑面积 (平方米)", default=0)
    new_floor_area_m2 = models.FloatField("新增竣工建筑面积 (平方米)", default=0)
    far_exception_reason = models.CharField(
        "容积率低于2.0的理由", max_length=300, blank=True, help_text="FAR is ≥ 2.0 in principle"
    )
    plan_approved_on = models.DateField("方案批准日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "改造提升项目"
        verbose_name_plural = "改造提升项目"
        ordering = ["street", "name"]

    def __str__(self):
        return self.name


class EnterpriseMeasure(models.Model):
    """An enterprise helped, remediated (散乱污) or certified as a green factory in a street."""

    class Kind(models.TextChoices):
        HELPED = "helped", "帮扶提升低效企业"
        REMEDIATED = "remediated", "整治散乱污企业"
        GREEN_FACTORY = "green_factory", "创建绿色工厂"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", related_name="measures", on_delete=models.PROTECT
    )
    street = models.ForeignKey(
        Jurisdiction,
        verbose_name="街道",
        related_name="enterprise_measures",
        on_delete=models.PROTECT,
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    completed_on = models.DateField("完成日期")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "企业提升事项"
        verbose_name_plural = "企业提升事项"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind"], name="enterprise_measure_unique")
        ]

    def __str__(self):
        return f"{self.enterprise} {self.get_kind_display()}"
