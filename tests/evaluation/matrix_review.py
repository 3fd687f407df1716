"""Permission-matrix rows of the review pages (复核结论), for every role and method."""

from tests.evaluation.pages.review_world import add_review_parcels, decided
from tests.web.permission_codes import EVALUATORS_ONLY, METHODS, OWN_ONLY, page

EVALUATE_POST = "302 302 403 403 403 403 302"  # redirected back with a message (no checkbox)
EVALUATE_NO_METHOD = "405 405 403 403 403 403 302"

ROWS = {
    ("evaluation:review_list", "own"): page(),
    ("evaluation:review_list", "other"): page(EVALUATORS_ONLY),
    # An empty decision form is shown again with its errors to evaluators; others may only read.
    ("evaluation:review_parcel", "own"): page(POST="200 200 403 403 403 403 302"),
    ("evaluation:review_parcel", "other"): page(OWN_ONLY, POST="200 200 404 403 404 403 302"),
    ("evaluation:review_confirm", "own"): {
        "POST": EVALUATE_POST,
        **{m: EVALUATE_NO_METHOD for m in METHODS if m != "POST"},
    },
    ("evaluation:review_confirm", "other"): {
        "POST": EVALUATE_POST,
        **{m: EVALUATE_NO_METHOD for m in METHODS if m != "POST"},
    },
    ("evaluation:review_evidence", "own"): page(),
    ("evaluation:review_evidence", "other"): page(OWN_ONLY),
}
OBJECT_KEYS = {
    "evaluation:review_list": "run",
    "evaluation:review_parcel": "review_result",
    "evaluation:review_confirm": "review_decision",
    "evaluation:review_evidence": "review_decision",
}
CHANGES_STATE = {"evaluation:review_confirm"}


def objects(world):
    """Made once per world (the permission tests ask for the objects more than once)."""
    if getattr(world, "review_objects", None) is None:
        world.review_objects = _made(world)
    return world.review_objects


def _made(world):
    added = add_review_parcels(world)
    return {
        "own": {
            "review_result": added.result_final_a,
            "review_decision": decided(world, added.result_final_a),
        },
        "other": {
            "review_result": added.result_final_b,
            "review_decision": decided(world, added.result_final_b),
        },
    }
