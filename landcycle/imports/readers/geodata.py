"""Geodata (GeoPackage, Shapefile, GeoJSON) read with pyogrio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import shapely

from ..errors import ImportProblem
from .cells import cell_text
from .shapes import ROW, GeoLayer, Inputs


def read_geodata(path: Path, inputs: Inputs) -> None:
    from pyogrio import raw

    try:
        meta, _fids, geometry, field_data = raw.read(path)
    except Exception as exc:  # GDAL errors come in several types
        inputs.problems.append(
            ImportProblem(
                path.name, None, None, None, f"无法读取地理数据 cannot read geodata: {exc}"
            )
        )
        return
    fields = [str(f) for f in meta["fields"]]
    count = len(geometry) if geometry is not None else 0
    attributes = pl.DataFrame(
        {
            name: pl.Series(name, [cell_text(v) for v in values], dtype=pl.Utf8)
            for name, values in zip(fields, field_data, strict=True)
        }
        | {ROW: pl.Series(ROW, range(1, count + 1), dtype=pl.Int64)}
    )
    geometries = shapely.from_wkb(geometry) if count else np.array([], dtype=object)
    crs = meta.get("crs")
    epsg = None
    if crs:
        from pyproj import CRS

        epsg = CRS.from_user_input(crs).to_epsg()
    inputs.layers.append(GeoLayer(path.name, epsg, fields, attributes, geometries))
