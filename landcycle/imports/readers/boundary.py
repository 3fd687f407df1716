"""The national boundary-point coordinate file (界址点坐标交换格式) of 建设用地报批 and 勘测定界.

Shape (text, usually GBK, suffix .txt; recognised by its ``[地块坐标]`` section)::

    [属性描述]
    格式版本号=1.01版本
    坐标系=2000国家大地坐标系
    几度分带=3
    投影类型=高斯克吕格
    计量单位=米
    带号=39
    精度=0.0001
    转换参数=,,,,,,
    [地块坐标]
    5,2.2500,DK-01,一号地块,面,H50G001001,工业用地,,@
    J1,1,3378500.000,39512345.000
    ...

Per parcel a line ``界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,备注,@`` then
``点号,圈号,X,Y`` lines: X is the northing, Y the easting (with the zone number prefixed or not);
圈号 1 is the outer ring, further 圈号 are holes (or, outside the first ring, further parts).
界址点数 counts every point line of the parcel (closing points included). 地块面积 is in 公顷
(the format's unit; 计量单位 gives the coordinates' unit).

The result is a geodata layer whose key field is 宗地编号 (= 地块编号) in the CGCS2000
Gauss–Krüger zone the header and the coordinates give; validation joins it to the 宗地 rows or
the stored parcels like any geodata file. Only CGCS2000 is read: 西安80 / 北京54 files are refused
(no published transformation to CGCS2000 is at hand; the surveyor converts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import shapely

from landcycle.core import geometry as geo

from ..errors import ImportProblem
from .delimited import EncodingProblem, decode_text
from .shapes import ROW, GeoLayer, Inputs

SECTION_ATTRIBUTES = "[属性描述]"
SECTION_COORDINATES = "[地块坐标]"
# Layer field → position in the parcel line (界址点数,地块面积,地块编号,地块名称,图形属性,图幅号,地块用途,备注)
FIELDS = {
    "宗地编号": 2,
    "地块名称": 3,
    "地块面积": 1,
    "地块用途": 6,
    "图形属性": 4,
    "图幅号": 5,
    "备注": 7,
}
AREA_TOLERANCE = 0.05  # declared 地块面积 vs the area of the coordinates: warn beyond 5 %
_AREA_UNITS = {"公顷": 10_000.0, "平方米": 1.0, "亩": 10_000.0 / 15.0}


def looks_like_boundary(text: str) -> bool:
    """True when the text has the format's coordinate section (the head of a file is enough)."""
    return SECTION_COORDINATES in text.replace(" ", "")


@dataclass
class _Parcel:
    line: int
    values: list[str]
    points: list[tuple[int, int, float, float]] = field(default_factory=list)  # line, ring, x, y


def read_boundary(
    raw: bytes, name: str, source: str, inputs: Inputs, given: str | None = None
) -> None:
    """Bytes of a boundary-point file → one GeoLayer in ``inputs.layers`` (or problems);
    ``given``: the codec from ``--encoding``, else detected."""
    problems: list[ImportProblem] = []

    def problem(line, column, value, reason, warning=False):
        problems.append(ImportProblem(source, line, column, value, reason, warning))

    try:
        text, encoding = decode_text(raw, given)
    except EncodingProblem as exc:
        inputs.problems.append(ImportProblem.whole(source, str(exc)))
        return
    header, parcels = _parse(text, problem)
    epsg = _crs(header, parcels, problem)
    if epsg is None or any(not p.warning for p in problems):
        inputs.problems.extend(problems)
        return
    unit_text = header.get("计量单位", "")
    area_factor = next((f for u, f in _AREA_UNITS.items() if u in unit_text), 10_000.0)
    geometries, rows, columns = [], [], {f: [] for f in FIELDS}
    for parcel in parcels:
        geometry = _polygon(parcel, problem)
        if geometry is None:
            continue
        values = parcel.values
        declared = _number(values[1])
        if declared is not None:
            expected = declared * area_factor
            measured = float(geometry.area)  # plane area in the zone, as surveyors compute it
            if expected and abs(measured - expected) / expected > AREA_TOLERANCE:
                problem(
                    parcel.line,
                    "地块面积",
                    values[1],
                    f"地块面积与坐标算得面积不符 declared area {expected:,.0f} m², "
                    f"the coordinates give {measured:,.0f} m²",
                    warning=True,
                )
        geometries.append(geometry)
        rows.append(parcel.line)
        for key, position in FIELDS.items():
            columns[key].append(values[position] or None)
    if encoding not in ("UTF-8", "UTF-8 (BOM)"):
        problem(None, None, encoding, f"已按{encoding}编码读取 read as {encoding}", warning=True)
    inputs.problems.extend(problems)
    if any(not p.warning for p in problems):
        return
    attributes = pl.DataFrame(
        {f: pl.Series(f, columns[f], dtype=pl.Utf8) for f in FIELDS}
        | {ROW: pl.Series(ROW, rows, dtype=pl.Int64)}
    )
    layer = GeoLayer(source, epsg, list(FIELDS), attributes, np.array(geometries, dtype=object))
    inputs.layers.append(layer)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _parse(text: str, problem) -> tuple[dict[str, str], list[_Parcel]]:
    header: dict[str, str] = {}
    parcels: list[_Parcel] = []
    section = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace("，", ",").replace("＝", "=")
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.replace(" ", "")
            continue
        if section == SECTION_ATTRIBUTES:
            key, _, value = line.partition("=")
            header[key.strip()] = value.strip()
        elif section == SECTION_COORDINATES:
            fields = [f.strip() for f in line.split(",")]
            if fields[-1] == "@":
                values = (fields[:-1] + [""] * 8)[:8]
                if _number(values[0]) is None:
                    problem(
                        number, "界址点数", values[0], "界址点数不是数字 point count not a number"
                    )
                parcels.append(_Parcel(number, values))
                continue
            if not parcels:
                problem(number, None, line[:40], "坐标行前没有地块行 point before any parcel line")
                continue
            x, y = (_number(f) for f in (fields + ["", ""])[2:4])
            ring = _number(fields[1]) if len(fields) > 1 else None
            if len(fields) != 4 or x is None or y is None or ring is None:
                problem(
                    number,
                    None,
                    line[:40],
                    "坐标行须为 点号,圈号,X,Y point line must be name,ring,X,Y",
                )
                continue
            parcels[-1].points.append((number, int(ring), x, y))
        else:
            problem(number, None, line[:40], "不在[属性描述]或[地块坐标]中 line outside a section")
    if not parcels:
        problem(None, SECTION_COORDINATES, None, "没有地块 no parcel in [地块坐标]")
    for parcel in parcels:
        count = _number(parcel.values[0])
        if count is not None and int(count) != len(parcel.points):
            problem(
                parcel.line,
                "界址点数",
                parcel.values[0],
                f"界址点数与坐标行数不符 point count {int(count)}, but {len(parcel.points)} "
                "point lines follow",
            )
        if not parcel.values[2]:
            problem(parcel.line, "地块编号", None, "地块编号为空 parcel number is empty")
    return header, parcels


