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
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django_tasks import task

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


@dataclass(frozen=True)
class JobKind:
    """What the queue needs to know of one kind of job; the app owning the work registers it
    (imports: ``landcycle.imports.jobs``), so the queue imports no app.

    ``run(job, progress)`` does the work (``progress(stage, done, total)``); ``options`` are the
    keyword options a job may carry; exceptions of ``plain_errors`` are shown to the user as
    their message alone; ``result_failed(job)`` says a finished check found errors (its upload
    is then deleted); ``on_stale(job, now)`` marks the kind's own record failed after a crash.
    """

    run: Callable[[Job, Callable[[str, int, int], None]], None]
    options: tuple[str, ...] = ()
    plain_errors: tuple[type[Exception], ...] = ()
    result_failed: Callable[[Job], bool] = lambda job: False
    on_stale: Callable[[Job, dt.datetime], None] | None = None


KINDS: dict[str, JobKind] = {}


def register_kind(name: str, kind: JobKind) -> None:
    """Register the runner of job kind ``name`` (a value of ``Job.Kind``)."""
    KINDS[name] = kind


def start(
    kind: str,
    paths: list[Path],
    user_id: int | None,
    dry_run: bool,
    source: Job | None = None,
    options: dict | None = None,
) -> Job:
    """Queue a job of ``kind`` on ``paths`` (under ``upload_root()``); returns the queued job.

    ``options``: the kind's keyword options (others are a ValueError); empty values dropped.
    With ``LANDCYCLE_WEB_SYNC_JOBS`` (tests) the job runs before this returns.
    """
    options = options or {}
    unknown = set(options) - set(KINDS[kind].options)
    if unknown:
        raise ValueError(f"unknown {kind} options: {sorted(unknown)}")
    with transaction.atomic(using=_db()):  # the job and its queue entry together or neither
        job = Job.objects.create(
            kind=kind,
            user_id=user_id,
            dry_run=dry_run,
            paths=[str(p) for p in paths],
            source=source,
            options={key: value for key, value in options.items() if value},
        )
        if not getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
            run_job.enqueue(str(job.pk))
    if getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
        run(job.pk)
        job.refresh_from_db()
    return job


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
        return start(
            source.kind,
            [Path(p) for p in source.paths],
            source.user_id,
            dry_run,
            source,
            source.options,
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
    kind = KINDS[job.kind]
    progress = _progress_writer(job)
    try:
        kind.run(job, progress)
        job.state = Job.State.SUCCEEDED
    except Exception as exc:  # a bug or a database failure: show it rather than hang the page
        plain = isinstance(exc, kind.plain_errors)  # its message is for the user as it is
        job.failure = (str(exc) if plain else f"{type(exc).__name__}: {exc}")[:2000]
        job.state = Job.State.FAILED
    finally:
        progress.close()
    job.finished_at = timezone.now()
    job.stage, job.done, job.total = "完成 done", 1, 1
    job.save(
        update_fields=["state", "failure", "finished_at", "batch_id", "stage", "done", "total"]
    )
    _after(job)


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
    elif job.dry_run and (job.state == Job.State.FAILED or KINDS[job.kind].result_failed(job)):
        _delete_uploads(job)
    purge_uploads()


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
    stale = [j for j in Job.objects.filter(state=Job.State.RUNNING) if not _alive(j.worker)]
    now = timezone.now()
    for job in stale:
        updated = Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.FAILED, failure=INTERRUPTED, interrupted=True, finished_at=now
        )
        on_stale = KINDS[job.kind].on_stale if job.kind in KINDS else None
        if updated and on_stale is not None:
            on_stale(job, now)
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


@task()
def run_job(job_id: str) -> None:
    """The queue's one task, for every kind of job (``KINDS``): run the job ``job_id`` (a Job's
    UUID as text) in this worker."""
    run(job_id)
