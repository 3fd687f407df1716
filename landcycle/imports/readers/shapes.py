"""The shapes readers produce: raw sheets of text cells, geodata layers, and what was read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from ..errors import ImportProblem, ProblemList

ROW = "_row"
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}  # all read by calamine
CSV_SUFFIXES = {".csv"}
GEODATA_SUFFIXES = {".gpkg", ".shp", ".geojson", ".json"}


@dataclass
class RawSheet:
    name: str  # sheet name as the user wrote it
    source: str  # file name
    headers: list[str]
    frame: pl.DataFrame  # one Utf8 column per header (named by position "c0".."cN") + _row
    header_row: int = 1  # spreadsheet row of the (last) header row, for messages


@dataclass
class Grid:
    """Every cell of a sheet, before its table is found (see ``imports.tables``)."""

    name: str  # sheet name as the user wrote it (a CSV: the file's stem)
    source: str  # file name
    frame: pl.DataFrame  # Utf8 columns "c0".."cN" (blank = null) + _row (first line = 1)
    # Cell problems found while reading, named by header once the table is found:
    # (row, column index, reason).
    cell_problems: list[tuple[int, int, str]] = field(default_factory=list)
    # Merged cells: (first row, first column index, last row, last column index), rows as in
    # ``_row``. Below the header, a merge down a column (所属街道 written once for several
    # parcels) gives its value to every row it covers.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class GeoLayer:
    source: str
    crs_epsg: int | None  # declared by the file, if any
    fields: list[str]
    attributes: pl.DataFrame  # Utf8 columns named by field + _row (feature number)
    geometries: np.ndarray


@dataclass
class Inputs:
    sheets: list[RawSheet] = field(default_factory=list)  # header already known
    grids: list[Grid] = field(default_factory=list)  # header to be found by imports.tables
    layers: list[GeoLayer] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=ProblemList)  # capped
