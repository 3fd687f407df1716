"""Evaluation work as background jobs of the queue (``landcycle.jobs``): a new run, or a
corrected run, with progress. Registered with the queue by ``EvaluationConfig.ready``.

Options (JSON): ``{"action": "start", "year": 2024, "policy": "…", "note": "…"}`` or
``{"action": "correct", "run_id": 7, "note": "…"}``. The job's result is ``{"run_id": id}``.
A refusal (``EvaluationError``) is shown to the user as its message (Chinese first).
"""

from __future__ import annotations

from collections.abc import Callable

from landcycle.core.context import changes_by
from landcycle.jobs.models import Job
from landcycle.jobs.services import JobKind, register_kind, start

from . import services

KIND = Job.Kind.EVALUATE
OPTIONS = ("action", "year", "policy", "note", "run_id")


def run_job(options: dict, progress: services.Progress) -> dict:
    """Do what ``options`` asks; returns ``{"run_id": id}`` of the new run.

    Raises ``services.EvaluationError`` (Chinese reason first) when the work is refused.
    """
    action = options.get("action")
    if action == "start":
        run = services.run_evaluation(
            int(options["year"]), options["policy"], note=options.get("note", ""), progress=progress
        )
    elif action == "correct":
        run = services.correct(
            services.find_run(int(options["run_id"])), options.get("note", ""), progress=progress
        )
    else:
        raise ValueError(f"unknown evaluation job action {action!r}")
    return {"run_id": run.pk}


def _run(job: Job, progress: Callable[[str, int, int], None]) -> None:
    with changes_by(user_id=job.user_id, source="web 评价任务 evaluation job"):
        job.result = run_job(job.options, progress)


def register() -> None:
    register_kind(
        KIND, JobKind(run=_run, options=OPTIONS, plain_errors=(services.EvaluationError,))
    )


def start_job(user_id: int | None, options: dict) -> Job:
    """Queue an evaluation job for ``user_id`` (with LANDCYCLE_WEB_SYNC_JOBS it runs now)."""
    return start(KIND, [], user_id, False, options=options)


def find_job(job_id, user_id: int | None) -> Job | None:
    """The user's evaluation job ``job_id`` (a UUID as text), or None."""
    import uuid

    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return Job.objects.filter(pk=key, user_id=user_id, kind=KIND).first()
