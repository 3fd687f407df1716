"""Permission-matrix rows of the public notice and objections (evaluation/views/notice.py).

Objects: a run of the adopted policy on public notice with results for parcel A (enterprise A's,
street A) and parcel B (outside both scopes), and an objection to each."""

import datetime as dt

from landcycle.evaluation.models import Objection
from tests.web.factories import EvaluationResultFactory, EvaluationRunFactory
from tests.web.permission_codes import METHODS, NO_METHOD, OWN_ONLY, PAGE_NO_METHOD, page, public

SUBMITTERS = "200 403 403 403 200 403 302"  # administrators and enterprise users
SUBMITTERS_NO_METHOD = "405 403 403 403 405 403 302"
OFFICERS = "200 200 403 403 403 403 302"  # PUBLISH: administrators and evaluation officers
OFFICERS_BAD_FORM = "400 400 403 403 403 403 302"
OFFICERS_NO_METHOD = "405 405 403 403 403 403 302"
NONE_FOUND = "404 404 404 404 404 404 404"


def _officers():
    return {
        "GET": OFFICERS,
        "POST": OFFICERS_BAD_FORM,
        **dict.fromkeys(METHODS[2:], OFFICERS_NO_METHOD),
    }


ROWS = {
    ("evaluation:notice_index", ""): public(),
    ("evaluation:notice_run", "own"): public(),
    # A draft is no public notice: not found, whoever asks.
    ("evaluation:notice_run", "other"): public(NONE_FOUND),
    ("evaluation:my_results", ""): {
        "GET": SUBMITTERS,
        **dict.fromkeys(METHODS[1:], SUBMITTERS_NO_METHOD),
    },
    ("evaluation:objection_new", "own"): {
        "GET": SUBMITTERS,
        "POST": "400 403 403 403 400 403 302",  # an empty form: shown again with its errors
        **dict.fromkeys(METHODS[2:], SUBMITTERS_NO_METHOD),
    },
    ("evaluation:objection_new", "other"): {
        "GET": "200 403 403 403 404 403 302",
        "POST": "400 403 403 403 404 403 302",
        **dict.fromkeys(METHODS[2:], SUBMITTERS_NO_METHOD),
    },
    ("evaluation:objection_detail", "own"): page(),
    ("evaluation:objection_detail", "other"): page(OWN_ONLY),
    ("evaluation:objection_answer", "own"): _officers(),
    ("evaluation:objection_answer", "other"): _officers(),
    # These objections carry no file: found (or not) as the objection, then no file.
    ("evaluation:objection_file", "own"): page("404 404 404 404 404 403 302"),
    ("evaluation:objection_file", "other"): page("404 404 404 404 404 403 302"),
}

OBJECT_KEYS = {
    "evaluation:notice_run": "notice_run",
    "evaluation:objection_new": "notice_result",
    "evaluation:objection_detail": "objection",
    "evaluation:objection_answer": "objection",
    "evaluation:objection_file": "objection",
}

__all__ = ["NO_METHOD", "PAGE_NO_METHOD"]


def objects(world):
    w = world
    today = dt.date.today()
    run = EvaluationRunFactory(
        year=2025,
        status="notice",
        notice_public=True,
        notice_days=7,
        notice_start=today,
        notice_end=today + dt.timedelta(days=6),
    )
    own = EvaluationResultFactory(run=run, parcel=w.parcel_a, klass="B")
    other = EvaluationResultFactory(run=run, parcel=w.parcel_b, klass="C")

    def objection(parcel, enterprise):
        return Objection.objects.create(
            run=run, parcel=parcel, enterprise=enterprise, raised_by="企业", text="异议",
            raised_on=today,
        )  # fmt: skip

    return {
        "own": {
            "notice_run": run,
            "notice_result": own,
            "objection": objection(w.parcel_a, w.ent_a),
        },
        "other": {
            "notice_run": w.run_draft,
            "notice_result": other,
            "objection": objection(w.parcel_b, w.ent_b),
        },
    }
