"""Permission-matrix rows of the renewal pages (see tests/web/test_permission_matrix).

"own": a project in street A on parcel A-0001 (enterprise A's) and a task table with a target
for street A; "other": the same in street B only."""

from tests.web.permission_codes import (
    IMPORTERS,
    IMPORTERS_NO_METHOD,
    METHODS,
    OWN_ONLY,
    page,
)

from .matrix_available import changers_form

# Roles: administrator, evaluation_officer, street_officer, department_reader, enterprise_user,
# no_role, anonymous.
HANDLERS = "200 200 200 403 403 403 302"  # zone and street officers work cases
HANDLERS_NO_METHOD = "405 405 405 403 403 403 302"


def _step(post: str):
    """A POST-only step: an empty POST is shown again with its errors, nothing changes."""
    return {"POST": post, **{m: HANDLERS_NO_METHOD for m in METHODS if m != "POST"}}


ROWS = {
    ("lifecycle:renewal_list", ""): page(),
    ("lifecycle:renewal_create", ""): changers_form(),
    ("lifecycle:renewal_measure", ""): {
        "GET": HANDLERS,
        "POST": HANDLERS,
        **dict.fromkeys(METHODS[2:], HANDLERS_NO_METHOD),
    },
    ("lifecycle:renewal_import", ""): {
        "GET": IMPORTERS,
        "POST": IMPORTERS,  # no file: the form with its errors
        **dict.fromkeys(METHODS[2:], IMPORTERS_NO_METHOD),
    },
    ("lifecycle:renewal_table", "own"): page("200 200 200 200 404 403 302"),
    ("lifecycle:renewal_table", "other"): page(OWN_ONLY),
    ("lifecycle:renewal_detail", "own"): page(),
    ("lifecycle:renewal_detail", "other"): page(OWN_ONLY),
    ("lifecycle:renewal_step", "own"): _step(HANDLERS),
    ("lifecycle:renewal_step", "other"): _step("200 200 404 403 403 403 302"),
}
OBJECT_KEYS = {"lifecycle:renewal_table": "task_table", "lifecycle:renewal_step": "renewal"}
KWARGS = {"lifecycle:renewal_step": {"step": "start"}}
CHANGES_STATE = {"lifecycle:renewal_step"}


def objects(world):
    from landcycle.lifecycle.models import RenewalProject, StreetTarget, TaskTable

    out = {}
    for variant, street, parcel in (
        ("own", world.street_a, world.parcel_a),
        ("other", world.street_b, world.parcel_b),
    ):
        # Called once per route (pk_values): the same objects every time.
        project, created = RenewalProject.objects.get_or_create(
            name=f"{street.name}区块改造",
            street=street,
            defaults={
                "kind": "block",
                "mode": "joint",
                "path": "sort_upgrade",
                "land_area_m2": 10_000,
            },
        )
        if created:
            project.parcels.set([parcel])
        table, _ = TaskTable.objects.get_or_create(
            name=f"{street.name}任务",
            district=world.district,
            defaults={
                "start_year": 2026,
                "end_year": 2026,
                "district_totals": {"blocks_renovated": 1},
            },
        )
        StreetTarget.objects.get_or_create(
            table=table,
            street=street,
            indicator="blocks_renovated",
            defaults={"value": 1, "unit": "个"},
        )
        out[variant] = {"renewal": project, "task_table": table}
    return out
