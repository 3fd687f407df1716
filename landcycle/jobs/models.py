"""Background jobs: what the officer asked for, its progress and its end, kept in the database.

The queue itself (which worker runs what) is django-tasks' ``DBTaskResult``; a ``Job`` is what
the pages show and what makes a job run at most once. On SQLite both live in the state database
(``landcycle.core.databases``), so progress is visible while an import holds the ledger's lock.
"""

import uuid
from pathlib import Path

from django.db import models


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", "导入"

    class State(models.TextChoices):
        QUEUED = "queued", "排队"
        RUNNING = "running", "进行中"
        SUCCEEDED = "succeeded", "完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.IMPORT)
    # A plain id, not a foreign key: jobs may live in another database than the users.
    user_id = models.BigIntegerField("用户", null=True, blank=True)
    dry_run = models.BooleanField("试运行", default=False)
    paths = models.JSONField("上传文件", default=list)
    # What the officer chose with the upload (import: column profile, 所属街道), kept so the
    # commit and a retry validate exactly as the check did.
    options = models.JSONField("选项", default=dict, blank=True)
    # The job this one follows: a commit its checked upload, a retry its interrupted job.
    # One-to-one, so a double submit (or two workers) cannot make a second follower.
    source = models.OneToOneField(
        "self",
        verbose_name="来源任务",
        null=True,
        blank=True,
        related_name="follower",
        on_delete=models.SET_NULL,
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.QUEUED)
    stage = models.CharField("步骤", max_length=200, default="排队 queued")
    done = models.IntegerField("已完成步骤", default=0)
    total = models.IntegerField("总步骤", default=1)
    batch_id = models.BigIntegerField("导入批次", null=True, blank=True)
    failure = models.TextField("失败原因", blank=True, default="")
    interrupted = models.BooleanField("被中断", default=False)
    worker = models.CharField("后台进程", max_length=200, blank=True, default="")
    # Written by the running worker every LANDCYCLE_JOB_HEARTBEAT_SECONDS (a thread of its own).
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    uploads_deleted = models.BooleanField("上传已删除", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def file_name(self) -> str:
        return Path(self.paths[0]).name if self.paths else ""