def _crs(header: dict[str, str], parcels: list[_Parcel], problem) -> int | None:
    """EPSG of the coordinates (easting first) from 坐标系, 几度分带, 带号 and the eastings."""
    system = header.get("坐标系", "")
    if re.search(r"西安|80|北京|54", system) and "2000" not in system:
        problem(
            None,
            "坐标系",
            system,
            "只接受2000国家大地坐标系 only CGCS2000 is read: 请由测绘单位转换为2000国家大地坐标系 "
            "(no published transformation from Xian 80 / Beijing 54 to CGCS2000 is applied)",
        )
        return None
    if not system:
        problem(None, "坐标系", None, "未写坐标系，按2000国家大地坐标系读取 read as CGCS2000", True)
    eastings = [y for p in parcels for (_, _, _, y) in p.points]
    if not eastings:
        return None
    low, high = min(eastings), max(eastings)
    zone_text, width_text = header.get("带号", ""), header.get("几度分带", "")
    zone = int(_number(zone_text)) if _number(zone_text) is not None else None
    if low >= 10_000_000:  # zone prefixed to the easting
        prefixed = int(low // 1_000_000)
        if int(high // 1_000_000) != prefixed or geo.zone_epsg(prefixed) is None:
            problem(
                None,
                "Y",
                f"{low:.0f}..{high:.0f}",
                "Y坐标的带号不一致或无效 zone prefix of Y differs or is no CGCS2000 zone",
            )
            return None
        if zone is not None and zone != prefixed:
            problem(
                None,
                "带号",
                zone_text,
                f"带号与Y坐标前缀{prefixed}不符 zone {zone} but the eastings carry {prefixed}",
            )
            return None
        return geo.zone_epsg(prefixed)
    width = _number(width_text)
    if zone is None or width not in (3.0, 6.0):
        problem(
            None,
            "带号",
            zone_text or None,
            "Y坐标不带带号，须写带号和几度分带(3或6) eastings carry no zone: 带号 and 几度分带 needed",
        )
        return None
    meridian = zone * 3 if width == 3.0 else zone * 6 - 3
    if not 75 <= meridian <= 135:
        problem(None, "带号", zone_text, f"带号{zone}不在中国范围 zone outside China")
        return None
    return 4534 + (meridian - 75) // 3 if width == 3.0 else 4502 + (meridian - 75) // 6


def _polygon(parcel: _Parcel, problem) -> shapely.Geometry | None:
    """The parcel's rings (X northing, Y easting) → polygon in easting-first order."""
    rings: dict[int, list[tuple[float, float]]] = {}
    for _, ring, x, y in parcel.points:
        rings.setdefault(ring, []).append((y, x))
    shells: list[shapely.Polygon] = []
    holes: list[list] = []
    for ring in sorted(rings):
        points = rings[ring]
        if len(points) > 1 and points[0] == points[-1]:
            points = points[:-1]
        if len(set(points)) < 3:
            problem(parcel.line, "圈号", str(ring), "圈的点少于3个 ring with fewer than 3 points")
            return None
        polygon = shapely.Polygon(points)
        owner = next((i for i, s in enumerate(shells) if s.contains(polygon)), None)
        if owner is None:
            shells.append(polygon)
            holes.append([])
        else:
            holes[owner].append(points)
    parts = [shapely.Polygon(s.exterior.coords, h) for s, h in zip(shells, holes, strict=True)]
    geometry = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    if not geometry.is_valid:
        problem(
            parcel.line,
            "地块编号",
            parcel.values[2],
            f"地块几何无效 invalid geometry: {shapely.is_valid_reason(geometry)}",
        )
        return None
    return shapely.orient_polygons(geometry)
