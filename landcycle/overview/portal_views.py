"""Public portal (/portal/): no login, only the disclosed fields."""

from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from landcycle.web import maps as mapdata

from . import portal


@require_safe
def index(request):
    """The portal's front page (no login): published available land and its columns, the A list of
    the current results with its disclosure rules, the runs on public notice (公示), and the map's
    extent.
    """
    from landcycle.evaluation.notice import public_notice_runs

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
            "notices": public_notice_runs(),
        },
    )


@require_safe
def available_geojson(request):
    """The published available land in ``?bbox=min_lon,min_lat,max_lon,max_lat`` at ``?zoom=``
    (0–22, default 14) as GeoJSON; a bad bbox or zoom answers 400 with the reason.
    """
    try:
        box = mapdata.BBox.parse(request.GET.get("bbox"))
        zoom = max(0, min(int(request.GET.get("zoom", "14")), 22))
    except (mapdata.BadBBox, ValueError) as exc:
        return HttpResponseBadRequest(str(exc))
    return JsonResponse(portal.available_features(box, zoom))
