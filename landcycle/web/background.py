"""Background jobs for apps below the jobs app: start one by kind, read its progress.

The queue (django-tasks) and the ``Job`` rows belong to ``landcycle.jobs``, which sits above
the apps whose pages start long work (an evaluation run of 100,000 parcels). Those pages call
``start`` / ``status`` here; the jobs app installs the implementation from its ``ready``
(``install``), as the accounts frame installs the scope loader of ``core.permissions``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class JobStatus:
    """What a page shows of a job: state (queued | running | succeeded | failed), step, share
    done (0–100), the failure text for the user, and the job's result (e.g. ``{"run_id": 7}``)."""

    id: str
    kind: str
    state: str
    state_label: str
    stage: str
    percent: int
    failure: str = ""
    result: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in ("succeeded", "failed")


class Backend(Protocol):
    def start(self, kind: str, user_id: int | None, options: dict) -> str: ...

    def status(self, job_id: str, user_id: int | None, kind: str) -> JobStatus | None: ...


_backend: list[Backend] = []


class NoBackend(RuntimeError):
    """No jobs app is installed to run background work."""


def install(backend: Backend) -> None:
    _backend[:] = [backend]


def _installed() -> Backend:
    if not _backend:
        raise NoBackend("后台任务未启用 (no background jobs backend installed)")
    return _backend[0]


def start(kind: str, user_id: int | None, options: dict) -> str:
    """Queue a job of ``kind`` for ``user_id`` with ``options`` (JSON); returns its id."""
    return _installed().start(kind, user_id, options)


def status(job_id: str, user_id: int | None, kind: str) -> JobStatus | None:
    """The job if it exists, is of ``kind`` and belongs to ``user_id``; else None."""
    return _installed().status(job_id, user_id, kind)
