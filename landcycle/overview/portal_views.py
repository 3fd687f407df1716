"""Public portal (/portal/): no login, only the disclosed fields."""

from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from landcycle.web import maps as mapdata

from . import portal

PAGE_SIZE = 30


def _paged(request, rows: list[dict], prefix: str, keys) -> dict:
    """A public list searched (``<prefix>q``: any of ``keys`` contains it) and paged
    (``<prefix>page``), keeping the other list's search and page in its links."""
    query = request.GET.get(f"{prefix}q", "").strip()[:100]
    if query:
        rows = [r for r in rows if any(query in str(r.get(k) or "") for k in keys)]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(f"{prefix}page"))
    others = {k: v for k, v in request.GET.items() if not k.startswith(prefix) and v}
    return {
        "page": page,
        "query": query,
        "prefix": prefix,
        "keep": urlencode({**others, f"{prefix}q": query} if query else others),
        "others": others,
    }


@require_safe
def index(request):
    """The portal's front page (no login): published available land and its columns, the A list of
    the current results with its disclosure rules, the runs on public notice (公示), and the map's
    extent.
    """
    from landcycle.evaluation.notice import public_notice_runs

    run, a_list = portal.published_a_list()
    box = mapdata.extent(portal.available_parcels())
    available = portal.available_land()
    return render(
        request,
        "portal/index.html",
        {
            "available": _paged(request, available, "l", ("parcel_code", "name", "jurisdiction")),
            "available_columns": portal.available_columns(),
            "a_run": run,
            "a_list": _paged(request, a_list, "a", ("parcel_code", "holder", "street")),
            "a_rules": portal.disclosure()["a_list"],
            "map_settings": mapdata.map_settings(public=True, extent=box),
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


@require_safe
def streets_geojson(request):
    """The imported outlines of the jurisdictions (no login) as GeoJSON
    (``portal.street_outlines``): names and outlines only."""
    return JsonResponse(portal.street_outlines())
