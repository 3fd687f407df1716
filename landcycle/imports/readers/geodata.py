"""Geodata (GeoPackage, Shapefile, GeoJSON) read with pyogrio.

Shapefiles keep text in the .dbf in whatever code page the writing program used. GDAL reads the
.cpg file or the .dbf's language-driver byte when there is one; GIS software on Chinese Windows
often writes GBK with neither, which GDAL then reads as ISO-8859-1 (mojibake such as
``ÕÅ¼Ò``). So without both, the .dbf's bytes are checked: ASCII or UTF-8 stay as they are, else
the encoding is detected (charset-normalizer, as for CSV) and said in the import output. Text
that still looks like mojibake is refused, never stored.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import shapely

from .. import limits
from ..errors import ImportProblem
from .cells import cell_text
from .delimited import EncodingProblem, decode_text
from .shapes import ROW, GeoLayer, Inputs

# GBK read as Latin-1: two or more letters of the Latin-1 supplement in a row (Chinese text never
# has them; a lone ° ² × · does occur).
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff]{2,}")
_CODECS = {"GB18030/GBK": "gb18030", "Big5": "big5"}


def _sibling(path: Path, suffix: str) -> Path | None:
    """The file next to ``path`` with ``suffix``, any case (.DBF, .dbf, .Cpg …)."""
    for candidate in path.parent.glob(path.stem + ".*"):
        if candidate.stem == path.stem and candidate.suffix.lower() == suffix:
            return candidate
    return None


def dbf_encoding(path: Path) -> tuple[str | None, str | None]:
    """(Python codec of the .dbf's text, label for the user or None) for a shapefile; (None,
    None) when GDAL's own reading is right: a .cpg is there, the .dbf's language-driver byte is
    set, or all its text is ASCII. Raises EncodingProblem when the text is in no encoding we
    recognise. Field names (cut at 10 bytes, maybe inside a character) count only when whole."""
    if path.suffix.lower() != ".shp" or _sibling(path, ".cpg") is not None:
        return None, None
    dbf = _sibling(path, ".dbf")
    if dbf is None:
        return None, None
    raw = dbf.read_bytes()
    if len(raw) < 32 or raw[29] != 0:  # byte 29: language driver id (0 = not given)
        return None, None
    header_length = int.from_bytes(raw[8:10], "little")
    names = [  # 32-byte field descriptors from byte 32 up to the 0x0D terminator
        raw[at : at + 11].split(b"\x00", 1)[0]
        for at in range(32, header_length - 1, 32)
        if raw[at] != 0x0D
    ]
    records = raw[header_length:].rstrip(b"\x1a")
    if records.isascii() and all(n.isascii() for n in names):
        return None, None
    if _utf8(records) and all(_utf8(n, cut=True) for n in names):
        return "utf-8", None
    try:
        _decoded, label = decode_text(b"\n".join(names) + b"\n" + records)
    except EncodingProblem:
        _decoded, label = decode_text(records)
    if label.startswith("UTF-8"):
        return "utf-8", None
    return _CODECS.get(label, label), label


def _utf8(raw: bytes, cut: bool = False) -> bool:
    """True when ``raw`` is UTF-8; ``cut``: its last character may be cut short (a .dbf name)."""
    for end in range(len(raw), len(raw) - (4 if cut else 1), -1):
        try:
            raw[: max(end, 0)].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def read_geodata(path: Path, inputs: Inputs, given: str | None = None) -> None:
    """A geodata file → a GeoLayer (text attributes, shapely geometries, declared EPSG or None).
    ``given``: codec of a shapefile's .dbf from ``--encoding`` (over .cpg and detection)."""
    if not limits.admit(path, inputs):  # sizes and dimensions first (issue 10)
        return
    from pyogrio import raw

    try:
        encoding, label = dbf_encoding(path)
        if given and path.suffix.lower() == ".shp":
            encoding, label = given, f"{given} (--encoding)"
    except EncodingProblem as exc:
        inputs.problems.append(ImportProblem.whole(path.name, str(exc)))
        return
    try:
        # A .dbf in a code page GDAL cannot see is read byte for byte (Latin-1) and decoded here.
        meta, _fids, geometry, field_data = raw.read(
            path, encoding="ISO-8859-1" if encoding else None
        )
        if encoding:
            meta["fields"], field_data = _decoded(meta["fields"], field_data, encoding)
    except UnicodeDecodeError:
        inputs.problems.append(
            ImportProblem(
                path.name,
                None,
                None,
                label,
                f".dbf中有不能按{label or encoding}解读的文字 text not valid in the detected "
                "encoding: 请在.shp旁放一个写有编码的.cpg文件 add a .cpg naming the encoding",
            )
        )
        return
    except Exception as exc:  # GDAL errors come in several types
        inputs.problems.append(
            ImportProblem(
                path.name, None, None, None, f"无法读取地理数据 cannot read geodata: {exc}"
            )
        )
        return
    if label:
        inputs.problems.append(
            ImportProblem(
                path.name,
                None,
                None,
                label,
                f"已按{label}编码读取.dbf read the .dbf as {label}"
                if given
                else f".dbf没有.cpg，已按{label}编码读取 no .cpg: read the .dbf as {label} (detected)",
                warning=True,
            )
        )
    fields = [str(f) for f in meta["fields"]]
    count = len(geometry) if geometry is not None else 0
    attributes = pl.DataFrame(
        {
            name: pl.Series(name, [cell_text(v) for v in values], dtype=pl.Utf8)
            for name, values in zip(fields, field_data, strict=True)
        }
        | {ROW: pl.Series(ROW, range(1, count + 1), dtype=pl.Int64)}
    )
    garbled = _mojibake(fields, attributes)
    if garbled:
        inputs.problems.append(
            ImportProblem(
                path.name,
                None,
                None,
                garbled,
                "文字疑似乱码（编码不对） text looks garbled (wrong encoding): 请在.shp旁放一个写有"
                "编码的.cpg文件（如 GBK 或 UTF-8） add a .cpg file naming the encoding",
            )
        )
        return
    geometries = shapely.from_wkb(geometry) if count else np.array([], dtype=object)
    crs = meta.get("crs")
    epsg = None
    if crs:
        from pyproj import CRS

        epsg = CRS.from_user_input(crs).to_epsg()
    inputs.layers.append(GeoLayer(path.name, epsg, fields, attributes, geometries))


