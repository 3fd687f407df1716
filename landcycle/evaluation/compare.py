"""Two policies on the same ledger and year: the matrix of class moves and the parcels behind it.

The ledger is loaded once; each policy is evaluated on the same frames (nothing is stored), so
a difference in a cell is due to the policies alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from landcycle.core.safe_output import XLSX_FRAME_OPTIONS, csv_safe_frame, open_workbook

from .services import compute, get_policy, indicator_years_back, load_inputs


@dataclass(frozen=True)
class Comparison:
    year: int
    first: str  # policy names
    second: str
    pairs: pl.DataFrame  # parcel_id, parcel_code, first_class, second_class (one row per parcel)

    def matrix(self) -> pl.DataFrame:
        """Rows: class under the first policy; columns: class under the second; cells: counts."""
        counts = self.pairs.group_by("first_class", "second_class").len()
        columns = sorted(self.pairs["second_class"].unique().to_list())
        wide = counts.pivot(on="second_class", index="first_class", values="len").fill_null(0)
        for column in columns:
            if column not in wide.columns:
                wide = wide.with_columns(pl.lit(0).alias(column))
        return wide.select("first_class", *columns).sort("first_class")

    def cells(self) -> pl.DataFrame:
        """One row per (first, second) cell with its count and the parcel codes behind it."""
        return (
            self.pairs.sort("parcel_code")
            .group_by("first_class", "second_class")
            .agg(pl.len().alias("count"), pl.col("parcel_code").alias("parcels"))
            .sort("first_class", "second_class")
        )

    def moved(self) -> pl.DataFrame:
        return self.pairs.filter(pl.col("first_class") != pl.col("second_class"))


def compare(year: int, first: str, second: str) -> Comparison:
    if first == second:
        raise ValueError("compare needs two different policies")
    policy_a, policy_b = get_policy(first), get_policy(second)
    inputs = load_inputs_for(policy_a, policy_b, year)
    a = compute(policy_a, inputs, year).select("parcel_id", pl.col("class").alias("first_class"))
    b = compute(policy_b, inputs, year).select("parcel_id", pl.col("class").alias("second_class"))
    codes = inputs.parcels.select("parcel_id", pl.col("code").alias("parcel_code"))
    pairs = (
        codes.join(a, on="parcel_id", how="inner")
        .join(b, on="parcel_id", how="inner")
        .sort("parcel_code")
    )
    return Comparison(year, policy_a.name, policy_b.name, pairs)


def load_inputs_for(policy_a, policy_b, year: int):
    """One load serving both policies: the wider indicator window of the two."""
    wider = max((policy_a, policy_b), key=indicator_years_back)
    return load_inputs(wider, year)


def export(comparison: Comparison, path: Path) -> Path:
    """xlsx (sheets 矩阵 / 明细 / 变化) or, for a .csv path, the detail of every parcel."""
    path = Path(path)
    detail = comparison.pairs.rename(
        {"first_class": comparison.first, "second_class": comparison.second}
    ).drop("parcel_id")
    if path.suffix.lower() == ".csv":
        csv_safe_frame(detail).write_csv(path)
        return path
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: compare exports .xlsx or .csv")
    cells = comparison.cells().with_columns(pl.col("parcels").list.join(", "))
    matrix = comparison.matrix().rename(
        {"first_class": f"{comparison.first} \\ {comparison.second}"}
    )
    with open_workbook(str(path), XLSX_FRAME_OPTIONS) as workbook:
        matrix.write_excel(workbook, worksheet="矩阵", autofit=True)
        cells.rename(
            {
                "first_class": comparison.first,
                "second_class": comparison.second,
                "count": "宗地数",
                "parcels": "宗地编号",
            }
        ).write_excel(workbook, worksheet="明细", autofit=True)
        detail.write_excel(workbook, worksheet="宗地", autofit=True)
    return path
