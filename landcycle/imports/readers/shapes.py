"""The shapes readers produce: raw sheets of text cells, geodata layers, and what was read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ..errors import ImportProblem

ROW = "_row"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv"}
GEODATA_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json"}


@dataclass
class RawSheet:
    name: str  # sheet name as the user wrote it
    source: str  # file name
    headers: list[str]
    frame: pl.DataFrame  # one Utf8 column per header (named by position "c0".."cN") + _row


@dataclass
class GeoLayer:
    source: str
    crs_epsg: int | None  # declared by the file, if any
    fields: list[str]
    attributes: pl.DataFrame  # Utf8 columns named by field + _row (feature number)
    geometries: np.ndarray


@dataclass
class Inputs:
    sheets: list[RawSheet] = field(default_factory=list)
    layers: list[GeoLayer] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
