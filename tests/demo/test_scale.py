"""Timing of a large district: printed (run with -s), not asserted."""

import time

from landcycle.demo.generator import generate_district


def test_hundred_thousand_parcels_timing():
    start = time.perf_counter()
    tables = generate_district(parcels=100_000)
    elapsed = time.perf_counter() - start
    rows = sum(frame.height for frame in tables.values())
    print(f"\ndemo district 100,000 parcels: {rows:,} rows in all sheets in {elapsed:.1f} s")
    assert tables["宗地"].height == 100_000
    assert tables["宗地"]["宗地编号"].is_unique().all()
