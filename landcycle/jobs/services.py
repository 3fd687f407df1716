"""Start, run, follow and clean up background jobs.

A job is queued with django-tasks (database backend) and run by ``landcycle worker``. Rules:
- a job runs at most once: the worker claims it with one conditional UPDATE (queued → running),
  and a follower (commit of a checked upload, retry of an interrupted job) is one-to-one with
  its source, so a double submit returns the first follower;
- a job left running by a worker that died (killed, out of memory, power cut) is marked failed
  when a worker starts (``fail_stale``); the import wrote nothing (one transaction), so the job
  can be retried;
- uploads (they hold resident ID numbers) are deleted when they can no longer be used: at the
  end of a commit, of a check that found errors, or ``LANDCYCLE_UPLOAD_RETENTION_HOURS`` after
  upload (``purge_uploads``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone

from .models import Job

INTERRUPTED = (
    "任务中断：处理它的后台进程已停止（例如被终止或重启），未写入任何数据，可重试。"
    " Interrupted: the worker running this job stopped; nothing was written; it can be retried."
)


class JobError(Exception):
    """A job that cannot be started (its upload is gone, or it is not in a state to follow)."""


def upload_root() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def worker_name() -> str:
    """``host:pid`` of this process: what ``fail_stale`` checks for being alive."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _db() -> str:
    return router.db_for_write(Job)


# ---- starting ---------------------------------------------------------------------------------


IMPORT_OPTIONS = ("profile", "street")  # run_import's keyword options a job may carry


def start_import(
    paths: list[Path],
    user_id: int | None,
    dry_run: bool,
    source: Job | None = None,
    options: dict | None = None,
) -> Job:
    """Queue an import of ``paths`` (under ``upload_root()``); returns the queued job.

    ``options``: run_import's ``profile`` / ``street`` (others are a ValueError).

    With ``LANDCYCLE_WEB_SYNC_JOBS`` (tests) the job runs before this returns.
    """
    from .tasks import run_job

    with transaction.atomic(using=_db()):  # the job and its queue entry together or neither
        job = Job.objects.create(
            kind=Job.Kind.IMPORT,
            user_id=user_id,
            dry_run=dry_run,
            paths=[str(p) for p in paths],
            source=source,
            options=_import_options(options or {}),
        )
        if not getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
            run_job.enqueue(str(job.pk))
    if getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
        run(job.pk)
        job.refresh_from_db()
    return job


def _import_options(options: dict) -> dict:
    unknown = set(options) - set(IMPORT_OPTIONS)
    if unknown:
        raise ValueError(f"unknown import options: {sorted(unknown)}")
    return {key: value for key, value in options.items() if value}


def follow(source: Job, *, dry_run: bool) -> Job:
    """The one job following ``source`` (commit or retry), started now or earlier.

    Raises JobError when the upload is gone. Safe under a double submit and between
    processes: the follower's one-to-one key admits a single row.
    """
    existing = Job.objects.filter(source=source).first()
    if existing is not None:
        return existing
    if source.uploads_deleted or not all(Path(p).exists() for p in source.paths):
        raise JobError("上传的文件已删除，请重新上传。The upload was deleted; upload it again.")
    try:
        return start_import(
            [Path(p) for p in source.paths], source.user_id, dry_run, source, source.options
        )
    except IntegrityError:  # another request made the follower first
        return Job.objects.get(source=source)


# ---- running ----------------------------------------------------------------------------------


