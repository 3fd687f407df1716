"""Permission-matrix rows of the supervision agreement pages (tests/web/test_permission_matrix.py).

Everyone with a role reads the agreements in their scope; officers (HANDLE) register them and
record their steps; a street officer reaches only agreements on parcels in its streets."""

import datetime as dt

from tests.lifecycle.matrix_admission import HANDLERS, HANDLERS_NO_METHOD, HANDLERS_OWN, _form
from tests.web.permission_codes import OWN_ONLY, page

ROWS = {
    ("lifecycle:agreement_list", ""): page(),
    ("lifecycle:agreement_review", ""): page(),
    ("lifecycle:agreement_create", ""): _form(HANDLERS),  # an empty form: shown with errors
    ("lifecycle:agreement_detail", "own"): page(),
    ("lifecycle:agreement_detail", "other"): page(OWN_ONLY),
    # An empty expiry form (no confirmation): shown again with its errors, nothing changes.
    ("lifecycle:agreement_step", "own"): _form(HANDLERS, HANDLERS_NO_METHOD),
    ("lifecycle:agreement_step", "other"): _form(HANDLERS_OWN, HANDLERS_NO_METHOD),
}
KWARGS = {"lifecycle:agreement_step": {"step": "expire"}}
OBJECT_KEYS = {"lifecycle:agreement_step": "agreement"}
CHANGES_STATE = {"lifecycle:agreement_step", "lifecycle:agreement_create"}


def objects(world):
    """Made once per world (the permission tests ask for them once per route)."""
    if not hasattr(world, "_agreement_objects"):
        world._agreement_objects = _make(world)
    return world._agreement_objects


def _make(world):
    from landcycle.lifecycle.services import agreements

    def agreement(number, parcel, enterprise):
        return agreements.create_agreement(
            number=number, parcel=parcel, enterprise=enterprise, signed_on=dt.date(2021, 6, 1)
        )

    return {
        "own": {"agreement": agreement("LY-OWN", world.parcel_a, world.ent_a)},
        "other": {"agreement": agreement("LY-OTHER", world.parcel_b, world.ent_b)},
    }
