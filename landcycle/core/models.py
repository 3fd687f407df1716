"""Core's models: the change log (ChangeRecord) and the USCC exception list (UsccException)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .changelog import ChangeLogged


class ChangeRecord(models.Model):
    """One change to one ledger record: who, when, before and after."""

    class Action(models.TextChoices):
        """What a change did: create (新增), update (修改), delete (删除)."""

        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    time = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    # Copied at the time of the change: the record keeps its actor when the user is deleted.
    actor_name = models.CharField("操作人", max_length=200, blank=True)
    source = models.CharField("来源", max_length=200, blank=True)
    # The operation the change belongs to (an import batch, an evaluation run …), linked
    # generically so core needs no model of the apps above it.
    operation_type = models.ForeignKey(
        ContentType,
        verbose_name="操作类型",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    operation_id = models.BigIntegerField("操作编号", null=True, blank=True)
    operation = GenericForeignKey("operation_type", "operation_id")
    # No index of its own: the (content_type, object_id) index below serves lookups by type.
    # No database constraint either: content types are never deleted, and checking the key on
    # each of the ~10 change records per parcel of a bulk import doubled PostgreSQL's commit.
    content_type = models.ForeignKey(
        ContentType,
        verbose_name="对象类型",
        on_delete=models.DO_NOTHING,
        db_index=False,
        db_constraint=False,
    )
    object_id = models.BigIntegerField("对象编号")
    object_repr = models.CharField("对象", max_length=200)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["operation_type", "operation_id"], name="change_record_operation"),
        ]
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr} @ {self.time:%Y-%m-%d %H:%M}"


class UsccException(ChangeLogged):
    """A credit code genuinely issued but failing the GB 32100 check character (older codes).

    Kept by administrators through ``landcycle.core.uscc_exceptions`` only: every addition and
    removal says who and why, and lands in the change log.
    """

    code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    reason = models.TextField("核实依据 reason")
    added_by = models.CharField("添加人 added by", max_length=150)
    added_at = models.DateTimeField("添加时间 added at")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "校验码例外的统一社会信用代码"
        verbose_name_plural = "校验码例外的统一社会信用代码"
        ordering = ["code"]

    def __str__(self):
        return self.code
