from django.conf import settings
from django.db import models

from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel

from .base import AssignedCase


class ExitCase(AssignedCase):
    """Exit proceedings against an enterprise in the park (退出机制), seeds/003 第八、九条.

    The allowed moves between states are in ``landcycle.lifecycle.services.exits.TRANSITIONS``.
    """

    class Trigger(models.TextChoices):
        DEREGISTERED_OR_LEFT = "deregistered_or_left", "注销、迁离或研发结算中心迁出"
        TAX_BELOW_COMMITMENT = "tax_below_commitment", "纳税严重低于承诺标准"
        UNAUTHORISED_DISPOSAL = "unauthorised_disposal", "擅自转让、销售或出租土地房屋"
        NOT_PRODUCING = "not_producing", "达产后未在园区投产"
        ILLEGAL_OPERATION = "illegal_operation", "违法经营或违反园区规定"

    class State(models.TextChoices):
        VERIFIED = "verified", "已核实（待约谈）"
        INTERVIEWED = "interviewed", "已约谈"
        RECTIFICATION = "rectification", "书面通知整改"
        EXIT_NOTICE = "exit_notice", "限期退出通知"
        EXITED = "exited", "已退出"
        CLOSED_CORRECTED = "closed_corrected", "已整改结案"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="企业", related_name="exit_cases", on_delete=models.PROTECT
    )
    parcel = models.ForeignKey(
        Parcel,
        verbose_name="宗地",
        null=True,
        blank=True,
        related_name="exit_cases",
        on_delete=models.PROTECT,
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name="园区/街道", related_name="exit_cases", on_delete=models.PROTECT
    )
    trigger = models.CharField("退出情形", max_length=30, choices=Trigger.choices)
    facts = models.TextField("核实情况")
    verified_on = models.DateField("核实日期")
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.VERIFIED)
    interview_due = models.DateField("约谈期限")
    rectification_due = models.DateField("整改期限", null=True, blank=True)
    exit_due = models.DateField("退出期限", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    deadline_flags = models.JSONField(
        "期限提示", default=dict, blank=True, help_text="deadline field → why it is provisional"
    )
    contract_terminated = models.BooleanField("已解除出让/租赁合同", default=False)

    class Meta:
        verbose_name = "退出案件"
        verbose_name_plural = "退出案件"
        ordering = ["-verified_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} {self.get_trigger_display()} ({self.get_state_display()})"


class ExitStep(models.Model):
    """One move of an exit case: who, when, with which document."""

    case = models.ForeignKey(
        ExitCase, verbose_name="案件", related_name="steps", on_delete=models.CASCADE
    )
    from_state = models.CharField(
        "原状态", max_length=20, choices=ExitCase.State.choices, blank=True
    )
    to_state = models.CharField("新状态", max_length=20, choices=ExitCase.State.choices)
    on = models.DateField("日期")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    actor_name = models.CharField("经办人姓名", max_length=100)
    document_title = models.CharField("文书", max_length=200, blank=True)
    document_number = models.CharField("文号", max_length=100, blank=True)
    # Before notices were Documents (一地一档) they were stored here; kept for those steps.
    document_file = models.FileField("文书文件", upload_to="lifecycle/exit/%Y/", blank=True)
    # The DOCX notice this step issued, on the case's and the parcel's file.
    notice = models.OneToOneField(
        "lifecycle.Document",
        verbose_name="通知书",
        null=True,
        blank=True,
        related_name="exit_step",
        on_delete=models.SET_NULL,
    )
    note = models.TextField("说明", blank=True)
    late = models.BooleanField("逾期办理", default=False)
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "退出程序步骤"
        verbose_name_plural = "退出程序步骤"
        ordering = ["case", "on", "id"]

    def __str__(self):
        return f"{self.case_id} {self.from_state}→{self.to_state} {self.on}"


class Clawback(models.Model):
    """A subsidy, reward or honour to take back on exit (退还奖励和补贴，取消荣誉和政策待遇)."""

    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", "资金补贴"
        REWARD = "reward", "资金奖励"
        HONOUR = "honour", "荣誉和政策待遇"

    case = models.ForeignKey(
        ExitCase, verbose_name="案件", related_name="clawbacks", on_delete=models.CASCADE
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    description = models.CharField("事项", max_length=200)
    granted_on = models.DateField("享受日期", null=True, blank=True)
    amount_10k_cny = models.FloatField("金额 (万元)", null=True, blank=True)
    recovered = models.BooleanField("已追回/已取消", default=False)

    class Meta:
        verbose_name = "追回事项"
        verbose_name_plural = "追回事项"

    def __str__(self):
        return f"{self.get_kind_display()} {self.description}"
