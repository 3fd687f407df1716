"""The public portal's data: only what ``disclosure.toml`` names, with no login."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from django.db.models import QuerySet

from landcycle.ledger import models as ledger

from .mapdata import BBox, overlapping, simplified
from .services import m2_to_ha

DISCLOSURE_FILE = Path(__file__).with_name("disclosure.toml")


@cache
def disclosure() -> dict:
    with DISCLOSURE_FILE.open("rb") as handle:
        return tomllib.load(handle)


def available_parcels() -> QuerySet:
    """Land offered for supply. Until the lifecycle available-land list lands: parcels with
    no right holder (approved but unsupplied, 批而未供)."""
    return ledger.Parcel.objects.filter(holder__isnull=True).select_related("jurisdiction")


def _available_row(parcel: ledger.Parcel) -> dict:
    values = {
        "code": parcel.code,
        "street": parcel.jurisdiction.name,
        "area_ha": round(m2_to_ha(parcel.registered_area_m2), 4),
        "land_use": parcel.land_use,
        "supply_method": parcel.get_supply_method_display(),
        "conditions": (parcel.extra or {}).get("供地条件", ""),
    }
    return {key: values[key] for key in disclosure()["available_land"]["fields"]}


def available_land(limit: int = 500) -> list[dict]:
    return [_available_row(p) for p in available_parcels().order_by("code")[:limit]]


def available_features(box: BBox, zoom: int, limit: int = 2000) -> dict:
    parcels = overlapping(available_parcels().exclude(geometry_wkt=""), box)[:limit]
    features = []
    for parcel in parcels:
        geometry = simplified(parcel.geometry_wkt, zoom)
        if geometry is not None:
            features.append(
                {"type": "Feature", "geometry": geometry, "properties": _available_row(parcel)}
            )
    return {"type": "FeatureCollection", "kind": "available", "features": features}


def published_a_list() -> tuple[object, list[dict]]:
    """The A list of the latest final run (已生效), public fields only."""
    try:
        from landcycle.evaluation.models import EvaluationResult, EvaluationRun
    except ImportError:
        return None, []
    rules = disclosure()["a_list"]
    run = EvaluationRun.objects.filter(status="final").order_by("-year", "-id").first()
    if run is None:
        return None, []
    results = (
        EvaluationResult.objects.filter(run=run, klass__in=rules["classes"])
        .select_related("holder", "parcel__jurisdiction")
        .order_by("parcel_code")
    )
    rows = []
    for result in results:
        values = {
            "parcel_code": result.parcel_code,
            "holder": result.holder.name if result.holder else "",
            "street": result.parcel.jurisdiction.name if result.parcel else "",
            "year": run.year,
        }
        rows.append({key: values[key] for key in rules["fields"]})
    return run, rows
