"""CSV files (one per sheet, named after it) read with Polars."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..errors import ImportProblem
from .cells import _frame, _headers
from .shapes import ROW, Inputs, RawSheet


def read_csv(path: Path, inputs: Inputs) -> None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        inputs.problems.append(
            ImportProblem(
                path.stem, None, None, None, f"文件不是UTF-8编码 CSV is not UTF-8 (GBK?): {exc}"
            )
        )
        return
    if not text.strip():
        inputs.sheets.append(RawSheet(path.stem, path.name, [], _frame([], [], 2)))
        return
    try:
        frame = pl.read_csv(
            text.encode("utf-8"), infer_schema=False, has_header=False, truncate_ragged_lines=True
        )
    except Exception as exc:  # polars raises ComputeError and others on malformed CSV
        inputs.problems.append(
            ImportProblem(path.stem, None, None, None, f"无法读取CSV cannot read CSV: {exc}")
        )
        return
    headers = _headers(list(frame.row(0)))
    width = len(headers)
    data = frame.slice(1).select(frame.columns[:width])
    data.columns = [f"c{i}" for i in range(width)]
    data = data.with_columns(
        [pl.col(c).str.strip_chars().replace("", None) for c in data.columns]
    ).with_columns(pl.int_range(2, data.height + 2, dtype=pl.Int64).alias(ROW))
    if width:
        data = data.filter(pl.any_horizontal(pl.col(f"c{i}").is_not_null() for i in range(width)))
    inputs.sheets.append(RawSheet(path.stem, path.name, headers, data))
