from django.conf import settings
from django.db import models
from django.db.models import Q

from landcycle.core.changelog import ChangeLogged
from landcycle.core.permissions import RestrictedQuerySet
from landcycle.ledger.models import Jurisdiction, Parcel

from .base import AssignedCase


class StockCategory(models.TextChoices):
    UNSUPPLIED = "unsupplied", "批而未供"
    IDLE = "idle", "闲置"
    LOW_EFFICIENCY = "low_efficiency", "低效"


class StockLandCase(AssignedCase):
    """One parcel of stock land and its disposal (一地一策), seeds/004 任务11–14."""

    Category = StockCategory

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "已认定"
        PLANNED = "planned", "已定方案"
        IN_PROGRESS = "in_progress", "处置中"
        DISPOSED = "disposed", "已处置"
        CANCELLED = "cancelled", "撤销认定"

    OPEN_STATUSES = ("identified", "planned", "in_progress")

    @property
    def is_open(self) -> bool:
        """Still being worked (identified, planned or in progress): only an open case prompts
        the idle-land fee and take-back (a disposed or cancelled one has nothing left to do)."""
        return self.status in self.OPEN_STATUSES

    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="stock_cases", on_delete=models.PROTECT
    )
    category = models.CharField("类别", max_length=20, choices=StockCategory.choices)
    identified_on = models.DateField("认定日期")
    basis = models.JSONField("认定依据", default=list, blank=True)
    idle_since = models.DateField("闲置起算日", null=True, blank=True)
    plan = models.TextField("处置方案（一地一策）", blank=True)
    disposal_method = models.CharField("处置方式", max_length=100, blank=True)
    task_force = models.CharField("工作专班", max_length=200, blank=True)
    lead_unit = models.CharField("牵头单位", max_length=200, blank=True)
    deadline = models.DateField("处置期限", null=True, blank=True)
    deadline_flags = models.JSONField("期限提示", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.IDENTIFIED
    )
    disposed_on = models.DateField("处置完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "存量土地处置"
        verbose_name_plural = "存量土地处置"
        ordering = ["parcel__code", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel", "category"],
                condition=Q(status__in=["identified", "planned", "in_progress"]),
                name="stock_case_one_open_per_category",
            )
        ]

    def __str__(self):
        return f"{self.parcel} {self.get_category_display()} ({self.get_status_display()})"


class DisposalStep(models.Model):
    """One entry of a disposal case's record: a move (from → to status) or a progress report
    (to_status blank), with who and when."""

    case = models.ForeignKey(
        StockLandCase, verbose_name="处置案件", related_name="steps", on_delete=models.CASCADE
    )
    from_status = models.CharField(
        "原状态", max_length=20, choices=StockLandCase.Status.choices, blank=True
    )
    to_status = models.CharField(
        "新状态", max_length=20, choices=StockLandCase.Status.choices, blank=True
    )
    on = models.DateField("日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    actor_name = models.CharField("经办人姓名", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    progress_percent = models.PositiveSmallIntegerField("完成进度 (%)", null=True, blank=True)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "存量土地处置记录"
        verbose_name_plural = "存量土地处置记录"
        ordering = ["case", "on", "id"]

    def __str__(self):
        return f"{self.case_id} {self.from_status}→{self.to_status} {self.on}"


class AvailableLandList(ChangeLogged):
    """年度可供土地清单 of a jurisdiction: drafted, approved by an officer, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        APPROVED = "approved", "已审核"
        PUBLISHED = "published", "已公开"

    year = models.PositiveSmallIntegerField("年度")
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="区域", related_name="available_lists", on_delete=models.PROTECT
    )
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    approved_on = models.DateField("审核日期", null=True, blank=True)
    published_on = models.DateField("公开日期", null=True, blank=True)

    class Meta:
        verbose_name = "年度可供土地清单"
        verbose_name_plural = "年度可供土地清单"
        constraints = [
            models.UniqueConstraint(fields=["year", "jurisdiction"], name="available_list_unique")
        ]

    def __str__(self):
        return self.title


class AvailableLandEntry(models.Model):
    class Category(models.TextChoices):
        NEW = "new", "新增"
        UNSUPPLIED = "unsupplied", "批而未供"
        IDLE = "idle", "闲置"
        LOW_EFFICIENCY = "low_efficiency", "低效"
        RESERVE = "reserve", "政府储备"

    land_list = models.ForeignKey(
        AvailableLandList, verbose_name="清单", related_name="entries", on_delete=models.CASCADE
    )
    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="available_entries", on_delete=models.PROTECT
    )
    category = models.CharField("土地类型", max_length=20, choices=Category.choices)
    cost_10k_cny = models.FloatField("用地成本 (万元)", null=True, blank=True)
    conditions = models.TextField("供地条件", blank=True)
    procedure = models.TextField("供地程序", blank=True)
    time_days = models.PositiveIntegerField("供地周期 (日)", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "可供土地"
        verbose_name_plural = "可供土地"
        constraints = [
            models.UniqueConstraint(fields=["land_list", "parcel"], name="available_entry_unique")
        ]

    def __str__(self):
        return f"{self.land_list} {self.parcel}"
