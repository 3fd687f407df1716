from django.conf import settings
from django.db import models

from landcycle.core.changelog import ChangeLogged
from landcycle.ledger.models import Jurisdiction


class ProjectLead(ChangeLogged):
    """A project in the high-end industry project library (高精尖产业项目库), seeds/001 二、五."""

    class Status(models.TextChoices):
        TALKING = "talking", "洽谈中"
        LANDED = "landed", "已落地"
        REASSIGNED = "reassigned", "已另行择优落地区"
        DROPPED = "dropped", "已终止"

    name = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资方", max_length=200, blank=True)
    industry = models.CharField("产业领域", max_length=100, blank=True)
    total_investment_10k_cny = models.FloatField("总投资 (万元)")
    strategic = models.BooleanField("全局性、战略性项目", default=False)
    leading_district = models.ForeignKey(
        Jurisdiction, verbose_name="首谈区", related_name="led_projects", on_delete=models.PROTECT
    )
    first_talk_on = models.DateField("首谈区认定日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.TALKING)
    reassigned_to = models.ForeignKey(
        Jurisdiction,
        verbose_name="另行择优落地区",
        null=True,
        blank=True,
        related_name="reassigned_projects",
        on_delete=models.PROTECT,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="服务管家",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = "高精尖产业项目"
        verbose_name_plural = "高精尖产业项目"
        ordering = ["first_talk_on", "id"]

    def __str__(self):
        return self.name


class ProjectProgress(models.Model):
    project = models.ForeignKey(
        ProjectLead, verbose_name="项目", related_name="progress", on_delete=models.CASCADE
    )
    on = models.DateField("日期")
    substantive = models.BooleanField("实质性进展", default=False)
    note = models.CharField("进展", max_length=500)

    class Meta:
        verbose_name = "洽谈进展"
        verbose_name_plural = "洽谈进展"
        ordering = ["project", "on", "id"]

    def __str__(self):
        return f"{self.project} {self.on}"
