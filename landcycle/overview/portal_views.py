"""Public portal (/portal/): no login, only the disclosed fields."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from landcycle.web import maps as mapdata

from . import portal


@require_safe
def index(request):
    run, a_list = portal.published_a_list()
    box = mapdata.extent(portal.available_parcels())
    return render(
        request,
        "portal/index.html",
        {
            "available": portal.available_land(),
            "available_columns": portal.available_columns(),
            "a_run": run,
            "a_list": a_list,
            "a_rules": portal.disclosure()["a_list"],
            "map_settings": {"extent": box, "public": True},
        },
    )


@require_safe
def available_geojson(request):
    try:
        box = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = max(0, min(int(request.GET.get("zoom", "14")), 22))
    except (mapdata.BadBBox, ValueError) as exc:
        return HttpResponseBadRequest(str(exc))
    return JsonResponse(portal.available_features(box, zoom))
