from django.conf import settings
from django.db import models

from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel

from .base import AssignedCase


class AdmissionApplication(AssignedCase):
    """An enterprise's application to enter the park (入园申请), seeds/003 第五–七条."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已受理"
        ASSESSED = "assessed", "已初评"
        ESCALATED = "escalated", "已报区政府"
        APPROVED = "approved", "准予入园"
        REJECTED = "rejected", "不予准入"
        WITHDRAWN = "withdrawn", "已撤回"

    class IndustryField(models.TextChoices):
        MEDICAL_DEVICES = "medical_devices", "医疗器械"
        ARTIFICIAL_INTELLIGENCE = "artificial_intelligence", "人工智能"
        DIGITAL_AUDIOVISUAL = "digital_audiovisual", "数字视听"
        PARK_SERVICE = "park_service", "园区配套服务"
        OTHER = "other", "其他"

    class ProposedClass(models.TextChoices):
        A = "A", "A类（重点企业）"
        B = "B", "B类（一般企业）"
        NONE = "none", "不符合准入条件"

    class DecisionBody(models.TextChoices):
        COMMITTEE = "committee", "园区管委会"
        DISTRICT = "district", "区政府"

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="企业",
        null=True,
        blank=True,
        related_name="admission_applications",
        on_delete=models.PROTECT,
    )
    enterprise_name = models.CharField("企业名称", max_length=200)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name="园区",
        related_name="admission_applications",
        on_delete=models.PROTECT,
    )
    industry_field = models.CharField("产业领域", max_length=30, choices=IndustryField.choices)
    industry_code = models.CharField("行业代码", max_length=10, blank=True)
    on_negative_list = models.BooleanField("属于新增产业禁止和限制目录", default=False)
    registers_in_park = models.BooleanField("在园区工商登记和税务注册（独立法人）", default=True)
    tags = models.JSONField("企业标签", default=list, blank=True)
    major_project = models.BooleanField(
        "国家或市级重大项目/前沿技术", default=False, help_text="qualitative; decided by people"
    )
    supply_method = models.CharField("供地方式", max_length=20, choices=Parcel.SupplyMethod.choices)
    parcel = models.ForeignKey(
        Parcel,
        verbose_name="拟用宗地",
        null=True,
        blank=True,
        related_name="admission_applications",
        on_delete=models.PROTECT,
    )
    land_area_m2 = models.FloatField("拟用地面积 (平方米)")
    planned_investment_10k_cny = models.FloatField("计划总投资 (万元)")
    expected_tax_10k_cny = models.FloatField("预计年纳税 (万元)", null=True, blank=True)
    received_on = models.DateField("受理日期")
    assessment_due = models.DateField(
        "初评期限", null=True, blank=True, help_text="empty while the calendar year is unknown"
    )
    deadline_flags = models.JSONField("期限提示", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    proposed_class = models.CharField(
        "初评类别", max_length=5, choices=ProposedClass.choices, blank=True
    )
    assessment_reasons = models.JSONField("初评理由", default=list, blank=True)
    assessed_on = models.DateField("初评日期", null=True, blank=True)
    decision_body = models.CharField(
        "审批机关", max_length=20, choices=DecisionBody.choices, blank=True
    )
    escalated_on = models.DateField("报区政府日期", null=True, blank=True)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    # 补正材料: what the officer asked for, by when, and what the enterprise answered.
    material_request = models.TextField("补正材料要求", blank=True)
    material_requested_on = models.DateField("要求补正日期", null=True, blank=True)
    material_due = models.DateField("补正期限", null=True, blank=True)
    material_reply = models.TextField("补正材料说明", blank=True)
    material_submitted_on = models.DateField("提交补正日期", null=True, blank=True)
    decided_on = models.DateField("批复日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decision_note = models.TextField("批复意见", blank=True)
    decision_document = models.CharField("批复文号", max_length=100, blank=True)

    class Meta:
        verbose_name = "入园申请"
        verbose_name_plural = "入园申请"
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"{self.enterprise_name} 入园申请 {self.received_on}"
