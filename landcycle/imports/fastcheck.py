"""Vectorised screens for USCC and resident ID numbers over whole columns.

``landcycle.core.identifiers`` stays the authority: a value these screens pass is one it would
accept as it is (same format, region, birth-date and check-character rules), and every value they
do not pass is handed to it for the verdict and the reason. At 100k enterprises the per-value
check costs seconds; this costs milliseconds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from landcycle.core.identifiers import (
    PROVINCES,
    USCC_ALPHABET,
    resident_id_check_values,
    uscc_check_indices,
)

_USCC_INDEX = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_ALPHABET):
    _USCC_INDEX[ord(_c)] = _i


def _matrix(values: pl.Series, width: int) -> np.ndarray:
    """Values of exactly ``width`` ASCII characters as a (n, width) array of byte codes."""
    data = "".join(values.to_list()).encode("ascii")
    return np.frombuffer(data, dtype=np.uint8).reshape(-1, width)


def uscc_ok(values: pl.Series) -> pl.Series:
    """True where the value is a valid USCC as written (18 characters, upper case)."""
    shaped = values.str.contains(r"^[0-9]{8}[0-9A-HJ-NP-RTUWXY]{10}$").fill_null(False)
    result = np.zeros(len(values), dtype=bool)
    if shaped.any():
        codes = _USCC_INDEX[_matrix(values.filter(shaped), 18)]
        result[shaped.to_numpy()] = codes[:, 17] == uscc_check_indices(codes[:, :17])
    return pl.Series(values.name, result)


def resident_id_ok(values: pl.Series, today: dt.date | None = None) -> pl.Series:
    """True where the value is a valid resident ID as written (GB 11643)."""
    today = today or dt.date.today()
    shaped = values.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False)
    shaped &= values.str.slice(0, 2).is_in(list(PROVINCES)).fill_null(False)
    birth = values.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    shaped &= ((birth >= dt.date(1900, 1, 1)) & (birth <= today)).fill_null(False)
    result = np.zeros(len(values), dtype=bool)
    if shaped.any():
        codes = _matrix(values.filter(shaped), 18).astype(np.int64)
        check = resident_id_check_values(codes[:, :17] - 48)
        expected = np.where(check == 10, ord("X"), check + 48)
        result[shaped.to_numpy()] = codes[:, 17] == expected
    return pl.Series(values.name, result)
