"""The import page's background jobs: uploads stored for a job, and jobs found for their user.

Jobs themselves (queue, worker, progress, clean-up) are ``landcycle.jobs``; this module keeps
what is particular to the web: where an upload goes and that a user sees only their own jobs.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from landcycle.jobs.models import Job
from landcycle.jobs.services import JobError, follow, upload_root

from .jobs import start_import


def upload_dir() -> Path:
    return upload_root()


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
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return Job.objects.filter(pk=key, user_id=user_id).first()


def start(
    paths: list[Path], user_id: int, dry_run: bool, profile: str = "", street: str = ""
) -> Job:
    """Queue an import of uploaded files with the form's column profile and 所属街道."""
    return start_import(paths, user_id, dry_run, options={"profile": profile, "street": street})


__all__ = ["Job", "JobError", "follow", "get", "save_upload", "start"]
