"""Permission-matrix rows of the stock-land pages (collected by tests/web/test_permission_matrix).

Street officers start a disposal and report progress in their streets (rules.toml [stockland]
street_officer_steps); the identification and the other steps are the zone's (Action.CHANGE)."""

from __future__ import annotations

import datetime as dt

from tests.lifecycle.matrix_exits import handle
from tests.web.permission_codes import METHODS, OWN_ONLY, page

HANDLERS_OWN = "200 200 404 403 403 403 302"
ZONE_NO_METHOD = "405 405 403 403 403 403 302"

ROWS = {
    ("lifecycle:stockland_list", ""): page(),
    ("lifecycle:stockland_rate", ""): page(),
    # Running the identification: zone officers, POST only; back to the list with a message.
    ("lifecycle:stockland_identify", ""): {
        "POST": "302 302 403 403 403 403 302",
        **{m: ZONE_NO_METHOD for m in METHODS if m != "POST"},
    },
    ("lifecycle:stockland_detail", "own"): page(),
    ("lifecycle:stockland_detail", "other"): page(OWN_ONLY),
    ("lifecycle:stockland_step", "own"): handle(),
    ("lifecycle:stockland_step", "other"): handle(HANDLERS_OWN),
}
KWARGS = {"lifecycle:stockland_step": {"step": "progress"}}
OBJECT_KEYS = {"lifecycle:stockland_detail": "stock_case", "lifecycle:stockland_step": "stock_case"}
CHANGES_STATE = {"lifecycle:stockland_identify"}


def objects(world):
    """Made once per world (the permission tests may ask for every route)."""
    if not hasattr(world, "_stockland_matrix_objects"):
        world._stockland_matrix_objects = _make(world)
    return world._stockland_matrix_objects


def _make(world):
    from landcycle.lifecycle.models import StockLandCase
    from landcycle.lifecycle.services import stockland

    out = {}
    for key, parcel in (("own", world.parcel_a), ("other", world.parcel_b)):
        case = StockLandCase.objects.create(
            parcel=parcel,
            category="idle",
            identified_on=dt.date(2025, 1, 6),
            basis=["约定开工日期后满1年未动工"],
            idle_since=dt.date(2023, 6, 1),
        )
        stockland.transition(
            case,
            "plan",
            on=dt.date(2025, 1, 10),
            plan="限期开工",
            task_force="专班",
            lead_unit="局",
        )
        out[key] = {"stock_case": case}
    return out
