"""Geometry helpers: parse, validate, project to CGCS2000 Gauss–Krüger, measure.

Geometries are stored as WKT in CGCS2000 geographic coordinates (EPSG:4490, longitude first).
Areas are measured in the 3-degree Gauss–Krüger zone of CGCS2000 whose central meridian is
nearest the geometry, so they are in square metres with small distortion.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely import wkt as shapely_wkt
from shapely.geometry import shape
from shapely.validation import explain_validity

CGCS2000 = 4490
# Mainland China and its islands, generously: outside this box a coordinate is not EPSG:4490.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


class GeometryError(ValueError):
    pass


def gauss_kruger_epsg(longitude: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss–Krüger zone (CM 75E..135E, no zone prefix)."""
    central_meridian = int(round(longitude / 3.0)) * 3
    central_meridian = min(max(central_meridian, 75), 135)
    return 4534 + (central_meridian - 75) // 3


@lru_cache(maxsize=64)
def _transformer(source: int, target: int) -> Transformer:
    return Transformer.from_crs(CRS.from_epsg(source), CRS.from_epsg(target), always_xy=True)


def parse_geometry(text: str) -> shapely.Geometry:
    """WKT or GeoJSON text → shapely geometry; GeometryError with the reason otherwise."""
    raw = str(text).strip()
    if not raw:
        raise GeometryError("几何为空 empty geometry")
    try:
        if raw.startswith("{"):
            data = json.loads(raw)
            if data.get("type") == "Feature":
                data = data["geometry"]
            return shape(data)
        return shapely_wkt.loads(raw)
    except Exception:  # shapely and json raise several kinds; their English is not for officers
        raise GeometryError(
            "无法解析几何：须为WKT（如 POLYGON ((x y, x y, …)))或GeoJSON "
            "cannot parse geometry: WKT or GeoJSON expected"
        ) from None


_TYPES = {
    "Point": "点",
    "MultiPoint": "多点",
    "LineString": "线",
    "MultiLineString": "多线",
    "LinearRing": "环线",
    "GeometryCollection": "几何集合",
}
# GEOS's reasons (explain_validity) in Chinese; the location it gives is kept.
_VALIDITY = {
    "Ring Self-intersection": "环自相交",
    "Self-intersection": "边自相交",
    "Too few points in geometry component": "点数过少",
    "Hole lies outside shell": "内环在外环之外",
    "Nested holes": "内环嵌套",
    "Interior is disconnected": "内部不连通",
    "Nested shells": "外环嵌套",
    "Duplicate Rings": "环重复",
    "Invalid Coordinate": "坐标无效",
    "Ring is not closed": "环未闭合",
}


def _validity(geometry: shapely.Geometry) -> str:
    """Why GEOS finds a geometry invalid, in Chinese with the place: ``边自相交 [121.8 29.9]``."""
    reason = explain_validity(geometry)
    name, _, where = reason.partition("[")
    chinese = _VALIDITY.get(name.strip(), "几何不合规")
    return f"{chinese} [{where}" if where else chinese


def check_polygon(geometry: shapely.Geometry) -> None:
    """A parcel must be a valid, non-empty (multi)polygon."""
    if geometry.is_empty:
        raise GeometryError("几何为空 empty geometry")
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        kind = _TYPES.get(geometry.geom_type, geometry.geom_type)
        raise GeometryError(
            f"宗地几何须为面（多边形），此处为{kind} parcel geometry must be a polygon, "
            f"got {geometry.geom_type}"
        )
    if not geometry.is_valid:
        raise GeometryError(f"几何无效：{_validity(geometry)} invalid geometry")


def check_geographic_china(geometry: shapely.Geometry) -> None:
    """Reject coordinates that are clearly not CGCS2000 longitude/latitude in China."""
    minx, miny, maxx, maxy = geometry.bounds
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise GeometryError(
            f"坐标不是经纬度 coordinates are not longitude/latitude (x {minx:.0f}..{maxx:.0f}, "
            f"y {miny:.0f}..{maxy:.0f}): projected metres? give --crs"
        )
    if not (
        CHINA_LON[0] <= minx
        and maxx <= CHINA_LON[1]
        and CHINA_LAT[0] <= miny
        and maxy <= CHINA_LAT[1]
    ):
        raise GeometryError(
            f"坐标不在中国境内 coordinates outside China (lon {minx:.4f}..{maxx:.4f}, "
            f"lat {miny:.4f}..{maxy:.4f}): wrong CRS or swapped axes?"
        )


