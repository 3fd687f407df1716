"""Map helpers shared by every map page: bounding boxes, simplified polygons, grid cells.

Map layers by bounding box: simplified polygons when zoomed in, a grid of counts when out.

A request never returns all parcels: it takes the parcels whose indexed bounding box overlaps
the view, and above ``MAX_FEATURES`` (or below ``DETAIL_ZOOM``) it answers with grid cells.
Simplified geometries are cached per (geometry, zoom), so panning costs little.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import shapely
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, F, FloatField, Max, Min, QuerySet, Sum
from django.db.models.functions import Cast, Floor

from landcycle.core.geometry import parse_geometry

from . import cache

COORDINATE_DECIMALS = 7
DETAIL_ZOOM = 12  # from this zoom on, parcels may be drawn as polygons
MAX_FEATURES = 3000  # more parcels than this in view → grid cells instead
GRID_CELLS = 24  # cells across the view at low zoom


class BadBBox(ValueError):
    """A ``bbox`` query parameter that is not four numbers in range (answered with 400)."""


@dataclass(frozen=True)
class BBox:
    """A longitude/latitude box in degrees (CGCS2000): min_lon, min_lat, max_lon, max_lat."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    @classmethod
    def parse(cls, text: str | None) -> BBox:
        """``"min_lon,min_lat,max_lon,max_lat"`` → BBox. Raises BadBBox when not four numbers, out of
        ±180/±90 or empty (min ≥ max).
        """
        try:
            values = [float(v) for v in (text or "").split(",")]
        except ValueError:
            raise BadBBox("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat") from None
        if len(values) != 4:
            raise BadBBox("bbox must be four numbers: min_lon,min_lat,max_lon,max_lat")
        box = cls(*values)
        if not (
            -180 <= box.min_lon < box.max_lon <= 180 and -90 <= box.min_lat < box.max_lat <= 90
        ):
            raise BadBBox("bbox out of range or empty")
        return box


def overlapping(queryset: QuerySet, box: BBox, max_span: float | None = None) -> QuerySet:
    """Parcels whose bounding box overlaps ``box``. Given the widest parcel's span in
    longitude, ``min_lon`` gets a lower bound too, so the bbox index is read over a narrow
    range instead of every parcel west of the view."""
    queryset = queryset.filter(
        min_lon__lte=box.max_lon,
        max_lon__gte=box.min_lon,
        min_lat__lte=box.max_lat,
        max_lat__gte=box.min_lat,
    )
    if max_span is not None:
        queryset = queryset.filter(min_lon__gte=box.min_lon - max_span - 1e-9)  # float slack
    return queryset


def max_lon_span(parcels: QuerySet) -> float | None:
    """The widest extent in longitude of any row of ``parcels``' model (degrees; None when none
    has one), kept per data version. Taken over every row, not the user's: a bound for the
    index range (``overlapping``) that holds for any subset, and one value for all users
    instead of compiling each user's query to key it."""
    model = parcels.model
    return cache.remember(
        ("lon_span", model._meta.label),
        lambda: model._default_manager.aggregate(s=Max(F("max_lon") - F("min_lon")))["s"],
    )


def tolerance_for_zoom(zoom: int) -> float:
    """Half a screen pixel in degrees at this zoom (256-pixel tiles)."""
    return 360.0 / (256 * 2**zoom) / 2


@lru_cache(maxsize=200_000)
def simplified(wkt: str, zoom: int) -> dict | None:
    """A parcel's WKT as GeoJSON geometry (dict) simplified for map ``zoom`` (half a pixel,
    topology kept), coordinates to 7 decimals; None when the WKT does not parse. Cached.
    """
    try:
        geometry = parse_geometry(wkt)
    except ValueError:
        return None
    geometry = shapely.simplify(geometry, tolerance_for_zoom(zoom), preserve_topology=True)
    return _rounded(shapely.geometry.mapping(geometry))