def run(job_id) -> None:
    """Run a queued job in this process (the worker's task); a job already claimed is left."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, worker=worker_name(), started_at=now, stage="开始 starting"
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)
    progress = _progress_writer(job)
    try:
        RUNNERS[job.kind](job, progress)
        job.state = Job.State.SUCCEEDED
    except Exception as exc:  # a bug or a database failure: show it rather than hang the page
        from landcycle.evaluation.services import EvaluationError
        from landcycle.imports.services import ImportConflict

        # Their messages are for the user as they are (Chinese first).
        plain = isinstance(exc, ImportConflict | EvaluationError)
        job.failure = (str(exc) if plain else f"{type(exc).__name__}: {exc}")[:2000]
        job.state = Job.State.FAILED
    finally:
        progress.close()
    job.finished_at = timezone.now()
    job.stage, job.done, job.total = "完成 done", 1, 1
    job.save(
        update_fields=[
            *("state", "failure", "finished_at", "batch_id", "stage", "done", "total"),
            "result",
        ]
    )
    _after(job)


def _run_import(job: Job, progress: Callable[[str, int, int], None]) -> None:
    from landcycle.imports.services import run_import

    def on_batch(batch) -> None:
        job.batch_id = batch.pk
        Job.objects.filter(pk=job.pk).update(batch_id=batch.pk)

    result = run_import(
        [Path(p) for p in job.paths],
        dry_run=job.dry_run,
        user_id=job.user_id,
        progress=progress,
        on_batch=on_batch,
        **{key: job.options.get(key) for key in IMPORT_OPTIONS},
    )
    job.batch_id = result.batch.pk


def _run_evaluation(job: Job, progress: Callable[[str, int, int], None]) -> None:
    """An evaluation run (or a corrected run) started from the browser, as its user."""
    from landcycle.core.context import changes_by
    from landcycle.evaluation.background import run_job

    with changes_by(user_id=job.user_id, source="web 评价任务 evaluation job"):
        job.result = run_job(job.options, progress)


RUNNERS: dict[str, Callable[[Job, Callable[[str, int, int], None]], None]] = {
    Job.Kind.IMPORT: _run_import,
    Job.Kind.EVALUATE: _run_evaluation,
}


# ---- jobs of other kinds, for pages below this app (web.background) ---------------------------


def start_job(kind: str, user_id: int | None, options: dict) -> Job:
    """Queue a job of ``kind`` (not an import: ``start_import``) with JSON ``options``.

    With ``LANDCYCLE_WEB_SYNC_JOBS`` (tests) the job runs before this returns.
    """
    from .tasks import run_job

    if kind not in RUNNERS or kind == Job.Kind.IMPORT:
        raise ValueError(f"unknown job kind {kind!r}")
    sync = getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False)
    with transaction.atomic(using=_db()):
        job = Job.objects.create(kind=kind, user_id=user_id, options=dict(options))
        if not sync:
            run_job.enqueue(str(job.pk))
    if sync:
        run(job.pk)
        job.refresh_from_db()
    return job


class QueueBackend:
    """``web.background``'s backend: jobs in this app's queue (installed by ``ready``)."""

    def start(self, kind: str, user_id: int | None, options: dict) -> str:
        return str(start_job(kind, user_id, options).pk)

    def status(self, job_id: str, user_id: int | None, kind: str):
        import uuid

        from landcycle.web.background import JobStatus

        try:
            key = uuid.UUID(str(job_id))
        except ValueError:
            return None
        job = Job.objects.filter(pk=key, user_id=user_id, kind=kind).first()
        if job is None:
            return None
        return JobStatus(
            id=str(job.pk),
            kind=job.kind,
            state=job.state,
            state_label=job.get_state_display(),
            stage=job.stage,
            percent=job.percent,
            failure=job.failure,
            result=dict(job.result or {}),
            options=dict(job.options or {}),
        )


def _progress_writer(job: Job) -> Callable[[str, int, int], None]:
    """progress(stage, done, total) storing the step where other processes can read it.

    The import writes inside one transaction; a progress row written in it would show only at
    the end. On SQLite jobs are in the state database (another connection anyway); where they
    share the ledger's database (PostgreSQL) progress goes through a connection of its own.
    """
    alias = _db()
    side = []

    def progress(stage: str, done: int, total: int) -> None:
        values = {"stage": stage[:200], "done": done, "total": max(total, 1)}
        connection = connections[alias]
        if not connection.in_atomic_block:
            Job.objects.filter(pk=job.pk).update(**values)
            return
        if connection.vendor == "sqlite":
            return  # the ledger's own file: it would wait for the lock this import holds
        if not side:
            side.append(connections.create_connection(alias))
        table = connection.ops.quote_name(Job._meta.db_table)
        with side[0].cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET stage = %s, done = %s, total = %s WHERE id = %s",
                [values["stage"], values["done"], values["total"], job.pk],
            )

    def close() -> None:
        for connection in side:
            connection.close()

    progress.close = close  # type: ignore[attr-defined]
    return progress


def _after(job: Job) -> None:
    """Delete the upload once nothing can use it: a commit ended, or a check found errors."""
    if job.source_id and not job.dry_run:
        _delete_uploads(job, job.source)
    elif job.dry_run and (job.state == Job.State.FAILED or _batch_has_errors(job)):
        _delete_uploads(job)
    purge_uploads()


def _batch_has_errors(job: Job) -> bool:
    from landcycle.imports.models import ImportBatch

    if not job.batch_id:
        return True
    return ImportBatch.objects.filter(pk=job.batch_id, status=ImportBatch.Status.FAILED).exists()


def _delete_uploads(*jobs: Job) -> None:
    root = upload_root().resolve()
    for job in jobs:
        for path in job.paths:
            folder = Path(path).resolve().parent
            if folder.is_relative_to(root) and folder != root:
                shutil.rmtree(folder, ignore_errors=True)
        Job.objects.filter(pk=job.pk).update(uploads_deleted=True)
        job.uploads_deleted = True


# ---- after a crash, and housekeeping --------------------------------------------------------


def _alive(worker: str) -> bool:
    """Whether the worker ``host:pid`` still runs (a worker on another host is assumed to)."""
    host, _, pid_text = worker.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return True
    pid = int(pid_text)
    if pid == os.getpid():  # the pid of a dead worker, reused by this one
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # a reused pid of another program
        return b"landcycle" in cmdline.read_bytes()
    return True


def fail_stale() -> list[Job]:
    """Mark failed the jobs left running by workers that are gone, and their import batches.

    Called when a worker starts. The import ran in one transaction, so the ledger has nothing
    of it; the upload is kept (until it expires) so the job can be retried.
    """
    from landcycle.imports.errors import ImportProblem
    from landcycle.imports.models import ImportBatch

    stale = [j for j in Job.objects.filter(state=Job.State.RUNNING) if not _alive(j.worker)]
    now = timezone.now()
    for job in stale:
        updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, failure=INTERRUPTED, interrupted=True, finished_at=now
        )
        if updated and job.batch_id:
            ImportBatch.objects.filter(pk=job.batch_id, status=ImportBatch.Status.RUNNING).update(
                status=ImportBatch.Status.FAILED,
                finished_at=now,
                errors=[ImportProblem(job.file_name, None, None, None, INTERRUPTED).as_dict()],
            )
    _fail_queue_entries({j.worker[:64] for j in stale})
    return stale


def _fail_queue_entries(workers: set[str]) -> None:
    """The queue's own rows of those workers' tasks: failed too, not 'running' forever."""
    from django_tasks_db.models import DBTaskResult

    if not workers:
        return
    running = DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids")
    dead = [r.pk for r in running if workers.intersection(r.worker_ids or [])]
    DBTaskResult.objects.filter(pk__in=dead).update(
        status="FAILED", finished_at=timezone.now(), exception_class_path="", traceback=INTERRUPTED
    )


def purge_uploads(now: dt.datetime | None = None) -> int:
    """Delete uploads older than ``LANDCYCLE_UPLOAD_RETENTION_HOURS`` not used by a queued or
    running job, and upload folders no job knows; returns the number of jobs cleaned."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=settings.LANDCYCLE_UPLOAD_RETENTION_HOURS)
    old = Job.objects.filter(uploads_deleted=False, created_at__lt=limit).exclude(
        state__in=[Job.State.QUEUED, Job.State.RUNNING]
    )
    busy = {
        p for paths in Job.objects.filter(state__in=["queued", "running"]).values_list(
            "paths", flat=True
        ) for p in paths
    }  # fmt: skip
    count = 0
    for job in old:
        if not busy.intersection(job.paths):
            _delete_uploads(job)
            count += 1
    root = upload_root()
    if root.is_dir():
        known = {
            str(Path(p).parent.resolve())
            for paths in Job.objects.filter(uploads_deleted=False).values_list("paths", flat=True)
            for p in paths
        }
        for folder in root.iterdir():
            if folder.is_dir() and str(folder.resolve()) not in known:
                modified = dt.datetime.fromtimestamp(folder.stat().st_mtime, tz=dt.UTC)
                if modified < limit:
                    shutil.rmtree(folder, ignore_errors=True)
    return count
