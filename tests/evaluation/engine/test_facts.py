"""Helpers of the per-parcel frame."""

import polars as pl

from landcycle.evaluation.engine.facts import lookup


def test_lookup_is_a_left_join_in_key_order():
    table = pl.DataFrame({"k": [30, 10, None, 20], "v": ["c", "a", "z", "b"]})
    keys = pl.Series([20, None, 40, 10, 30, 20, 5])
    assert lookup(keys, table, "k")["v"].to_list() == ["b", None, None, "a", "c", "b", None]
    assert lookup(keys, table.clear(), "k")["v"].to_list() == [None] * 7
