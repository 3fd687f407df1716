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

from landcycle.core.identifiers import _PROVINCES  # the same province table as the authority

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28))
_USCC_INDEX = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(_USCC_ALPHABET):
    _USCC_INDEX[ord(_c)] = _i

_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])


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
        total = codes[:, :17] @ _USCC_WEIGHTS
        result[shaped.to_numpy()] = codes[:, 17] == (31 - total % 31) % 31
    return pl.Series(values.name, result)


def resident_id_ok(values: pl.Series, today: dt.date | None = None) -> pl.Series:
    """True where the value is a valid resident ID as written (GB 11643)."""
    today = today or dt.date.today()
    shaped = values.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False)
    shaped &= values.str.slice(0, 2).is_in(list(_PROVINCES)).fill_null(False)
    birth = values.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    shaped &= ((birth >= dt.date(1900, 1, 1)) & (birth <= today)).fill_null(False)
    result = np.zeros(len(values), dtype=bool)
    if shaped.any():
        codes = _matrix(values.filter(shaped), 18).astype(np.int64)
        total = (codes[:, :17] - 48) @ _RIC_WEIGHTS
        check = (12 - total % 11) % 11
        expected = np.where(check == 10, ord("X"), check + 48)
        result[shaped.to_numpy()] = codes[:, 17] == expected
    return pl.Series(values.name, result)
