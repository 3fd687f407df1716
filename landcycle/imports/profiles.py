"""Column profiles: an officer's own header names mapped once to ours, saved under a name.

A profile is a TOML file (``NAME.toml``)::

    title = "中国土地市场网 供地结果"   # shown in lists and the web form
    sheet = "parcels"                  # the kind of sheet its headers belong to
    [columns]                          # header as the officer writes it → column key(s)
    "电子监管号" = ["code", "supervision_number"]
    "面积" = "area"                     # 面积(公顷): the unit in the header still applies
    [units]                            # unit of a header that carries none (optional)
    "面积" = "公顷"

Shipped profiles live in ``landcycle/imports/profile_files/``; an administrator adds or
overrides one by a file in ``<LANDCYCLE_DATA_DIR>/profiles/`` (``landcycle profiles save``).
Headers compare after NFKC (full-width → half-width), without spaces, case-insensitive.
A profile with ``truncated = true`` also accepts every column name of its sheet cut to the
10 bytes a shapefile's .dbf keeps (GBK and UTF-8), where the cut is unambiguous.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from landcycle.core.units import split_header

from .schema import SHEETS, Sheet
from .tables import normalise

SHIPPED = Path(__file__).with_name("profile_files")
DBF_NAME_BYTES = 10  # a dBase field name holds at most 10 bytes


class ProfileError(Exception):
    """A profile that does not exist or cannot be read; the message is for the user."""


@dataclass(eq=False)  # hashed by identity: cached header matches are per loaded profile
class Profile:
    """A column profile (列名方案): a district's own headers → interchange column keys of one sheet,
    with a unit per header where the header carries none.
    """

    name: str
    title: str
    sheet: str  # sheet key (parcels, enterprises …)
    columns: dict[str, tuple[str, ...]]  # normalised header → column keys
    units: dict[str, str] = field(default_factory=dict)  # normalised header → unit text
    written: dict[str, str] = field(default_factory=dict)  # normalised header → as written
    path: Path | None = None

    def keys_for(self, header: str) -> tuple[str, ...]:
        """Column keys for a header (already normalised or not); () when not in the profile."""
        return self.columns.get(normalise(header), ())

    def unit_for(self, header: str) -> str | None:
        """The unit text the profile gives ``header`` (normalised or not), or None."""
        return self.units.get(normalise(header))

    def key_for(self, name: str) -> str | None:
        """The first column key of a field name (geodata attribute), or None."""
        keys = self.keys_for(name)
        return keys[0] if keys else None

    def accepted(self) -> list[str]:
        """Every header the profile accepts, as written in its file."""
        return [self.written.get(h, h) for h in self.columns]

    def unknown_keys(self) -> list[str]:
        """Keys the profile names that its sheet does not have (e.g. columns not yet added)."""
        spec = _sheet(self.sheet)
        have = {c.key for c in spec.columns} if spec else set()
        return sorted({k for keys in self.columns.values() for k in keys} - have)


def _sheet(key: str) -> Sheet | None:
    return next((s for s in SHEETS if s.key == key), None)


def profile_dirs() -> list[Path]:
    """Shipped profiles first; the data directory's override them by name."""
    from django.conf import settings

    extra = getattr(settings, "LANDCYCLE_PROFILE_DIRS", None)
    if extra is None:
        extra = [Path(settings.DATA_DIR) / "profiles"]
    return [SHIPPED, *[Path(d) for d in extra]]


def _files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for directory in profile_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                files[path.stem] = path
    return files


def names() -> list[str]:
    """Names of every profile available (shipped and added)."""
    return sorted(_files())


def available() -> list[Profile]:
    """Every column profile found (shipped and saved), loaded; ProfileError if one is unreadable."""
    return [load(name) for name in names()]


def load(name: str) -> Profile:
    """The profile called ``name``; ``ProfileError`` (Chinese first) when none or unreadable."""
    path = _files().get(name)
    if path is None:
        raise ProfileError(
            f"没有名为 {name} 的列名方案 no column profile named {name!r} "
            f"(available: {', '.join(names()) or 'none'})"
        )
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load(path: Path, _mtime: int) -> Profile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"列名方案文件无法读取 cannot read profile {path.name}: {exc}") from None
    return parse(path.stem, data, path)


def parse(name: str, data: dict, path: Path | None = None) -> Profile:
    """A profile from its TOML table; ``ProfileError`` naming what is wrong."""
    sheet = data.get("sheet", "parcels")
    spec = _sheet(sheet)
    if spec is None:
        raise ProfileError(
            f"列名方案 {name}: 未知工作表 {sheet} unknown sheet (one of "
            + ", ".join(s.key for s in SHEETS)
            + ")"
        )
    columns: dict[str, tuple[str, ...]] = {}
    written: dict[str, str] = {}
    for header, keys in (data.get("columns") or {}).items():
        keys = (keys,) if isinstance(keys, str) else tuple(keys)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise ProfileError(f"列名方案 {name}: 列 {header} 须对应列键 must map to column keys")
        columns[normalise(header)] = keys
        written[normalise(header)] = header
    if data.get("truncated"):
        for cut, key in truncated_names(spec).items():
            columns.setdefault(cut, (key,))
    units = {normalise(h): str(u) for h, u in (data.get("units") or {}).items()}
    return Profile(name, str(data.get("title", name)), sheet, columns, units, written, path)


def truncated_names(spec: Sheet) -> dict[str, str]:
    """Column names of ``spec`` cut to a .dbf field's 10 bytes (GBK and UTF-8) → key.

    A cut shared by two columns (e.g. two dates starting 约定) is left out: it names neither.
    """
    seen: dict[str, set[str]] = {}
    for column in spec.columns:
        for name in (column.header, column.key, *getattr(column, "aliases", ())):
            for encoding in ("gbk", "utf-8"):
                try:
                    raw = name.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if len(raw) <= DBF_NAME_BYTES:
                    continue
                cut = raw[:DBF_NAME_BYTES].decode(encoding, errors="ignore")
                seen.setdefault(normalise(cut), set()).add(column.key)
    return {cut: next(iter(keys)) for cut, keys in seen.items() if len(keys) == 1}


def save(name: str, sheet: str, columns: dict[str, list[str]], title: str = "") -> Path:
    """Write a profile to the data directory (replacing one of that name); returns its path.

    ``columns``: header as the officer writes it → column keys. Unknown keys are refused.
    """
    import tomli_w

    if not name or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise ProfileError(f"方案名只能含字母、数字、- 和 _ profile name {name!r} not allowed")
    data = {"title": title or name, "sheet": sheet, "columns": columns}
    profile = parse(name, data)
    unknown = profile.unknown_keys()
    if unknown:
        spec = _sheet(sheet)
        raise ProfileError(
            f"列键不存在 unknown column key(s) {', '.join(unknown)}; "
            f"{spec.name} 的列键 keys of {sheet}: " + ", ".join(c.key for c in spec.columns)
        )
    directory = profile_dirs()[-1]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


def suggest(sheet: str, headers: list[str]) -> list[str]:
    """Names of profiles of ``sheet`` that name at least three of ``headers`` (and more than
    half of them): offered when a sheet read without a profile misses required columns."""
    found = []
    given = [h for h in headers if h]
    for profile in available():
        if profile.sheet != sheet:
            continue
        named = sum(1 for h in given if profile.keys_for(h) or profile.keys_for(split_header(h)[0]))
        if named >= 3 and named * 2 > len(given):
            found.append(profile.name)
    return found


def field_key(name: str) -> str | None:
    """The parcel column key of a geodata field name through the shipped ``gis`` profile."""
    return load("gis").key_for(name)