def to_cgcs2000(geometries: np.ndarray, source_epsg: int) -> np.ndarray:
    """Reproject an array of geometries from ``source_epsg`` to EPSG:4490."""
    if source_epsg == CGCS2000:
        return geometries
    transformer = _transformer(source_epsg, CGCS2000)
    return shapely.transform(
        geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def projected_areas_m2(geometries: np.ndarray) -> np.ndarray:
    """Areas in m² of EPSG:4490 geometries, each measured in its Gauss–Krüger zone (vectorised)."""
    geometries = np.asarray(geometries, dtype=object)
    areas = np.full(len(geometries), np.nan)
    if len(geometries) == 0:
        return areas
    centroids_x = shapely.get_x(shapely.centroid(geometries))
    zones = np.array([gauss_kruger_epsg(x) if np.isfinite(x) else 0 for x in centroids_x])
    for zone in np.unique(zones):
        if zone == 0:
            continue
        mask = zones == zone
        transformer = _transformer(CGCS2000, int(zone))
        projected = shapely.transform(
            geometries[mask],
            lambda xy, t=transformer: np.column_stack(t.transform(xy[:, 0], xy[:, 1])),
        )
        areas[mask] = shapely.area(projected)
    return areas


def projected_area_m2(geometry: shapely.Geometry) -> float:
    return float(projected_areas_m2(np.array([geometry], dtype=object))[0])


def area_differs(
    registered_m2: float | None, computed_m2: float | None, tolerance: float = 0.05
) -> bool:
    """True when the geometric area differs from the registered one by more than ``tolerance``."""
    if not registered_m2 or computed_m2 is None or np.isnan(computed_m2):
        return False
    return abs(computed_m2 - registered_m2) / registered_m2 > tolerance


# Gauss–Krüger coordinates as Chinese surveyors write them: the zone number prefixed to the
# easting (39 500 000 m = zone 39, central meridian 117°E) and often northing first (X = north).
# EPSG: CGCS2000 3-degree zones 25–45 = 4513–4533, 6-degree zones 13–23 = 4491–4501;
# without the prefix 3-degree CM 75°E–135°E = 4534–4554, 6-degree = 4502–4512.
THREE_DEGREE_ZONES = (25, 45)
SIX_DEGREE_ZONES = (13, 23)
NORTHING = (300_000.0, 6_100_000.0)  # China, 3°N–54°N, in metres


def zone_epsg(zone: int) -> int | None:
    """EPSG of the CGCS2000 Gauss–Krüger zone with the zone number prefixed to the easting.

    Zones 25–45 are 3-degree (EPSG:4513–4533), 13–23 are 6-degree (EPSG:4491–4501); None for
    any other number. Source: EPSG registry, CGCS2000 / Gauss-Kruger.
    """
    if THREE_DEGREE_ZONES[0] <= zone <= THREE_DEGREE_ZONES[1]:
        return 4513 + zone - THREE_DEGREE_ZONES[0]
    if SIX_DEGREE_ZONES[0] <= zone <= SIX_DEGREE_ZONES[1]:
        return 4491 + zone - SIX_DEGREE_ZONES[0]
    return None


def _prefixed_zone(low: float, high: float) -> int | None:
    """The zone prefixed to eastings between ``low`` and ``high`` (same zone), else None."""
    if not (10_000_000 <= low and high < 46_000_000):
        return None
    zone = int(low // 1_000_000)
    if int(high // 1_000_000) != zone or zone_epsg(zone) is None:
        return None
    return zone


def _is_northing(low: float, high: float) -> bool:
    return NORTHING[0] <= low and high <= NORTHING[1]


def _is_bare_easting(low: float, high: float) -> bool:
    return 100_000 <= low and high <= 900_000


class ProjectedGuess:
    """What projected coordinates look like: ``epsg`` and ``swapped`` when the zone is known
    (convert), else ``epsg`` None and ``reason`` saying what was seen and which --crs fits."""

    def __init__(self, epsg: int | None, swapped: bool, reason: str):
        self.epsg, self.swapped, self.reason = epsg, swapped, reason


def guess_projected(bounds: tuple[float, float, float, float]) -> ProjectedGuess | None:
    """Recognise Gauss–Krüger metres from the bounds (minx, miny, maxx, maxy) of geometries.

    Returns None when the coordinates are not of a recognised projected shape (degrees, or
    something else): the caller then reports them as they are. Zone-prefixed eastings in either
    axis give the CGCS2000 zone (assumed: the national datum since 2008; Xian 80 / Beijing 54
    data must be given with ``--crs``); bare eastings cannot tell their zone and give a reason.
    """
    minx, miny, maxx, maxy = bounds
    seen = f"x {minx:.0f}..{maxx:.0f}, y {miny:.0f}..{maxy:.0f}"
    for swapped, (elow, ehigh), (nlow, nhigh) in (
        (False, (minx, maxx), (miny, maxy)),
        (True, (miny, maxy), (minx, maxx)),
    ):
        zone = _prefixed_zone(elow, ehigh)
        if zone is not None and _is_northing(nlow, nhigh):
            epsg = zone_epsg(zone)
            kind = "3度带" if zone >= THREE_DEGREE_ZONES[0] else "6度带"
            order = "，X为北坐标（已交换X/Y）northing first, swapped" if swapped else ""
            return ProjectedGuess(
                epsg,
                swapped,
                f"坐标为带号{zone}的高斯投影（{kind}，按CGCS2000 EPSG:{epsg}读取{order}）"
                f" projected Gauss-Kruger zone {zone} ({seen}), read as EPSG:{epsg}; "
                f"若为西安80/北京54坐标请指定坐标系（导入页面「坐标系 EPSG」栏；命令行 --crs） if Xian 80 / Beijing 54, give the EPSG code",
            )
    for swapped, (elow, ehigh), (nlow, nhigh) in (
        (False, (minx, maxx), (miny, maxy)),
        (True, (miny, maxy), (minx, maxx)),
    ):
        if _is_bare_easting(elow, ehigh) and _is_northing(nlow, nhigh):
            order = "，且X为北坐标 northing first" if swapped else ""
            return ProjectedGuess(
                None,
                swapped,
                f"坐标不是经纬度，是不带带号的投影坐标（米）{order} not longitude/latitude: "
                f"projected metres without zone number "
                f"({seen}): 无法判断中央经线 the central meridian is unknown; 请指定坐标系（导入页面「坐标系 EPSG」栏；命令行 --crs），"
                f"如CGCS2000 3度带中央经线117°E为 4548 (3度带 CM 75°E–135°E: "
                f"EPSG:4534–4554; 6度带: EPSG:4502–4512)",
            )
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        return ProjectedGuess(
            None,
            False,
            f"坐标不是经纬度，也不是可识别的高斯投影坐标 not longitude/latitude, nor "
            f"Gauss-Kruger metres ({seen}): 请指定坐标系（导入页面「坐标系 EPSG」栏；命令行 --crs） give the EPSG code",
        )
    return None


def swap_xy(geometries: np.ndarray) -> np.ndarray:
    """Geometries with x and y exchanged (northing-first input → easting first)."""
    swapped = shapely.transform(geometries, lambda xy: xy[:, ::-1].copy())
    return shapely.orient_polygons(swapped)  # a mirror turns rings the other way: turn back


def _in_china(bounds) -> bool:
    minx, miny, maxx, maxy = bounds
    return (
        CHINA_LON[0] <= minx
        and maxx <= CHINA_LON[1]
        and CHINA_LAT[0] <= miny
        and maxy <= CHINA_LAT[1]
    )


# Longitude/latitude CRSs a file may declare for coordinates that are really metres: CGCS2000,
# and WGS 84, which GeoJSON always declares.
GEOGRAPHIC = (CGCS2000, 4326)


def recognise_projection(
    geometries: np.ndarray, crs: int
) -> tuple[np.ndarray, list[str], dict[int, str]]:
    """Settle the CRS and axis order of one column's / layer's geometries before reprojection.

    ``crs`` is what was given (``--crs``, the file's own, else 4490). Returns (geometries,
    notes for the user, {index: reason} of geometries refused).

    With 4490 (or 4326), each geometry whose coordinates are not degrees is looked at on its own: Gauss–
    Krüger metres with the zone prefixed are converted to EPSG:4490 here (northing-first order
    swapped; one note per zone), metres without a zone are refused with what was seen and which
    ``--crs`` fits. With a projected ``crs``, coordinates that land in China only when swapped
    are swapped (X = northing). Geometries are not otherwise changed.
    """
    geometries = np.asarray(geometries, dtype=object).copy()
    if len(geometries) == 0:
        return geometries, [], {}
    bounds = shapely.bounds(geometries)
    finite = np.isfinite(bounds).all(axis=1)
    if crs in GEOGRAPHIC:
        degrees = (np.abs(bounds[:, [0, 2]]) <= 180).all(axis=1) & (
            np.abs(bounds[:, [1, 3]]) <= 90
        ).all(axis=1)
        notes: dict[int, str] = {}
        refused: dict[int, str] = {}
        for i in np.flatnonzero(finite & ~degrees):
            guess = guess_projected(tuple(bounds[i]))
            if guess is None:
                continue
            if guess.epsg is None:
                refused[int(i)] = guess.reason
                continue
            geometry = swap_xy(geometries[i : i + 1]) if guess.swapped else geometries[i : i + 1]
            geometries[i] = to_cgcs2000(geometry, guess.epsg)[0]
            notes.setdefault((guess.epsg, guess.swapped), guess.reason)
        return geometries, list(notes.values()), refused
    if not finite.any():
        return geometries, [], {}
    try:
        transformer = _transformer(crs, CGCS2000)
    except Exception:  # pyproj: unknown CRS; reported where it is used
        return geometries, [], {}
    minx, miny = bounds[finite, 0].min(), bounds[finite, 1].min()
    maxx, maxy = bounds[finite, 2].max(), bounds[finite, 3].max()

    def lands_in_china(xs, ys) -> bool:
        lon, lat = transformer.transform(np.array(xs), np.array(ys))
        return bool(np.all(np.isfinite(lon))) and _in_china(
            (min(lon), min(lat), max(lon), max(lat))
        )

    if lands_in_china([minx, maxx], [miny, maxy]):
        return geometries, [], {}
    if lands_in_china([miny, maxy], [minx, maxx]):
        note = f"坐标为北坐标在前（X为北），已交换X/Y northing-first order, swapped (EPSG:{crs})"
        return swap_xy(geometries), [note], {}
    return geometries, [], {}
