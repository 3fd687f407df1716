from django.db import models

from landcycle.core.changelog import ChangeLogged
from landcycle.ledger.models import Enterprise, Parcel


class SupervisionAgreement(ChangeLogged):
    """履约监管协议（标准地）: a parcel's commitments, seeds/003 附件 and seeds/004 任务18、20."""

    class Status(models.TextChoices):
        ACTIVE = "active", "履行中"
        EXPIRED = "expired", "已到期"
        TERMINATED = "terminated", "已解除"

    number = models.CharField("协议编号", max_length=64, unique=True)
    parcel = models.ForeignKey(
        Parcel, verbose_name="宗地", related_name="agreements", on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="乙方企业", related_name="agreements", on_delete=models.PROTECT
    )
    signed_on = models.DateField("签订日期")
    valid_from = models.DateField("有效期起", help_text="entry into the park for the annual review")
    valid_to = models.DateField("有效期止", null=True, blank=True)
    attainment_due = models.DateField("约定达产日期")
    green_building_stars = models.PositiveSmallIntegerField(
        "已获绿色建筑星级", null=True, blank=True, help_text="certified stars; empty = not yet"
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = "履约监管协议"
        verbose_name_plural = "履约监管协议"
        ordering = ["number"]

    def __str__(self):
        return self.number


class AgreementTerm(models.Model):
    """One commitment: indicator, comparison, value in its unit, from which year it applies."""

    class Indicator(models.TextChoices):
        INVESTMENT_PER_HA = "investment_per_ha", "投资强度"
        TAX_PER_HA = "tax_per_ha", "地均税收"
        OUTPUT_PER_HA = "output_per_ha", "地均产值"
        ENERGY_EFFICIENCY = "energy_efficiency", "单位能耗增加值（用能效率）"
        RD_INTENSITY = "rd_intensity", "研发投入强度"
        GREEN_BUILDING_STARS = "green_building_stars", "绿色建筑星级"

    class Op(models.TextChoices):
        AT_LEAST = ">=", "不低于"
        AT_MOST = "<=", "不高于"

    agreement = models.ForeignKey(
        SupervisionAgreement, verbose_name="协议", related_name="terms", on_delete=models.CASCADE
    )
    indicator = models.CharField("指标", max_length=30, choices=Indicator.choices)
    op = models.CharField("比较", max_length=2, choices=Op.choices, default=Op.AT_LEAST)
    value = models.FloatField("承诺值")
    unit = models.CharField("单位", max_length=30, help_text="万元/公顷, 万元/吨标准煤, %, 星")
    from_year = models.PositiveSmallIntegerField(
        "起始考核年度", null=True, blank=True, help_text="empty: from the attainment year"
    )

    class Meta:
        verbose_name = "协议承诺"
        verbose_name_plural = "协议承诺"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "indicator"], name="agreement_term_unique")
        ]

    def __str__(self):
        return f"{self.get_indicator_display()} {self.op} {self.value:g} {self.unit}"
