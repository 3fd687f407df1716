"""Small geodata files as surveyors and GIS staff deliver them, written by the tests themselves."""

from __future__ import annotations

from pathlib import Path

from pyproj import Transformer

# Zone 39 of the CGCS2000 3-degree Gauss–Krüger projection: central meridian 117°E, so an
# easting of 39 500 000 m (zone prefix + false easting 500 km) lies on longitude 117° exactly.
ZONE = 39
EPSG_ZONE = 4527  # CGCS2000 / 3-degree Gauss-Kruger zone 39 (zone prefixed)
EPSG_CM117 = 4548  # CGCS2000 / 3-degree Gauss-Kruger CM 117E (no prefix)


def gauss_kruger(lon: float, lat: float, epsg: int = EPSG_CM117) -> tuple[float, float]:
    """(easting, northing) of a CGCS2000 lon/lat in ``epsg`` (default: no zone prefix)."""
    forward = Transformer.from_crs(4490, epsg, always_xy=True)
    return forward.transform(lon, lat)


def square_points(easting: float, northing: float, side: float) -> list[tuple[float, float]]:
    """Closed ring of a square (easting, northing), counter-clockwise, first point repeated."""
    return [
        (easting, northing),
        (easting + side, northing),
        (easting + side, northing + side),
        (easting, northing + side),
        (easting, northing),
    ]


def boundary_text(
    parcels: list[dict],
    *,
    system: str = "2000国家大地坐标系",
    zone: str = str(ZONE),
    width: str = "3",
    prefix_zone: bool = True,
) -> str:
    """A 界址点坐标 exchange file. ``parcels``: dicts of code, name, area_ha, use and rings (lists
    of (easting, northing) without zone prefix, outer ring first); written X = northing first."""
    lines = [
        "[属性描述]",
        "格式版本号=1.01版本",
        "数据产生单位=某某测绘有限公司",
        "数据产生日期=2024-05-20",
        f"坐标系={system}",
        f"几度分带={width}",
        "投影类型=高斯克吕格",
        "计量单位=米",
        f"带号={zone}",
        "精度=0.0001",
        "转换参数=,,,,,,",
        "[地块坐标]",
    ]
    for parcel in parcels:
        rings = parcel["rings"]
        count = sum(len(r) for r in rings)
        lines.append(
            f"{count},{parcel['area_ha']},{parcel['code']},{parcel['name']},面,H50G001001,"
            f"{parcel.get('use', '工业用地')},,@"
        )
        for ring_number, ring in enumerate(rings, start=1):
            for i, (easting, northing) in enumerate(ring):
                label = i + 1 if i < len(ring) - 1 else 1
                y = easting + (ZONE * 1_000_000 if prefix_zone else 0)
                lines.append(f"J{label},{ring_number},{northing:.4f},{y:.4f}")
    return "\r\n".join(lines) + "\r\n"


def write_boundary(path: Path, parcels: list[dict], encoding: str = "gbk", **options) -> Path:
    path.write_bytes(boundary_text(parcels, **options).encode(encoding))
    return path


def parcels_csv(path: Path, rows: list[tuple[str, str, str, float]], encoding="utf-8-sig") -> Path:
    """A 宗地 CSV: (宗地编号, 宗地名称, 所属街道, 用地面积 公顷)."""
    lines = ["宗地编号,宗地名称,所属街道,用地面积"]
    lines += [f"{code},{name},{street},{area}" for code, name, street, area in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