def _rounded(value):
    """Coordinates to 7 decimals (about 1 cm): a third shorter GeoJSON, nothing visible lost."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], float):
            return [round(v, COORDINATE_DECIMALS) for v in value]
        return [_rounded(v) for v in value]
    return value


def grid_cells(parcels: QuerySet, box: BBox) -> dict:
    """Counts and areas of parcels in a GRID_CELLS-wide grid over the view (one GROUP BY)."""
    cell = max(box.max_lon - box.min_lon, box.max_lat - box.min_lat) / GRID_CELLS
    centre_lon = (F("min_lon") + F("max_lon")) / 2
    centre_lat = (F("min_lat") + F("max_lat")) / 2
    rows = (
        parcels.annotate(
            gx=Floor(Cast((centre_lon - box.min_lon) / cell, FloatField())),
            gy=Floor(Cast((centre_lat - box.min_lat) / cell, FloatField())),
        )
        .values("gx", "gy")
        .annotate(count=Count("pk"), area=Sum("registered_area_m2"))
    )
    features = []
    for row in rows:
        x0 = box.min_lon + row["gx"] * cell
        y0 = box.min_lat + row["gy"] * cell
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [x0, y0],
                            [x0 + cell, y0],
                            [x0 + cell, y0 + cell],
                            [x0, y0 + cell],
                            [x0, y0],
                        ]
                    ],
                },
                "properties": {"count": row["count"], "area_m2": row["area"] or 0.0},
            }
        )
    return {"type": "FeatureCollection", "kind": "grid", "features": features}


def _box(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
    }


OUTLINE_ZOOM = 15  # outlines are drawn from one answer at every zoom: simplified to ~2 m


def outline_geometries(boundaries: QuerySet) -> dict[int, dict]:
    """``{jurisdiction id: GeoJSON geometry}`` of the imported outlines (``boundaries``: a
    queryset of the ledger's JurisdictionBoundary, WKT in EPSG:4490; web sits below the
    ledger), simplified for ``OUTLINE_ZOOM``: one query, kept per ledger data version
    (``cache.value``; outlines change through the import, which logs them)."""

    def compute():
        found = {}
        for pk, wkt in boundaries.values_list("pk", "wkt"):
            geometry = simplified(wkt, OUTLINE_ZOOM)
            if geometry is not None:
                found[pk] = geometry
        return found

    return cache.value("outline_geometries", boundaries, cache.data_version(), compute)


def street_extents(parcels: QuerySet, outlines: dict[int, dict] | None = None) -> dict:
    """Each street of ``parcels`` (one GROUP BY): its imported outline when ``outlines`` (from
    ``outline_geometries``) has one (``properties.outline = "boundary"``), else the box around
    its parcels (``"extent"``, the fallback the map's legend names). Properties: name, count."""
    rows = (
        parcels.exclude(min_lon__isnull=True)
        .values("jurisdiction_id", "jurisdiction__name")
        .annotate(
            x0=Min("min_lon"),
            y0=Min("min_lat"),
            x1=Max("max_lon"),
            y1=Max("max_lat"),
            n=Count("pk"),
        )
        .order_by("jurisdiction__name")
    )
    outlines = outlines or {}
    features = []
    for r in rows:
        geometry = outlines.get(r["jurisdiction_id"])
        features.append(
            {
                "type": "Feature",
                "geometry": geometry or _box(r["x0"], r["y0"], r["x1"], r["y1"]),
                "properties": {
                    "name": r["jurisdiction__name"],
                    "count": r["n"],
                    "outline": "boundary" if geometry else "extent",
                },
            }
        )
    return {"type": "FeatureCollection", "kind": "streets", "features": features}


def extent(parcels: QuerySet) -> list[float] | None:
    """The bounding box ``[min_lon, min_lat, max_lon, max_lat]`` (degrees) of ``parcels`` (one
    aggregate query over their stored bounds); None when there are none.
    """
    box = parcels.aggregate(
        x0=Min("min_lon"), y0=Min("min_lat"), x1=Max("max_lon"), y1=Max("max_lat")
    )
    if box["x0"] is None:
        return None
    return [box["x0"], box["y0"], box["x1"], box["y1"]]


# 天地图 (Tianditu) web-Mercator WMTS: the vector map (vec_w) and its Chinese labels (cva_w),
# served from t0–t7.tianditu.gov.cn; ``{key}`` is the 浏览器端 key (tk).
TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
    "&TILECOL={{x}}&tk={key}"
)
TIANDITU_SUBDOMAINS = "01234567"
TIANDITU_ATTRIBUTION = "天地图 © 国家地理信息公共服务平台"
TIANDITU_HOSTS = ("https://*.tianditu.gov.cn",)
DEFAULT_SUBDOMAINS = "abc"  # Leaflet's own default for {s}


