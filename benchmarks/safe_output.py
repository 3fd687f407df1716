"""What the CSV injection guard costs: a results-like frame written as CSV with and without it.

    python benchmarks/safe_output.py [--rows 1000000]

Four text columns (codes, names with 1 % hostile, reasons, class) and three figures; prints the
best of three for ``write_csv`` alone and ``csv_safe_frame`` + ``write_csv``, and the xlsx
writer on a tenth of the rows with and without the text options.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl

from landcycle.core.safe_output import csv_safe_frame, open_workbook


def frame(rows: int) -> pl.DataFrame:
    index = pl.int_range(0, rows, eager=True)
    names = pl.when(index % 100 == 0).then(pl.lit("=1+1")).otherwise(pl.lit("甲制造有限公司"))
    return pl.DataFrame({"i": index}).select(
        pl.format("BL-{}", "i").alias("parcel_code"),
        names.alias("holder"),
        pl.lit("产值或税收未达A类标准").alias("reasons"),
        pl.lit("B").alias("class"),
        (pl.col("i") * 0.5).alias("output_per_ha"),
        (pl.col("i") * -0.1).alias("tax_per_ha"),
        pl.col("i").alias("employees"),
    )


def best(function, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    data = frame(args.rows)
    plain = best(lambda: data.write_csv())
    guarded = best(lambda: csv_safe_frame(data).write_csv())
    print(f"CSV, {args.rows:,} rows: plain {plain:.2f} s, guarded {guarded:.2f} s")
    small = data.head(args.rows // 10)
    with tempfile.TemporaryDirectory() as directory:

        def xlsx(options):
            with open_workbook(str(Path(directory) / "t.xlsx"), options) as workbook:
                small.write_excel(workbook, worksheet="s")

        import xlsxwriter

        def default():
            with xlsxwriter.Workbook(str(Path(directory) / "d.xlsx")) as workbook:
                small.write_excel(workbook, worksheet="s")

        print(
            f"xlsx, {small.height:,} rows: xlsxwriter defaults {best(default, 1):.2f} s, "
            f"text options {best(lambda: xlsx({}), 1):.2f} s"
        )


if __name__ == "__main__":
    main()
