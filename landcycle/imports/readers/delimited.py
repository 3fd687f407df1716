"""Delimited text (CSV, tab-separated "Unicode text") read with Polars, in whatever encoding
Excel and WPS on Chinese Windows write: UTF-8 with or without BOM, GBK / GB18030, UTF-16.

The encoding is detected with charset-normalizer (only when the bytes are not UTF-8) and said in
the import output; the delimiter (``,`` ``;`` or tab) is taken from the header line when it is
plain. Rows with fewer fields than the others are reported (their fields stay in place, the
missing ones read as empty). The header is found later, as in workbooks (``imports.tables``).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from .. import limits
from ..errors import ImportProblem
from .shapes import Grid, Inputs

# What offices' files come in; the detector is asked only about these (left free, it reads a
# short GBK file as Korean cp949).
_CANDIDATES = ["utf_8", "gb18030", "big5", "utf_16_le", "utf_16_be"]
_CHINESE_GB = {"gb2312", "gbk", "gb18030", "cp936", "hz"}
_SAMPLE = 256 * 1024
_DELIMITERS = (",", "\t", ";")


class EncodingProblem(ValueError):
    """The bytes are in no encoding we can read with confidence."""


def decode_text(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Bytes of a text file → (text, encoding label shown to the user).

    UTF-8 (with or without BOM) and UTF-16 with BOM are taken as they are; anything else goes to
    charset-normalizer among the encodings Chinese offices use, and GBK-family answers are read
    as GB18030 (its superset, so no character of a GBK file is lost). ``encoding`` (a codec name
    the user gave with ``--encoding``) replaces the detection. Raises EncodingProblem.
    """
    if encoding:
        return _decode_as(raw, encoding)
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise EncodingProblem(f"UTF-16文件有无效字节 invalid UTF-16 bytes: {exc}") from None
    if b"\x00" not in raw[:_SAMPLE]:
        try:
            return raw.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    sample = raw[:_SAMPLE]
    if len(raw) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # never cut a character in two
    # UTF-16 without BOM only when NULs show it (its ASCII half): else any even bytes "decode".
    candidates = _CANDIDATES if b"\x00" in sample else _CANDIDATES[:3]
    best = from_bytes(sample, cp_isolation=candidates).best()
    if best is None:
        raise EncodingProblem(
            "无法识别文件编码 cannot tell the encoding (not UTF-8, GBK/GB18030, Big5 or UTF-16): "
            "请另存为UTF-8 save as CSV UTF-8"
        )
    encoding = "gb18030" if best.encoding in _CHINESE_GB else best.encoding
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingProblem(
            f"按{_label(encoding)}读取失败 not valid {_label(encoding)} at byte {exc.start}: "
            "请另存为UTF-8 save as CSV UTF-8"
        ) from None
    return text, _label(encoding)


def _decode_as(raw: bytes, encoding: str) -> tuple[str, str]:
    codec = codecs.lookup(encoding).name
    if codec == "utf-8" and raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return raw.decode(codec), f"{encoding}（指定的编码 as chosen）"
    except UnicodeDecodeError as exc:
        raise EncodingProblem(
            f"按指定编码{encoding}读取失败，请换一种文件编码 not valid {encoding} at byte {exc.start}"
        ) from None


def _label(encoding: str) -> str:
    return {
        "gb18030": "GB18030/GBK",
        "big5": "Big5",
        "utf_16_le": "UTF-16LE",
        "utf_16_be": "UTF-16BE",
        "utf_8": "UTF-8",
    }.get(encoding, encoding)


def sniff_delimiter(header_line: str) -> str:
    """``,`` unless the header line has none and plainly uses tabs or semicolons instead."""
    if "," in header_line:
        return ","
    counts = {d: header_line.count(d) for d in _DELIMITERS[1:]}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(path: Path, inputs: Inputs, encoding: str | None = None) -> None:
    """One CSV / tab-separated file = one sheet named after the file (``宗地.csv`` → 宗地)."""
    if not limits.admit(path, inputs):  # sizes and dimensions first (issue 10)
        return
    read_delimited(path.read_bytes(), path.stem, path.name, inputs, encoding)


