"""Permission-matrix rows of the available-land list pages (see tests/web/test_permission_matrix).

"own" is street A's draft list (the street officer's), "other" street B's published list (the
enterprise user sees published lists only; the street officer only its street's)."""

from tests.web.permission_codes import METHODS, page

# Roles: administrator, evaluation_officer, street_officer, department_reader, enterprise_user,
# no_role, anonymous.
CHANGERS = "200 200 403 403 403 403 302"  # zone officers change lists; the rest may not
CHANGERS_NO_METHOD = "405 405 403 403 403 403 302"


def changers_form():
    """A GET/POST form for the roles that may change (an empty POST: the form with its errors)."""
    return {"GET": CHANGERS, "POST": CHANGERS, **dict.fromkeys(METHODS[2:], CHANGERS_NO_METHOD)}


ROWS = {
    ("lifecycle:available_list", ""): page(),
    ("lifecycle:available_create", ""): changers_form(),
    ("lifecycle:available_detail", "own"): page("200 200 200 200 404 403 302"),
    ("lifecycle:available_detail", "other"): page("200 200 404 200 200 403 302"),
    ("lifecycle:available_add", "own"): changers_form(),
    ("lifecycle:available_add", "other"): changers_form(),
    ("lifecycle:available_from_stock", "own"): changers_form(),
    ("lifecycle:available_from_stock", "other"): changers_form(),
    # The confirm page of "publish"; an empty POST lacks the confirmation and changes nothing.
    ("lifecycle:available_step", "own"): changers_form(),
    ("lifecycle:available_step", "other"): changers_form(),
}
OBJECT_KEYS = {
    "lifecycle:available_add": "available",
    "lifecycle:available_from_stock": "available",
    "lifecycle:available_step": "available",
}
CHANGES_STATE = {"lifecycle:available_step"}


def objects(world):
    from landcycle.lifecycle.models import AvailableLandList

    return {
        "own": {"available": AvailableLandList.objects.get(jurisdiction=world.street_a)},
        "other": {"available": AvailableLandList.objects.get(jurisdiction=world.street_b)},
    }
