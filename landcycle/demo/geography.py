"""Where the demo district lies: Beilun's twelve streets and parcels laid on a grid of blocks.

Streets are the twelve of seed 002's Attachment 2 (各街道（区块）工作任务分解表), each at its
approximate real location. Every street is a square of blocks centred on that location; blocks
are separated by roads and cut into irregular quadrilaterals (a few pentagons at block corners)
with lanes between them, so parcels never overlap. When a street needs more blocks than fit
between its neighbours, the whole layout is spread out from the district centre, which keeps
the street squares disjoint at any size.

Everything is computed in metres on the CGCS2000 Gauss–Krüger plane of the district centre and
projected to EPSG:4490 longitude/latitude at the end, with numpy over all parcels at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

from landcycle.core.geometry import CGCS2000, gauss_kruger_epsg


@dataclass(frozen=True)
class Street:
    """A Beilun street (北仑区) of the demo: name as written in 所属街道, short name as seed 002's
    Attachment 2 writes it, pinyin initials for parcel codes, centre (degrees, CGCS2000), and
    its share of parcels (Attachment 2's low-efficiency enterprises to help, 家).
    """

    name: str  # as an officer writes it in 所属街道
    short: str  # as seed 002's Attachment 2 writes it
    abbr: str  # pinyin initials used in parcel codes
    lon: float
    lat: float
    weight: float  # share of parcels: Attachment 2's low-efficiency enterprises to help (家)


DISTRICT = "北仑区"
DISTRICT_CODE = "330206"

STREETS: tuple[Street, ...] = (
    Street("新碶街道", "新碶", "XQ", 121.845, 29.905, 48),
    Street("小港街道", "小港", "XG", 121.690, 29.925, 48),
    Street("大碶街道", "大碶", "DQ", 121.780, 29.862, 60),
    Street("柴桥街道", "柴桥", "CQ", 121.955, 29.858, 21),
    Street("霞浦街道", "霞浦", "XP", 121.925, 29.905, 21),
    Street("戚家山街道", "戚家山", "QJ", 121.765, 29.958, 21),
    Street("春晓街道", "春晓", "CX", 121.880, 29.790, 18),
    Street("梅山街道", "梅山", "MS", 121.990, 29.780, 6),
    Street("白峰街道", "白峰", "BF", 122.045, 29.900, 12),
    Street("郭巨街道", "郭巨", "GJ", 122.100, 29.858, 6),
    Street("保税区", "保税", "BS", 121.885, 29.940, 15),
    Street("大榭开发区", "大榭", "DX", 121.975, 29.945, 24),
)

CENTRE_LON = 121.88
CENTRE_LAT = 29.88
PLANE_EPSG = gauss_kruger_epsg(CENTRE_LON)

BLOCK_PITCH_M = 420.0  # block + road, both directions
ROAD_MARGIN_M = (18.0, 35.0)  # each block corner sits this far in from its cell corner
LANE_HALF_M = 4.0  # half the width of the lane between two parcels of a block
CUT_JITTER = 0.10  # cut positions move by up to this fraction of a row / column
CHAMFER = 0.08  # corner cut of pentagons, as a fraction of the block side
CHAMFER_SHARE = 0.3  # share of blocks whose corner parcel is a pentagon

# Block templates (rows, columns) and how often each occurs: most blocks hold several small
# parcels, a few are one large plant (about 13 ha). Parcels come out 0.5–15 ha, skewed small.
TEMPLATES = np.array([(1, 1), (1, 2), (2, 2), (2, 3), (2, 4), (3, 4)])
TEMPLATE_P = np.array([0.08, 0.12, 0.25, 0.20, 0.15, 0.20])


@dataclass(frozen=True)
class Parcels:
    """Parcel geometry, one entry per parcel, ordered by street, block, row and column."""

    street: np.ndarray  # int index into STREETS
    seq: np.ndarray  # 1-based number within the street
    block: np.ndarray  # 1-based block number within the street
    lot: np.ndarray  # 1-based parcel number within the block
    lon: np.ndarray  # (n, 5) vertices; a quadrilateral repeats its first vertex as the fifth
    lat: np.ndarray
    pentagon: np.ndarray  # bool
    area_m2: np.ndarray  # planar area on the Gauss–Krüger plane
    extents: np.ndarray  # (len(STREETS), 4) lon/lat box of each street: minx, miny, maxx, maxy
    # Each street's outline as WKT (EPSG:4490): its blocks and the roads between them, corners
    # rounded; "" for a street without parcels. Written in the 辖区 sheet's 边界 column.
    outlines: tuple[str, ...] = ()


def _to_plane():
    return Transformer.from_crs(CGCS2000, PLANE_EPSG, always_xy=True)


def _to_lonlat():
    return Transformer.from_crs(PLANE_EPSG, CGCS2000, always_xy=True)


def street_counts(parcels: int) -> np.ndarray:
    """Parcels per street in proportion to the weights, summing exactly to ``parcels``."""
    weights = np.array([s.weight for s in STREETS], dtype=float)
    raw = parcels * weights / weights.sum()
    counts = np.floor(raw).astype(np.int64)
    # Largest remainders get the rest, ties broken by street order (deterministic).
    rest = parcels - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _spread(centres: np.ndarray, sides: np.ndarray) -> float:
    """Smallest factor ≥ 1 by which to scale centres about their mean so no squares overlap."""
    factor = 1.0
    for i in range(len(sides)):
        for j in range(i + 1, len(sides)):
            gap = (sides[i] + sides[j]) / 2 + BLOCK_PITCH_M
            dx, dy = np.abs(centres[i] - centres[j])
            need_x = gap / dx if dx > 0 else np.inf
            need_y = gap / dy if dy > 0 else np.inf
            factor = max(factor, min(need_x, need_y))
    return factor


def layout_parcels(parcels: int, rng: np.random.Generator) -> Parcels:
    """Lay out ``parcels`` parcels street by street (counts by the streets' weights) in blocks of
    templates drawn with ``rng``: the Parcels (vertices in degrees, EPSG:4490), no overlaps.
    """
    counts = street_counts(parcels)
    parcels_per_template = TEMPLATES[:, 0] * TEMPLATES[:, 1]
    mean_per_block = float(parcels_per_template @ TEMPLATE_P)

    # Draw block templates per street until the street has its parcels; the last block of a
    # street keeps only the parcels still needed.
    street_of_block, template_of_block, take_of_block = [], [], []
    for index, count in enumerate(counts):
        if count == 0:
            continue
        draws = int(count / mean_per_block * 1.3) + 8
        while True:
            templates = rng.choice(len(TEMPLATES), size=draws, p=TEMPLATE_P)
            cumulative = np.cumsum(parcels_per_template[templates])
            if cumulative[-1] >= count:
                break
            draws *= 2
        n_blocks = int(np.searchsorted(cumulative, count)) + 1
        templates = templates[:n_blocks]
        take = parcels_per_template[templates].copy()
        take[-1] -= cumulative[n_blocks - 1] - count
        street_of_block.append(np.full(n_blocks, index))
        template_of_block.append(templates)
        take_of_block.append(take)
    street_of_block = np.concatenate(street_of_block)
    template_of_block = np.concatenate(template_of_block)
    take_of_block = np.concatenate(take_of_block)
    n_blocks_total = len(street_of_block)

    # Street squares on the plane, spread apart when they would overlap.
    blocks_per_street = np.bincount(street_of_block, minlength=len(STREETS))
    grid = np.ceil(np.sqrt(np.maximum(blocks_per_street, 1))).astype(np.int64)
    sides = grid * BLOCK_PITCH_M
    x0, y0 = _to_plane().transform(
        np.array([s.lon for s in STREETS]), np.array([s.lat for s in STREETS])
    )
    centres = np.column_stack([x0, y0])
    middle = centres.mean(axis=0)
    centres = middle + _spread(centres, sides) * (centres - middle)
    origins = centres - sides[:, None] / 2  # south-west corner of each street square

    # Block cells: row-major inside each street's square.
    first_block = np.concatenate([[0], np.cumsum(blocks_per_street)[:-1]])
    block_in_street = np.arange(n_blocks_total) - first_block[street_of_block]
    cell_x = origins[street_of_block, 0] + (block_in_street % grid[street_of_block]) * BLOCK_PITCH_M
    cell_y = (
        origins[street_of_block, 1] + (block_in_street // grid[street_of_block]) * BLOCK_PITCH_M
    )
    # Jittered block corners (00 = south-west, 10 = south-east, 11 = north-east, 01 = north-west).
    lo, hi = ROAD_MARGIN_M
    margin = rng.uniform(lo, hi, size=(n_blocks_total, 4, 2))
    corner_x = np.column_stack(
        [
            cell_x + margin[:, 0, 0],
            cell_x + BLOCK_PITCH_M - margin[:, 1, 0],
            cell_x + BLOCK_PITCH_M - margin[:, 2, 0],
            cell_x + margin[:, 3, 0],
        ]
    )
    corner_y = np.column_stack(
        [
            cell_y + margin[:, 0, 1],
            cell_y + margin[:, 1, 1],
            cell_y + BLOCK_PITCH_M - margin[:, 2, 1],
            cell_y + BLOCK_PITCH_M - margin[:, 3, 1],
        ]
    )
    chamfer_block = rng.random(n_blocks_total) < CHAMFER_SHARE

    # One row per parcel: its block, row r and column c in the block's template.
    rows_of_block = TEMPLATES[template_of_block, 0]
    cols_of_block = TEMPLATES[template_of_block, 1]
    block_of_parcel = np.repeat(np.arange(n_blocks_total), take_of_block)
    first_parcel = np.concatenate([[0], np.cumsum(take_of_block)[:-1]])
    lot = np.arange(len(block_of_parcel)) - first_parcel[block_of_parcel]
    n_rows = rows_of_block[block_of_parcel]
    n_cols = cols_of_block[block_of_parcel]
    row = lot // n_cols
    col = lot % n_cols
    n = len(block_of_parcel)

    # Cut positions in the block's (u, v) unit square: a row's edges are horizontal, a column
    # cut runs from (u_bottom, v_low) to (u_top, v_high), so parcels are trapezoid-like.
    def cut(index, count, size):
        # the index-th of count+1 cut lines, jittered unless on the block edge
        base = index / count
        inner = (index > 0) & (index < count)
        return np.where(inner, base + rng.uniform(-CUT_JITTER, CUT_JITTER, size) / count, base)

    # Row cuts are per block (shared by the block's parcels): draw per block, look up per parcel.
    row_cut = np.zeros((n_blocks_total, 4))
    for k in range(4):
        row_cut[:, k] = cut(
            np.full(n_blocks_total, k), np.maximum(rows_of_block, 1), n_blocks_total
        )
    row_cut[np.arange(n_blocks_total), rows_of_block] = 1.0
    v_low = row_cut[block_of_parcel, row]
    v_high = row_cut[block_of_parcel, row + 1]
    # Column cuts are per block row: cut j of row r at the bottom and at the top.
    max_cols = TEMPLATES[:, 1].max()
    col_bottom = np.zeros((n_blocks_total, 3, max_cols + 1))
    col_top = np.zeros((n_blocks_total, 3, max_cols + 1))
    for j in range(max_cols + 1):
        index = np.full((n_blocks_total, 3), j)
        count = np.broadcast_to(cols_of_block[:, None], (n_blocks_total, 3))
        col_bottom[:, :, j] = cut(index, count, (n_blocks_total, 3))
        col_top[:, :, j] = cut(index, count, (n_blocks_total, 3))
    ends = (np.arange(n_blocks_total)[:, None], np.arange(3)[None, :], cols_of_block[:, None])
    col_bottom[ends] = 1.0
    col_top[ends] = 1.0
    u_left_bottom = col_bottom[block_of_parcel, row, col]
    u_right_bottom = col_bottom[block_of_parcel, row, col + 1]
    u_left_top = col_top[block_of_parcel, row, col]
    u_right_top = col_top[block_of_parcel, row, col + 1]

    # Lanes: pull inner edges in by half a lane (converted to the block's unit square).
    width = (corner_x[:, 1] - corner_x[:, 0] + corner_x[:, 2] - corner_x[:, 3])[block_of_parcel] / 2
    height = (corner_y[:, 3] - corner_y[:, 0] + corner_y[:, 2] - corner_y[:, 1])[
        block_of_parcel
    ] / 2
    du, dv = LANE_HALF_M / width, LANE_HALF_M / height
    v_low = np.where(row > 0, v_low + dv, v_low)
    v_high = np.where(row < n_rows - 1, v_high - dv, v_high)
    u_left_bottom = np.where(col > 0, u_left_bottom + du, u_left_bottom)
    u_left_top = np.where(col > 0, u_left_top + du, u_left_top)
    u_right_bottom = np.where(col < n_cols - 1, u_right_bottom - du, u_right_bottom)
    u_right_top = np.where(col < n_cols - 1, u_right_top - du, u_right_top)

    # Five vertices counter-clockwise; the south-west parcel of a chamfered block loses its
    # corner to the road junction (a pentagon), others repeat vertex 0 as vertex 4.
    pentagon = chamfer_block[block_of_parcel] & (row == 0) & (col == 0)
    u = np.column_stack([u_left_bottom, u_right_bottom, u_right_top, u_left_top, u_left_bottom])
    v = np.column_stack([v_low, v_low, v_high, v_high, v_low])
    u[pentagon, 0] = CHAMFER
    u[pentagon, 4] = 0.0
    v[pentagon, 4] = CHAMFER

    # Bilinear map of (u, v) onto the block's four corners.
    cx, cy = corner_x[block_of_parcel], corner_y[block_of_parcel]

    def bilinear(c):
        return (
            (1 - u) * (1 - v) * c[:, [0]]
            + u * (1 - v) * c[:, [1]]
            + u * v * c[:, [2]]
            + (1 - u) * v * c[:, [3]]
        )

    x, y = bilinear(cx), bilinear(cy)
    area = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))
    lon, lat = _to_lonlat().transform(x.ravel(), y.ravel())

    street = street_of_block[block_of_parcel]
    first_in_street = np.concatenate([[0], np.cumsum(np.bincount(street, minlength=len(STREETS)))])
    seq = np.arange(n) - first_in_street[street] + 1
    extents = _street_extents(origins, sides)
    outlines = _street_outlines(street_of_block, cell_x, cell_y)
    return Parcels(
        street=street,
        seq=seq,
        block=block_in_street[block_of_parcel] + 1,
        lot=lot + 1,
        lon=lon.reshape(n, 5),
        lat=lat.reshape(n, 5),
        pentagon=pentagon,
        area_m2=area,
        extents=extents,
        outlines=outlines,
    )


OUTLINE_ROUNDING_M = 60.0  # radius of the outline's rounded outer corners


def _street_outlines(street_of_block, cell_x, cell_y) -> tuple[str, ...]:
    """Each street's outline: the union of its block cells (blocks and the roads around them),
    outer corners rounded: a staircase where the last row of blocks is short, never the
    bounding box. WKT in EPSG:4490, 8 decimals."""
    boxes = shapely.box(cell_x, cell_y, cell_x + BLOCK_PITCH_M, cell_y + BLOCK_PITCH_M)
    transform = _to_lonlat()
    outlines = []
    for index in range(len(STREETS)):
        mine = boxes[street_of_block == index]
        if not len(mine):
            outlines.append("")
            continue
        # Cells touch exactly; half a metre more keeps float noise from leaving slivers.
        shape = shapely.union_all(shapely.buffer(mine, 0.5, join_style="mitre"))
        shape = shape.buffer(-OUTLINE_ROUNDING_M, quad_segs=4).buffer(
            OUTLINE_ROUNDING_M, quad_segs=4
        )
        shape = _wobble(shape, index)
        projected = shapely.transform(
            shape, lambda xy: np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))
        )
        outlines.append(shapely.to_wkt(projected, rounding_precision=8, trim=True))
    return tuple(outlines)


def _street_extents(origins: np.ndarray, sides: np.ndarray) -> np.ndarray:
    """Longitude/latitude box of each street's square (its corners projected, then bounded)."""
    xs = origins[:, [0]] + np.array([0, 1, 1, 0]) * sides[:, None]
    ys = origins[:, [1]] + np.array([0, 0, 1, 1]) * sides[:, None]
    lon, lat = _to_lonlat().transform(xs.ravel(), ys.ravel())
    lon, lat = lon.reshape(-1, 4), lat.reshape(-1, 4)
    return np.column_stack([lon.min(1), lat.min(1), lon.max(1), lat.max(1)])


def _wobble(shape, index: int):
    """The outline pushed outwards by 0–2×OUTLINE_WOBBLE_M along a slow wave, as a surveyed
    street boundary follows roads and rivers rather than a ruler (deterministic: no draw from
    the demo's random stream, so the rest of the district stays the same)."""
    dense = shapely.segmentize(shape, 50.0)
    centre = np.array(shape.centroid.coords[0])

    def push(xy):
        offset = xy - centre
        angle = np.arctan2(offset[:, 1], offset[:, 0])
        distance = np.hypot(offset[:, 0], offset[:, 1])
        wave = 1 + np.sin(5 * angle + index) * 0.6 + np.sin(11 * angle + 2 * index) * 0.4
        factor = (distance + OUTLINE_WOBBLE_M * wave) / np.maximum(distance, 1.0)
        return centre + offset * factor[:, None]

    wobbled = shapely.transform(dense, push)
    return wobbled if wobbled.is_valid and wobbled.contains(shape) else shape


OUTLINE_WOBBLE_M = 30.0