def _tile_url_checked(url: str, setting: str) -> str:
    """``url`` if it is an http(s) tile template with {z}, {x} and {y}; else
    ImproperlyConfigured naming the setting."""
    parts = urlsplit(url.replace("{s}", "s"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{setting}: 须为 http(s):// 地址 must be an http(s) URL: {url}")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in url]
    if missing:
        raise ImproperlyConfigured(
            f"{setting}: 缺少 {''.join(missing)}（瓦片地址模板，如 "
            f"https://tiles.example/{{z}}/{{x}}/{{y}}.png） tile URL template lacks {missing}"
        )
    return url


def base_layers(public: bool = False) -> list[dict]:
    """The base map's tile layers for a page: ``[{"url", "subdomains", "attribution",
    "max_zoom"}]`` (Leaflet URL templates), [] for none (the map then shows its layers on a
    plain background; nothing is downloaded).

    Officers' pages (``public`` False): the intranet tile server ``LANDCYCLE_TILE_URL`` (with
    ``LANDCYCLE_TILE_ATTRIBUTION``, ``LANDCYCLE_TILE_SUBDOMAINS``) when set, else 天地图
    ``vec_w`` + ``cva_w`` with ``LANDCYCLE_TIANDITU_KEY``. The portal (``public`` True) never
    gets the intranet URL (internal host names stay internal, and the public could not reach
    it): ``LANDCYCLE_PORTAL_TILE_URL`` when set, else 天地图 unless
    ``LANDCYCLE_PORTAL_TIANDITU`` is off. A 天地图 key is a browser key (浏览器端), public by
    design: every tile request carries it, and it is bound to the site's domains in the 天地图
    console, so the portal may show it; never configure a server key (服务端) here.
    Raises ImproperlyConfigured for a tile URL that is not an http(s) template with {z}/{x}/{y}.
    """
    prefix = "LANDCYCLE_PORTAL_TILE" if public else "LANDCYCLE_TILE"
    url = getattr(settings, f"{prefix}_URL", "")
    if url:
        return [
            {
                "url": _tile_url_checked(url, f"{prefix}_URL"),
                "subdomains": getattr(settings, f"{prefix}_SUBDOMAINS", "") or DEFAULT_SUBDOMAINS,
                "attribution": getattr(settings, f"{prefix}_ATTRIBUTION", ""),
                "max_zoom": int(getattr(settings, f"{prefix}_MAX_ZOOM", 18)),
            }
        ]
    key = settings.LANDCYCLE_TIANDITU_KEY
    if not key or (public and not getattr(settings, "LANDCYCLE_PORTAL_TIANDITU", True)):
        return []
    return [
        {
            "url": TIANDITU_URL.format(layer=layer, key=key),
            "subdomains": TIANDITU_SUBDOMAINS,
            "attribution": TIANDITU_ATTRIBUTION if layer == "vec" else "",
            "max_zoom": 18,
        }
        for layer in ("vec", "cva")
    ]


def tile_origins() -> list[str]:
    """Origins the pages' base maps load tiles from (officers' and portal), for the
    Content-Security-Policy's img-src: each configured URL's scheme://host[:port] with {s}
    expanded to its subdomains, and the 天地图 hosts when a key is set."""
    origins: list[str] = []
    for public in (False, True):
        for layer in base_layers(public):
            if "tianditu.gov.cn" in layer["url"] and layer["subdomains"] == TIANDITU_SUBDOMAINS:
                found = list(TIANDITU_HOSTS)
            else:
                subdomains = layer["subdomains"] if "{s}" in layer["url"] else "-"
                found = []
                for sub in subdomains:
                    parts = urlsplit(layer["url"].replace("{s}", sub))
                    found.append(f"{parts.scheme}://{parts.netloc}")
            origins += [o for o in found if o not in origins]
    return origins


def map_settings(public: bool = False, **extra) -> dict:
    """The settings of a page's map (its ``map-settings`` JSON): the base map's tile layers
    (``base_layers(public)``) and ``extra`` (the extent …). Only map pages carry them, so a
    tile key never reaches a page without a map."""
    return {"tiles": base_layers(public), **extra}
