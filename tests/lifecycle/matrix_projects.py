"""Permission-matrix rows of the project library pages (see tests/web/test_permission_matrix).

"own": a project whose leading jurisdiction is street A; "other": street B's. Enterprises see
none of the library."""

from tests.web.permission_codes import OWN_ONLY, page

from .matrix_available import changers_form
from .matrix_renewal import HANDLERS, _step

ROWS = {
    ("lifecycle:project_list", ""): page(),
    ("lifecycle:project_create", ""): changers_form(),
    ("lifecycle:project_detail", "own"): page("200 200 200 200 404 403 302"),
    ("lifecycle:project_detail", "other"): page(OWN_ONLY),
    ("lifecycle:project_step", "own"): _step(HANDLERS),
    ("lifecycle:project_step", "other"): _step("200 200 404 403 403 403 302"),
}
KWARGS = {"lifecycle:project_step": {"step": "progress"}}
OBJECT_KEYS = {"lifecycle:project_step": "project"}
CHANGES_STATE = {"lifecycle:project_step"}


def objects(world):
    import datetime as dt

    from landcycle.lifecycle.models import ProjectLead

    def lead(street):
        # Called once per route (pk_values): the same object every time.
        return ProjectLead.objects.get_or_create(
            name=f"{street.name}首谈项目",
            leading_district=street,
            defaults={"total_investment_10k_cny": 20_000, "first_talk_on": dt.date(2026, 1, 5)},
        )[0]

    return {"own": {"project": lead(world.street_a)}, "other": {"project": lead(world.street_b)}}
