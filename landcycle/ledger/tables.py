"""Tables of the ledger's list pages and exports (parcels, enterprises)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from landcycle.core.units import m2_to_ha
from landcycle.web.tables import Column, Table

from . import models as ledger


def _ha(value):
    ha = m2_to_ha(value)
    return None if ha is None else round(ha, 4)


def _display(choices) -> Callable[[object], str]:
    """value → its choice label in the active language ("" for a value not among them)."""
    labels = dict(choices)

    def display(value) -> str:
        label = labels.get(value)
        return "" if label is None else str(label)

    return display


_supply_method = _display(ledger.Parcel.SupplyMethod.choices)
_project_type = _display(ledger.Parcel.ProjectType.choices)
_scale = _display(ledger.Enterprise.Scale.choices)

PARCELS = Table(
    name="parcels",
    columns=(
        Column("code", _("Parcel code"), lambda p: p["code"], "code", link=True),
        Column("name", _("Name"), lambda p: p["name"], "name"),
        Column("street", _("Street"), lambda p: p["jurisdiction__name"], "jurisdiction__name"),
        Column("holder", _("Right holder"), lambda p: p["holder__name"] or "", "holder__name"),
        Column(
            "area_ha", _("Area (ha)"), lambda p: _ha(p["registered_area_m2"]), "registered_area_m2"
        ),
        Column("land_use", _("Land use"), lambda p: p["land_use"], "land_use"),
        Column(
            "supply",
            _("Supply method"),
            lambda p: _supply_method(p["supply_method"]),
            "supply_method",
        ),
        Column(
            "project", _("Project type"), lambda p: _project_type(p["project_type"]), "project_type"
        ),
        Column("far", _("Floor-area ratio"), lambda p: p["far"], "far"),
    ),
    default_order="code",
    values=(
        "code",
        "name",
        "jurisdiction__name",
        "holder__name",
        "registered_area_m2",
        "land_use",
        "supply_method",
        "project_type",
        "far",
    ),
)

ENTERPRISES = Table(
    name="enterprises",
    columns=(
        Column("name", _("Enterprise"), lambda e: e["name"], "name", link=True),
        Column("uscc", _("USCC"), lambda e: e["uscc"], "uscc"),
        Column("industry_code", _("Industry code"), lambda e: e["industry_code"], "industry_code"),
        Column("scale", _("Scale"), lambda e: _scale(e["scale"]), "scale"),
        Column("tags", _("Tags"), lambda e: "，".join(e["tags"] or []), None),
    ),
    default_order="uscc",
    values=("name", "uscc", "industry_code", "scale", "tags"),
)
