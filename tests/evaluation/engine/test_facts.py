"""Helpers of the per-parcel frame."""

import polars as pl
import pytest

from landcycle.evaluation.engine.facts import lookup, row_positions


def test_lookup_is_a_left_join_in_key_order():
    table = pl.DataFrame({"k": [30, 10, None, 20], "v": ["c", "a", "z", "b"]})
    keys = pl.Series([20, None, 40, 10, 30, 20, 5])
    assert lookup(keys, table, "k")["v"].to_list() == ["b", None, None, "a", "c", "b", None]
    assert lookup(keys, table.clear(), "k")["v"].to_list() == [None] * 7


@pytest.mark.parametrize("ids", [[5, 2, 9, 0], [10**12, 7, 3 * 10**9, -4]])
def test_row_positions_finds_each_key_or_minus_one(ids):
    keys = pl.Series([ids[2], None, ids[0], 123456, ids[3], ids[2]], dtype=pl.Int64)
    got = row_positions(keys, pl.Series(ids, dtype=pl.Int64))
    assert got.tolist() == [2, -1, 0, -1, 3, 2]
    assert row_positions(keys, pl.Series([], dtype=pl.Int64)).tolist() == [-1] * 6
