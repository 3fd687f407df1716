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
    except Exception as exc:  # shapely and json raise several kinds
        raise GeometryError(f"无法解析几何 cannot parse geometry: {exc}") from None


def check_polygon(geometry: shapely.Geometry) -> None:
    """A parcel must be a valid, non-empty (multi)polygon."""
    if geometry.is_empty:
        raise GeometryError("几何为空 empty geometry")
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"宗地几何须为面 parcel geometry must be a polygon, got {geometry.geom_type}"
        )
    if not geometry.is_valid:
        raise GeometryError(f"几何无效 invalid geometry: {explain_validity(geometry)}")


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
