"""Permission-matrix rows of the exit-proceedings pages (collected by tests/web/test_permission_matrix).

Street officers work cases in their streets (open, interview: rules.toml [exit]
street_officer_steps); zone officers every step; readers and enterprises only read."""

from __future__ import annotations

import datetime as dt

from tests.web.permission_codes import METHODS, OWN_ONLY, page

HANDLERS = "200 200 200 403 403 403 302"
HANDLERS_OWN = "200 200 404 403 403 403 302"
HANDLERS_NO_METHOD = "405 405 405 403 403 403 302"


def handle(get=HANDLERS):
    """A HANDLE form: GET and POST (an empty POST shows the form again with its errors)."""
    return {"GET": get, "POST": get, **dict.fromkeys(METHODS[2:], HANDLERS_NO_METHOD)}


ROWS = {
    ("lifecycle:exit_list", ""): page(),
    ("lifecycle:exit_new", ""): handle(),
    ("lifecycle:exit_candidates", ""): {
        "GET": HANDLERS,
        **dict.fromkeys(METHODS[1:], HANDLERS_NO_METHOD),
    },
    ("lifecycle:exit_detail", "own"): page(),
    ("lifecycle:exit_detail", "other"): page(OWN_ONLY),
    ("lifecycle:exit_document", "own"): page(),
    ("lifecycle:exit_document", "other"): page(OWN_ONLY),
    ("lifecycle:exit_step", "own"): handle(),
    ("lifecycle:exit_step", "other"): handle(HANDLERS_OWN),
}
# Putting an officer in charge: zone officers only (an empty POST leaves nobody in charge).
ZONE_ASSIGN = {
    "GET": "200 200 403 403 403 403 302",
    "POST": "302 302 403 403 403 403 302",
    **dict.fromkeys(METHODS[2:], "405 405 403 403 403 403 302"),
}
ROWS |= {
    ("lifecycle:exit_assign", "own"): ZONE_ASSIGN,
    ("lifecycle:exit_assign", "other"): ZONE_ASSIGN,
    ("lifecycle:stockland_assign", "own"): ZONE_ASSIGN,
    ("lifecycle:stockland_assign", "other"): ZONE_ASSIGN,
}
CHANGES_STATE = {"lifecycle:exit_assign", "lifecycle:stockland_assign"}
KWARGS = {"lifecycle:exit_step": {"step": "interview"}}
OBJECT_KEYS = {
    "lifecycle:exit_detail": "exit_case",
    "lifecycle:exit_step": "exit_case",
    "lifecycle:exit_document": "exit_notice_step",
    "lifecycle:exit_assign": "exit_case",
    "lifecycle:stockland_assign": "stock_case",
}


def objects(world):
    """Made once per world (the permission tests may ask for every route)."""
    if not hasattr(world, "_exit_matrix_objects"):
        world._exit_matrix_objects = _make(world)
    return world._exit_matrix_objects


def _make(world):
    from landcycle.lifecycle.services import exits
    from landcycle.lifecycle.services.calendar import seed_from_package

    seed_from_package()
    cases = {}
    for key, parcel, enterprise in (
        ("own", world.parcel_a, world.ent_a),
        ("other", world.parcel_b, world.ent_b),
    ):
        cases[key] = exits.open_case(
            enterprise=enterprise,
            parcel=parcel,
            trigger="unauthorised_disposal",
            facts="未经批准出租厂房",
            verified_on=dt.date(2025, 3, 3),
            actor_name="核查人",
            issue_notice=True,
        )
    return {
        key: {"exit_case": case, "exit_notice_step": case.steps.get()}
        for key, case in cases.items()
    }
