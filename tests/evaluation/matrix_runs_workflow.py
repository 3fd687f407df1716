"""Permission-matrix rows of a run's life from the browser (evaluation/views/runs_workflow.py):
start (EVALUATE), its background job, publish / finalize / correct (PUBLISH). An empty POST is
the form shown again with its errors (400): nothing changes."""

from tests.web.permission_codes import METHODS

EVALUATORS = "200 200 403 403 403 403 302"
EVALUATORS_BAD_FORM = "400 400 403 403 403 403 302"
EVALUATORS_NO_METHOD = "405 405 403 403 403 403 302"


def _form(get=EVALUATORS):
    return {
        "GET": get,
        "POST": EVALUATORS_BAD_FORM,
        **dict.fromkeys(METHODS[2:], EVALUATORS_NO_METHOD),
    }


ROWS = {
    ("evaluation:run_start", ""): _form(),
    # The job id the matrix gives is an import job: not an evaluation job, so not found.
    ("evaluation:run_job", ""): {
        "GET": "404 404 403 403 403 403 302",
        **dict.fromkeys(METHODS[1:], EVALUATORS_NO_METHOD),
    },
    **{
        (route, variant): _form()
        for route in ("evaluation:run_publish", "evaluation:run_finalize", "evaluation:run_correct")
        for variant in ("own", "other")
    },
}

OBJECT_KEYS = {
    "evaluation:run_publish": "run",
    "evaluation:run_finalize": "run",
    "evaluation:run_correct": "run",
}