def _decoded(fields, field_data, encoding: str):
    """Field names and text values read as Latin-1 → decoded in ``encoding`` (names may end in
    a character the 10-byte cut broke: it is dropped). UnicodeDecodeError for bad values."""
    names = [str(n).encode("latin-1").decode(encoding, errors="ignore") for n in fields]
    data = []
    for values in field_data:
        if values.dtype == object:
            values = np.array(
                [v.encode("latin-1").decode(encoding) if isinstance(v, str) else v for v in values],
                dtype=object,
            )
        data.append(values)
    return names, data


def _mojibake(fields: list[str], attributes: pl.DataFrame) -> str | None:
    """The first field name or value that looks like GBK read as Latin-1, else None."""
    for name in fields:
        if _MOJIBAKE.search(name):
            return name
    for name in fields:
        hits = attributes.filter(pl.col(name).str.contains(_MOJIBAKE.pattern))
        if hits.height:
            return hits[name][0]
    return None


_KEY_NAMES = ("宗地编号", "code", "parcel_code")


def geodata_key(fields: list[str]) -> str | None:
    """The field holding the parcel code: 宗地编号 / code, or a GIS name the shipped ``gis``
    column profile maps to it (ZDDM, 宗地代码, ZDBH …); None when there is none."""
    from ..profiles import field_key

    for name in fields:
        if name.strip().lower() in _KEY_NAMES:
            return name
    return next((name for name in fields if field_key(name) == "code"), None)


def geodata_key_names() -> list[str]:
    """Every field name accepted as the parcel code, for messages."""
    from ..profiles import load

    profile = load("gis")
    return list(_KEY_NAMES) + [h for h in profile.accepted() if profile.key_for(h) == "code"]
