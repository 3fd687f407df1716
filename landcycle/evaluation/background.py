"""Evaluation work run in the background (the jobs app's queue): a new run, or a corrected run.

Pages start it through ``landcycle.web.background.start("evaluate", user_id, options)``; the
worker calls ``run_job``. Options (JSON): ``{"action": "start", "year": 2024, "policy": "…"}``
or ``{"action": "correct", "run_id": 7, "note": "…"}``. Long runs (100,000 parcels take about a
minute) report their steps through ``progress``.
"""

from __future__ import annotations

from . import services

KIND = "evaluate"


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
