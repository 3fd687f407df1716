"""Pages that combine the apps: the dashboard and the officers' map."""

from __future__ import annotations

import hashlib

import orjson
from django.db.models import Q
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import path
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action, restricted, scope_of
from landcycle.evaluation.current import current_run
from landcycle.ledger import models as ledger
from landcycle.web import cache, maps
from landcycle.web.decorators import requires
from landcycle.web.maps import map_settings
from landcycle.web.navigation import MenuItem

from . import mapdata, services

MENU = [
    MenuItem("Dashboard", "overview:dashboard", order=10),
    MenuItem("Map", "overview:map", order=40),
]


# ---- dashboard ----------------------------------------------------------------------------


@requires(Action.VIEW)
@require_safe
def dashboard(request):
    """The dashboard (总览): the user's restricted figures (``overview.services.dashboard``)."""
    return render(request, "overview/dashboard.html", {"data": services.dashboard(request.user)})


# ---- map ----------------------------------------------------------------------------------


@requires(Action.VIEW)
@require_safe
def map_view(request):
    """The officers' map page, opened on the extent of the user's parcels."""
    box = maps.extent(restricted(ledger.Parcel, request.user))
    return render(
        request,
        "overview/map.html",
        {"map_settings": map_settings(extent=box)},
    )


def _on_available_list() -> Q:
    from landcycle.lifecycle.models import AvailableLandEntry

    return Q(pk__in=AvailableLandEntry.objects.values("parcel_id"))


LAYERS = {
    "parcels": Q,
    "control_line": lambda: Q(in_control_line=True),
    "available": _on_available_list,  # on an available-land list (draft or published)
}


@requires(Action.VIEW)
@require_safe
@gzip_page
def map_parcels(request):
    """The user's parcels of ``?layer=`` (parcels, control_line, available) in ``?bbox=`` at
    ``?zoom=`` (0–22) as gzipped GeoJSON; 400 for an unknown layer or a bad bbox/zoom; an
    ETag (data version, current run, scope, request) answers 304 when unchanged.
    """
    layer = request.GET.get("layer", "parcels")
    if layer not in LAYERS:
        return HttpResponseBadRequest("unknown layer")
    try:
        box = maps.BBox.parse(request.GET.get("bbox"))
        zoom = max(0, min(int(request.GET.get("zoom", "14")), 22))
    except (maps.BadBBox, ValueError) as exc:
        return HttpResponseBadRequest(str(exc))
    tag = _map_etag(request, layer)
    if tag is not None and tag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        parcels = restricted(ledger.Parcel, request.user).filter(LAYERS[layer]())
        response = JsonResponse(mapdata.parcel_features(request.user, parcels, box, zoom))
    if tag is not None:
        # Browsers revalidate each view; an unchanged one costs a 304 and no geometry work.
        response["ETag"] = tag
        response["Cache-Control"] = "private, no-cache"
    return response


# Layers whose content follows the ledger's change log and the current run only (the
# available-land lists change through the lifecycle app, outside the change log).
_ETAG_LAYERS = {"parcels", "control_line"}


def _map_etag(request, layer: str) -> str | None:
    """The view's version: ledger data version, current run and its status, the user's scope
    and the exact request."""
    if layer not in _ETAG_LAYERS:
        return None
    run = current_run(request.user)
    key = repr(
        (
            cache.data_version(),
            (run.pk, run.status) if run is not None else None,
            request.user.pk,
            scope_of(request.user),
            request.get_full_path(),
        )
    )
    return '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'


@requires(Action.VIEW)
@require_safe
def map_streets(request):
    """The streets of the user's parcels as GeoJSON: each street's imported outline (辖区 sheet
    边界), else the box around its parcels (``web.maps.street_extents``; ``properties.outline``
    says which). Computed once per scope and data version (one GROUP BY and one read of the
    outlines), then served from memory."""
    parcels = restricted(ledger.Parcel, request.user)

    def body() -> bytes:
        outlines = maps.outline_geometries(ledger.JurisdictionBoundary.objects.all())
        return orjson.dumps(maps.street_extents(parcels, outlines))

    # The answer's bytes, kept per scope (the restricted query) and data version: outlines
    # are tens of kilobytes of JSON, written once rather than on every page view.
    content = cache.value("map_streets", parcels, cache.data_version(), body)
    return HttpResponse(content, content_type="application/json")


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("map/", map_view, name="map"),
    path("map/parcels.geojson", map_parcels, name="map_parcels"),
    path("map/streets.geojson", map_streets, name="map_streets"),
]
