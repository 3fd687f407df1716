"""One file per parcel (一地一档): documents attached to a parcel and, optionally, to a case.

Explicit foreign keys rather than a generic relation: every target's row rule then reaches its
documents by a plain join, and deleting a case that still has documents is refused (PROTECT).
Files are written by ``services.documents`` only (attach, replace), under ``MEDIA_ROOT`` (the
data directory, never served as static files), and read back through the ``document_file`` view.
Nothing is destroyed by a user: a replaced document is kept as superseded, a withdrawn one
(撤回) is hidden from the lists with its file kept; both changes are in the change log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone

from landcycle.core.changelog import ChangeLogged
from landcycle.ledger.models import Parcel

from .admission import AdmissionApplication
from .agreements import SupervisionAgreement
from .exits import ExitCase
from .projects import ProjectLead
from .renewal import RenewalProject
from .stockland import AvailableLandList, StockLandCase


def document_storage() -> FileSystemStorage:
    """MEDIA_ROOT, read when a file is written (tests and installations move it)."""
    return FileSystemStorage(base_url=None)


# Target name (as in URLs and templates) → the Document field that holds it. "parcel" first.
TARGET_FIELDS = {
    "parcel": "parcel",
    "admission": "admission",
    "agreement": "agreement",
    "exit": "exit_case",
    "stockland": "stockland_case",
    "available": "available_list",
    "renewal": "renewal_project",
    "project": "project",
}


def _target(model, label):
    return models.ForeignKey(
        model,
        verbose_name=label,
        null=True,
        blank=True,
        related_name="documents",
        on_delete=models.PROTECT,
    )


class Document(ChangeLogged):
    """A stored file (contract, notice, photo, decision …) with who attached it and when. Its
    file and facts are written once; it may later be superseded by a new version (replace) or
    withdrawn (撤回, with who, when and why) — never deleted by a user."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "合同"
        NOTICE = "notice", "通知书"
        PHOTO = "photo", "照片"
        DECISION = "decision", "决定"
        OTHER = "other", "其他"

    parcel = _target(Parcel, "宗地")
    admission = _target(AdmissionApplication, "入园申请")
    agreement = _target(SupervisionAgreement, "履约监管协议")
    exit_case = _target(ExitCase, "退出程序")
    stockland_case = _target(StockLandCase, "存量土地处置")
    available_list = _target(AvailableLandList, "可供土地清单")
    renewal_project = _target(RenewalProject, "更新项目")
    project = _target(ProjectLead, "项目库项目")

    kind = models.CharField("类别", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("标题", max_length=200)
    dated = models.DateField("文件日期", null=True, blank=True)
    file = models.FileField("文件", storage=document_storage, max_length=255)
    original_name = models.CharField("原文件名", max_length=255)
    content_type = models.CharField("文件类型", max_length=100)
    size_bytes = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    # Internal working papers (an inspection photo, a draft decision) stay hidden from the
    # enterprise; everything else on its parcel or case is its to see.
    internal = models.BooleanField("仅内部可见", default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    uploaded_by_name = models.CharField("上传人姓名", max_length=150, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    # Versions: a replacement is a new Document (version + 1); the old one points to it.
    version = models.PositiveSmallIntegerField("版本", default=1)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="已被替换为",
        null=True,
        blank=True,
        related_name="supersedes",
        on_delete=models.RESTRICT,
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤回人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    withdrawn_by_name = models.CharField("撤回人姓名", max_length=150, blank=True)
    withdrawal_reason = models.TextField("撤回理由", blank=True)

    class Meta:
        verbose_name = "档案文件"
        verbose_name_plural = "档案文件"
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(**{f"{field}__isnull": True for field in TARGET_FIELDS.values()}),
                name="document_has_a_target",
            )
        ]
        indexes = [models.Index(fields=["parcel", "-uploaded_at"], name="document_parcel_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title}"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_current(self) -> bool:
        """Neither superseded nor withdrawn."""
        return self.superseded_by_id is None and self.withdrawn_at is None

    def snapshot(self) -> dict:
        """The change log's view of the record: the file as its stored name."""
        data = super().snapshot()
        data["file"] = self.file.name
        return data
