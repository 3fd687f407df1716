"""Imports as background jobs: the import's kind registered with the queue (``landcycle.jobs``),
and ``start_import`` for the pages and scripts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from landcycle.jobs.models import Job
from landcycle.jobs.services import INTERRUPTED, JobKind, register_kind, start

IMPORT_OPTIONS = ("profile", "street")  # run_import's keyword options a job may carry


def start_import(
    paths: list[Path],
    user_id: int | None,
    dry_run: bool,
    source: Job | None = None,
    options: dict | None = None,
) -> Job:
    """Queue an import (or, ``dry_run``, a check) of ``paths``; returns the queued job.
    ``options``: run_import's ``profile`` / ``street`` (others are a ValueError)."""
    return start(Job.Kind.IMPORT, paths, user_id, dry_run, source, options)


def _run_import(job: Job, progress: Callable[[str, int, int], None]) -> None:
    from .services import run_import

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


def _batch_has_errors(job: Job) -> bool:
    from .models import ImportBatch

    if not job.batch_id:
        return True
    return ImportBatch.objects.filter(pk=job.batch_id, status=ImportBatch.Status.FAILED).exists()


def _batch_interrupted(job: Job, now: dt.datetime) -> None:
    """The batch of an import whose worker died: failed, saying so (the import wrote nothing)."""
    from .errors import ImportProblem
    from .models import ImportBatch

    if not job.batch_id:
        return
    ImportBatch.objects.filter(pk=job.batch_id, status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.FAILED,
        finished_at=now,
        errors=[ImportProblem(job.file_name, None, None, None, INTERRUPTED).as_dict()],
    )


def register() -> None:
    """Register the import kind with the queue (``ImportsConfig.ready``)."""
    from .services import ImportConflict

    register_kind(
        Job.Kind.IMPORT,
        JobKind(
            run=_run_import,
            options=IMPORT_OPTIONS,
            plain_errors=(ImportConflict,),
            result_failed=_batch_has_errors,
            on_stale=_batch_interrupted,
        ),
    )
