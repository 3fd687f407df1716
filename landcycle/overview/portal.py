"""The public portal's data: only published lists and only their public fields, no login.

The available land is the published annual available-land list (年度可供土地清单) of
``landcycle.lifecycle``; its public fields are the lifecycle rules'. The A list comes from the
current results (the final run of each zone's adopted policy), with the fields ``disclosure.toml`` names.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from landcycle.evaluation.disclosure import disclosure
from landcycle.ledger import models as ledger
from landcycle.web import cache
from landcycle.web.maps import OUTLINE_ZOOM, BBox, overlapping, simplified

# Labels of the lifecycle list's public fields, in display order.
AVAILABLE_LABELS = {
    "parcel_code": _("Parcel code"),
    "name": _("Name"),
    "jurisdiction": _("Location"),
    "land_use": _("Land use"),
    "area_m2": _("Area (m²)"),
    "category": _("Land category"),
    "cost_10k_cny": _("Land cost (10k CNY)"),
    "conditions": _("Conditions"),
    "procedure": _("Procedure"),
    "time_days": _("Time to supply (days)"),
}


def _public_fields() -> list[str]:
    from landcycle.lifecycle.rules import rules

    return list(rules().get("available_land", "public_fields"))


# The portal sees what ``restrict`` gives the public, whoever is logged in.
PUBLIC = AnonymousUser()


def _published_entries():
    from landcycle.lifecycle.models import AvailableLandEntry, AvailableLandList

    return AvailableLandEntry.objects.filter(
        land_list__status=AvailableLandList.Status.PUBLISHED,
        parcel__in=available_parcels(),
    )


def available_parcels() -> QuerySet:
    """Parcels on a published available-land list (the public's rows of Parcel)."""
    from landcycle.core.permissions import restricted

    return restricted(ledger.Parcel, PUBLIC)


def available_columns() -> list[tuple[str, str]]:
    """The available-land columns the portal shows: ``[(key, Chinese label)]`` of the public fields
    in the lifecycle rules (``[available_land] public_fields``), in display order.
    """
    public = set(_public_fields())
    return [(key, label) for key, label in AVAILABLE_LABELS.items() if key in public]


def available_land() -> list[dict]:
    """Rows of the published lists: public fields only, geometry left for the map."""
    from landcycle.lifecycle.services.available import published_available_land

    rows = published_available_land()
    for row in rows:
        row.pop("geometry_wkt", None)
        if "category" in row:
            row["category"] = row.get("category_label", row["category"])
    return rows


def available_features(box: BBox, zoom: int, limit: int = 2000) -> dict:
    """The published available land overlapping ``box`` as a GeoJSON FeatureCollection (dict):
    geometries simplified for ``zoom``, public fields only as properties (area in m², cost in
    万元); at most ``limit`` features.
    """
    public = set(_public_fields())
    entries = overlapping_entries(box).select_related("parcel__jurisdiction")[:limit]
    features = []
    for entry in entries:
        parcel = entry.parcel
        geometry = simplified(parcel.geometry_wkt, zoom) if parcel.geometry_wkt else None
        if geometry is None:
            continue
        values = {
            "parcel_code": parcel.code,
            "name": parcel.name,
            "jurisdiction": parcel.jurisdiction.name,
            "land_use": parcel.land_use,
            "area_m2": parcel.registered_area_m2,
            "category": entry.get_category_display(),
            "cost_10k_cny": entry.cost_10k_cny,
            "conditions": entry.conditions,
            "procedure": entry.procedure,
            "time_days": entry.time_days,
        }
        properties = {k: v for k, v in values.items() if k in public}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "kind": "available", "features": features}


def overlapping_entries(box: BBox):
    """The published available-land entries whose parcel (with a geometry) overlaps ``box``."""
    parcels = overlapping(available_parcels().exclude(geometry_wkt=""), box)
    return _published_entries().filter(parcel__in=parcels)


def published_a_list() -> tuple[object, list[dict]]:
    """The A list of the current results (final runs of the adopted policies), public fields
    only; a what-if run never reaches it (``evaluation.services.current_runs``).

    ``(run, rows)``: the first zone's current run and one dict per listed parcel (by parcel
    code) with the fields ``disclosure.toml`` names. Read once per ledger data version and set
    of current runs (``web.cache``; tens of thousands of rows on a large district): results
    are written once and never change, names follow the ledger."""
    from landcycle.evaluation import services as evaluation

    found = evaluation.current_runs()
    if not found:
        return None, []
    key = ("portal.a_list", tuple((c.zone and c.zone.path, c.run.pk) for c in found))
    return found[0].run, cache.remember(key, lambda: _a_list_rows(found))


def _a_list_rows(found) -> list[dict]:
    from landcycle.core.permissions import restricted
    from landcycle.evaluation.adoption import current_results_q
    from landcycle.evaluation.models import EvaluationResult

    rules = disclosure()["a_list"]
    # Plain values, not results: instances would each get their reasons written (Polars).
    rows = (
        restricted(EvaluationResult, PUBLIC)
        .filter(current_results_q(found))
        .order_by("parcel_code")
        .values_list("parcel_code", "holder__name", "parcel__jurisdiction__name", "run__year")
    )
    listed = []
    for code, holder, street, year in rows:
        values = {"parcel_code": code, "holder": holder or "", "street": street or "", "year": year}
        listed.append({key: values[key] for key in rules["fields"]})
    return listed


def street_outlines() -> dict:
    """The imported outlines (辖区 sheet 边界) of the districts, streets and zones as a GeoJSON
    FeatureCollection (dict; properties: ``name`` only; administrative boundaries are public).
    Jurisdictions without an outline are left out: a box around parcels would say little and
    would outline land the public does not see. Read once per data version (``web.cache``)."""

    def compute():
        rows = ledger.JurisdictionBoundary.objects.order_by("jurisdiction__path").values_list(
            "jurisdiction__name", "wkt"
        )
        features = []
        for name, wkt in rows:
            geometry = simplified(wkt, OUTLINE_ZOOM)
            if geometry is not None:
                features.append(
                    {"type": "Feature", "geometry": geometry, "properties": {"name": name}}
                )
        return {"type": "FeatureCollection", "kind": "streets", "features": features}

    return cache.remember(("portal.street_outlines",), compute)