def read_delimited(
    raw: bytes, name: str, source: str, inputs: Inputs, given: str | None = None
) -> None:
    """Bytes of a delimited file → a grid in ``inputs.grids`` (or problems saying why not).

    The grid holds every line (row number = line, first = 1); ``imports.tables`` finds the header.
    """
    from ..tables import grid_from_frame

    try:
        text, encoding = decode_text(raw, given)
    except EncodingProblem as exc:
        inputs.problems.append(ImportProblem.whole(name, str(exc)))
        return
    if not given and encoding not in ("UTF-8", "UTF-8 (BOM)"):
        inputs.problems.append(
            ImportProblem(
                name,
                None,
                None,
                encoding,
                f"已按{encoding}编码读取 read as {encoding} (detected; not UTF-8)",
                warning=True,
            )
        )
    if "\r" in text:  # copies of a large text only when needed
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        data = text.encode("utf-8")
    else:  # UTF-8 as given: Polars reads the bytes themselves
        data = raw[3:] if encoding == "UTF-8 (BOM)" else raw
        data = data if encoding.startswith("UTF-8") and not given else text.encode("utf-8")
    if not text.strip():
        inputs.grids.append(Grid(name, source, grid_from_frame(pl.DataFrame())))
        return
    separator = sniff_delimiter(text[: text.find("\n")] if "\n" in text else text)
    try:
        frame = pl.read_csv(
            data,
            infer_schema=False,
            has_header=False,
            separator=separator,
            empty_string_is_null=False,
            truncate_ragged_lines=False,
        )
        counts = _field_counts(text, separator, frame)
    except pl.exceptions.ComputeError:  # a row longer than the first: read row by row
        frame, counts = _read_ragged(text, separator)
    except Exception as exc:  # polars raises several kinds on malformed CSV
        inputs.problems.append(ImportProblem.whole(name, f"无法读取CSV cannot read CSV: {exc}"))
        return
    for row, fields, usual in _short_rows(counts):
        inputs.problems.append(
            ImportProblem(
                name,
                row,
                None,
                None,
                f"该行只有{fields}个字段，其他行有{usual}个：缺少的列按空值读取，未移位 "
                f"row has {fields} fields, the others {usual}: the missing ones read as empty",
                warning=True,
            )
        )
    inputs.grids.append(Grid(name, source, grid_from_frame(frame)))


# (row number, fields in the row, row has content); None = every row has the frame's width.
Counts = list[tuple[int, int, bool]] | None


def _field_counts(text: str, separator: str, frame: pl.DataFrame) -> Counts:
    """Fields per row, taken from the text: Polars pads short rows with empty fields.

    Without quotes one count of separators tells whether any row is short (the common case);
    with quotes only a file with an empty last field somewhere is counted row by row.
    """
    width = frame.width
    if width <= 1:
        return None
    if '"' not in text:
        lines = text.count("\n") + (not text.endswith("\n"))
        if text.count(separator) == (width - 1) * lines:
            return None
        lines = text.rstrip("\n").split("\n")
        blank = " " + separator
        return [
            (number, line.count(separator) + 1, bool(line.strip(blank)))
            for number, line in enumerate(lines, start=1)
        ]
    if not (frame.get_column(frame.columns[-1]) == "").any():
        return None
    return [
        (number, len(fields), any(f.strip() for f in fields))
        for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=separator), 1)
    ]


def _short_rows(counts: Counts) -> list[tuple[int, int, int]]:
    """(row, fields, usual fields) of rows with content and fewer fields than most rows have,
    below the first row of the usual width (rows above it are titles)."""
    if not counts:
        return []
    usual = Counter(n for _, n, full in counts if full).most_common(1)
    if not usual:
        return []
    width = usual[0][0]
    first = next(row for row, n, full in counts if full and n >= width)
    return [(row, n, width) for row, n, full in counts if row > first and full and n < width]


def _read_ragged(text: str, separator: str) -> tuple[pl.DataFrame, Counts]:
    """The exact path for files whose rows are longer than the first: the csv module."""
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    width = max(len(r) for r in rows)
    counts = [(n, len(r), any(f.strip() for f in r)) for n, r in enumerate(rows, start=1)]
    columns = {
        f"column_{i + 1}": pl.Series([r[i] if i < len(r) else "" for r in rows], dtype=pl.Utf8)
        for i in range(width)
    }
    return pl.DataFrame(columns), counts
