"""Permission-matrix rows of the admission pages (see tests/web/test_permission_matrix.py).

Officers (HANDLE) record applications and steps; an enterprise user (SUBMIT) applies in its own
name and answers material requests; a street officer reaches only applications in its streets."""

import datetime as dt

from tests.web.permission_codes import METHODS, OWN_ONLY, page

HANDLERS = "200 200 200 403 403 403 302"
HANDLERS_OWN = "200 200 404 403 403 403 302"
HANDLERS_NO_METHOD = "405 405 405 403 403 403 302"
# The administrator has no enterprise: "apply" sends it to the officers' form.
SUBMITTERS = "302 403 403 403 200 403 302"
SUBMITTERS_NO_METHOD = "405 403 403 403 405 403 302"


def _form(code, other=HANDLERS_NO_METHOD):
    return {"GET": code, "POST": code, **dict.fromkeys(METHODS[2:], other)}


ROWS = {
    ("lifecycle:admission_list", ""): page(),
    ("lifecycle:admission_create", ""): _form(HANDLERS),  # an empty form: shown with errors
    ("lifecycle:admission_apply", ""): _form(SUBMITTERS, SUBMITTERS_NO_METHOD),
    ("lifecycle:admission_detail", "own"): page(),
    ("lifecycle:admission_detail", "other"): page(OWN_ONLY),
    ("lifecycle:admission_decision", "own"): page(),
    ("lifecycle:admission_decision", "other"): page(OWN_ONLY),
    ("lifecycle:admission_step", "own"): _form(HANDLERS),
    ("lifecycle:admission_step", "other"): _form(HANDLERS_OWN),
}
KWARGS = {"lifecycle:admission_step": {"step": "assess"}}
OBJECT_KEYS = {
    "lifecycle:admission_step": "admission",
    "lifecycle:admission_decision": "admission_decided",
}
CHANGES_STATE = {"lifecycle:admission_step", "lifecycle:admission_create"}


def objects(world):
    """Made once per world (the permission tests ask for them once per route)."""
    if not hasattr(world, "_admission_objects"):
        world._admission_objects = _make(world)
    return world._admission_objects


def _make(world):
    from landcycle.lifecycle.models import AdmissionApplication
    from landcycle.lifecycle.services import admission

    def application(street, enterprise, **extra):
        return AdmissionApplication.objects.create(
            enterprise=enterprise,
            enterprise_name=enterprise.name,
            jurisdiction=street,
            industry_field="medical_devices",
            supply_method="tender_auction",
            land_area_m2=20_000,
            planned_investment_10k_cny=30_000,
            received_on=dt.date(2025, 3, 3),
            **extra,
        )

    decided = {}
    for key, street, enterprise in (
        ("own", world.street_a, world.ent_a),
        ("other", world.street_b, world.ent_b),
    ):
        app = application(street, enterprise, status="assessed", proposed_class="B")
        decided[key] = admission.decide(
            app, approve=True, on=dt.date(2025, 3, 10), document="门园准〔2025〕1号"
        )
    return {
        "own": {
            "admission": application(world.street_a, world.ent_a),
            "admission_decided": decided["own"],
        },
        "other": {
            "admission": application(world.street_b, world.ent_b),
            "admission_decided": decided["other"],
        },
    }
