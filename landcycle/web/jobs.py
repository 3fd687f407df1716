"""Background imports in the web process: a thread per job, its state in a small JSON file.

No Celery or Redis. The state lives in a file under the data directory (not in memory), so any
worker process of ``landcycle serve --workers N`` can show a job's progress, and it survives a
restart. The import service records every run as an ``ImportBatch`` in the database.
``LANDCYCLE_WEB_SYNC_JOBS`` runs jobs inline (tests).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

_JOB_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass
class Job:
    id: str
    user_id: int
    paths: list[str]
    dry_run: bool
    stage: str = "排队 queued"
    done: int = 0
    total: int = 1
    finished: bool = False
    batch_id: int | None = None
    failure: str = ""
    profile: str = ""  # column profile name (imports.profiles), "" = none
    street: str = ""  # 所属街道 for 宗地 rows without one

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def file_name(self) -> str:
        return Path(self.paths[0]).name if self.paths else ""


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _state_file(job_id: str) -> Path:
    return upload_dir() / "jobs" / f"{job_id}.json"


def save(job: Job) -> None:
    """Write the state atomically (readers never see half a file)."""
    target = _state_file(job.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(json.dumps(dataclasses.asdict(job), ensure_ascii=False))
    os.replace(temporary, target)


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
    """The job if it exists and belongs to ``user_id``."""
    if not _JOB_ID.match(job_id or ""):
        return None
    try:
        data = json.loads(_state_file(job_id).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    job = Job(**data)
    return job if job.user_id == user_id else None


def start(
    paths: list[Path], user_id: int, dry_run: bool, profile: str = "", street: str = ""
) -> Job:
    job = Job(
        id=uuid.uuid4().hex,
        user_id=user_id,
        paths=[str(p) for p in paths],
        dry_run=dry_run,
        profile=profile,
        street=street,
    )
    save(job)
    if getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
        _run(job)
    else:
        threading.Thread(target=_run, args=(job,), daemon=True, name=f"import-{job.id}").start()
    return job


def _run(job: Job) -> None:
    from landcycle.imports.services import run_import

    def progress(stage: str, done: int, total: int) -> None:
        job.stage, job.done, job.total = stage, done, max(total, 1)
        save(job)

    try:
        result = run_import(
            [Path(p) for p in job.paths],
            dry_run=job.dry_run,
            user_id=job.user_id,
            progress=progress,
            profile=job.profile or None,
            street=job.street or None,
        )
        job.batch_id = result.batch.pk
    except Exception as exc:  # a reader or writer bug: show it rather than hang the page
        job.failure = f"{type(exc).__name__}: {exc}"
    finally:
        job.finished = True
        save(job)
        if not getattr(settings, "LANDCYCLE_WEB_SYNC_JOBS", False):
            close_old_connections()


__all__ = ["Job", "get", "save", "save_upload", "start"]
