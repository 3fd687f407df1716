"""Background imports in the web process: a thread per job, progress kept in memory.

No Celery or Redis: ``landcycle serve`` is one process, so a thread and a dict suffice. The
import service records every run as an ``ImportBatch`` in the database; the dict only carries
progress while a job runs. ``LANDCYCLE_WEB_SYNC_JOBS`` runs jobs inline (tests).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections


@dataclass
class Job:
    id: str
    user_id: int
    paths: list[Path]
    dry_run: bool
    stage: str = "排队 queued"
    done: int = 0
    total: int = 1
    finished: bool = False
    batch_id: int | None = None
    failure: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


_jobs: dict[str, Job] = {}
_jobs_lock = threading.Lock()


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def save_upload(uploaded) -> Path:
    """Store an uploaded file under a fresh directory, keeping only its base name."""
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    target = folder / Path(uploaded.name).name
    with target.open("wb") as handle:
        for chunk in uploaded.chunks():
            handle.write(chunk)
    return target


def get(job_id: str, user_id: int) -> Job | None:
    job = _jobs.get(job_id)
    return job if job is not None and job.user_id == user_id else None


def start(paths: list[Path], user_id: int, dry_run: bool) -> Job:
    job = Job(id=uuid.uuid4().hex, user_id=user_id, paths=paths, dry_run=dry_run)
    with _jobs_lock:
        _jobs[job.id] = job
    if getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
        _run(job)
    else:
        threading.Thread(target=_run, args=(job,), daemon=True, name=f"import-{job.id}").start()
    return job


def _run(job: Job) -> None:
    from landcycle.imports.services import run_import

    def progress(stage: str, done: int, total: int) -> None:
        with job.lock:
            job.stage, job.done, job.total = stage, done, max(total, 1)

    try:
        result = run_import(job.paths, dry_run=job.dry_run, user_id=job.user_id, progress=progress)
        job.batch_id = result.batch.pk
    except Exception as exc:  # a reader or writer bug: show it rather than hang the page
        job.failure = f"{type(exc).__name__}: {exc}"
    finally:
        job.finished = True
        if not getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
            close_old_connections()
