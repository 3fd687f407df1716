"""The import limits' values: each a Django setting, else the environment variable of the same
name, else the default here (``docs/web.md``). Below ``errors`` and ``limits``, which both read them."""

from __future__ import annotations

import os

MB = 1 << 20
# Defaults: together they keep one import under ~1 GiB. Measured (landcycle import, max RSS):
# a workbook sheet costs ~110 MB + ~270 B per row + ~90 B per cell, so 6M cells ≈ 1 GiB at worst
# (1,048,575 rows × 3 columns: 680 MB; 300k × 15: 600 MB). A CSV file (no cell limit: read by
# Polars, far more compact) is bounded by its size; the 100k-parcel district's largest CSV (500k
# indicator rows) is ~50 MB.
DEFAULTS = {
    "LANDCYCLE_IMPORT_MAX_FILE_MB": 100,
    "LANDCYCLE_IMPORT_MAX_INFLATED_MB": 512,
    "LANDCYCLE_IMPORT_MAX_ZIP_RATIO": 100,
    "LANDCYCLE_IMPORT_MAX_ROWS": 1_048_576,
    "LANDCYCLE_IMPORT_MAX_COLUMNS": 1_000,
    "LANDCYCLE_IMPORT_MAX_CELLS": 6_000_000,
    "LANDCYCLE_IMPORT_MAX_ERRORS_PER_COLUMN": 100,
    "LANDCYCLE_IMPORT_MAX_ERRORS": 5_000,
}


def limit(name: str) -> int:
    """The limit ``name`` (a key of ``DEFAULTS``): Django setting, else environment, else default."""
    try:
        from django.conf import settings

        value = getattr(settings, name, None)
    except Exception:  # settings not configured (a script using the readers alone)
        value = None
    if value is None:
        value = os.environ.get(name) or DEFAULTS[name]
    return int(value)
