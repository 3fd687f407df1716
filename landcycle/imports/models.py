from django.conf import settings
from django.db import models

from landcycle.core.permissions import RestrictedQuerySet


class ImportBatch(models.Model):
    """One run of an import: who, when, which files, and what it did or why it did nothing."""

    class Status(models.TextChoices):
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "已导入"
        VALIDATED = "validated", "校验通过(试运行)"
        FAILED = "failed", "有错误未导入"

    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    files = models.JSONField("文件", default=list)
    dry_run = models.BooleanField("试运行", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.RUNNING)
    # {sheet key: {"created": n, "updated": n, "unchanged": n}}
    counts = models.JSONField("数量", default=dict, blank=True)
    # Capped lists (imports.errors.ProblemList: the first N per column, then one summary entry
    # with ``more``); list pages read only the counts (``ImportBatch.listing``), never the lists.
    errors = models.JSONField("错误", default=list, blank=True)
    warnings = models.JSONField("警告", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("警告数", default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{', '.join(self.files)} ({self.get_status_display()})"

    @classmethod
    def listing(cls, queryset=None):
        """``queryset`` (default: all) without the error and warning lists, for list pages."""
        return (queryset if queryset is not None else cls.objects.all()).defer("errors", "warnings")

    def counts_in_words(self) -> list[tuple[str, str]]:
        """``counts`` as an officer reads them: [(sheet name in Chinese, "新增 3，更新 1，未变 0")],
        sheets in the interchange's order (``schema.SHEETS``), geometry last."""
        from .schema import SHEETS

        words = {"created": "新增", "updated": "更新", "unchanged": "未变"}
        names = {sheet.key: sheet.name for sheet in SHEETS} | {"geometry": "宗地图形"}
        order = [sheet.key for sheet in SHEETS] + ["geometry"]
        counts = self.counts or {}
        keys = sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
        rows = []
        for key in keys:
            value = counts[key]
            if isinstance(value, dict):
                text = "，".join(f"{words.get(k, k)} {v:,}" for k, v in value.items())
            else:
                text = f"{value:,}"
            rows.append((names.get(key, key), text))
        return rows
