"""Finding, reading and validating policy files.

Shipped policies live in this package (``policies/*.toml``; the repository's top-level
``policies`` is a link to them). Users add files in directories given as ``extra_dirs`` — the
Django side passes ``settings.LANDCYCLE_POLICY_DIRS``. A user file with the same ``name`` as a
shipped one replaces it (a copied and edited policy), and the listing says where each came from.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from pathlib import Path

from .schema import MISSING_RELATED_RULE, Policy, PolicyError, _Invalid, parse_policy

SHIPPED_DIR = Path(__file__).resolve().parent / "policies"
DEFAULT_POLICY = "beijing-etown-2023"


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    version: str
    title_zh: str
    title_en: str
    kind: str
    path: Path
    shipped: bool
    default: bool


# Names of policies whose files may omit the related-party rule (already adopted or run before
# the rule was required): a callable, asked only when a file omits it.
LegacyNames = Callable[[], Container[str]] | None


def load_policy_file(path: str | Path, legacy_names: LegacyNames = None) -> Policy:
    """Read and validate one file; PolicyError names the file, line, key and reason.

    A file without its related-party rule (``[consequences.related_parties]``) is refused,
    unless its policy's name is among ``legacy_names()`` (already adopted in the database):
    then the rule is filled with seed 000's values and named in ``Policy.filled_keys``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read: {exc.strerror}", path=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(f"not UTF-8 (byte {exc.start})", path=str(path)) from None
    try:
        return load_policy_text(text, path=str(path))
    except PolicyError as exc:
        if legacy_names is None or not is_missing_related_rule(exc):
            raise
        policy = load_policy_text(text, path=str(path), legacy=True)
        if policy.name not in legacy_names():
            raise
        return policy


def is_missing_related_rule(exc: PolicyError) -> bool:
    """Whether ``exc`` refuses a policy only for a key of its related-party rule not stated."""
    return exc.key.startswith("consequences.related_parties.") and exc.reason.startswith(
        MISSING_RELATED_RULE
    )


def load_policy_text(text: str, *, path: str = "<text>", legacy: bool = False) -> Policy:
    """Parse and validate a policy's text (``path`` names it in errors); ``legacy``: a text
    already used (stored with a run): a missing related-party rule is filled with seed 000's
    values (``schema.parse_policy``). Raises PolicyError with file, line, key and reason."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        reason = getattr(exc, "msg", None) or re.sub(r"\s*\(at line \d+.*\)$", "", str(exc))
        raise PolicyError(f"TOML syntax: {reason}", path=path, line=line) from None
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        policy = parse_policy(data, path=path, sha256=sha, legacy=legacy)
        return dataclasses.replace(policy, source=text)
    except _Invalid as exc:
        raise PolicyError(
            exc.reason, path=path, line=line_of_key(text, exc.key), key=exc.key
        ) from None


def _line_from_message(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match[1]) if match else None


def _policy_files(extra_dirs: Iterable[str | Path] | None) -> list[tuple[Path, bool]]:
    files = [(p, True) for p in sorted(SHIPPED_DIR.glob("*.toml"))]
    for directory in extra_dirs or ():
        d = Path(directory)
        if d.is_dir():
            files += [(p, False) for p in sorted(d.glob("*.toml"))]
    return files


def list_policies(
    extra_dirs: Iterable[str | Path] | None = None, legacy_names: LegacyNames = None
) -> list[PolicyInfo]:
    """Every valid policy, shipped and user-defined, sorted by name (a user file wins).

    An invalid user file raises PolicyError: a silently missing policy would be worse.
    ``legacy_names``: see ``load_policy_file``.
    """
    found: dict[str, PolicyInfo] = {}
    for path, shipped in _policy_files(extra_dirs):
        policy = load_policy_file(path, legacy_names)
        found[policy.name] = PolicyInfo(
            policy.name,
            policy.version,
            policy.title_zh,
            policy.title_en,
            policy.kind,
            path,
            shipped,
            policy.default,
        )
    return [found[name] for name in sorted(found)]


def load_policy(
    name: str | None = None,
    extra_dirs: Iterable[str | Path] | None = None,
    legacy_names: LegacyNames = None,
) -> Policy:
    """The policy called ``name`` (default: the E-Town policy) from user dirs, else shipped.
    ``legacy_names``: see ``load_policy_file``."""
    name = name or DEFAULT_POLICY
    candidate = Path(name)
    if candidate.suffix == ".toml" and candidate.is_file():
        return load_policy_file(candidate, legacy_names)
    chosen: Policy | None = None
    for path, _shipped in _policy_files(extra_dirs):
        # The file name is the usual key; the name inside decides when they differ.
        policy = load_policy_file(path, legacy_names)
        if policy.name == name:
            chosen = policy  # later (user) directories win
    if chosen is None:
        known = ", ".join(p.name for p in list_policies(extra_dirs, legacy_names))
        raise PolicyError(f"no policy named {name!r} (known: {known})")
    return chosen


# ---------------------------------------------------------------- key path → line

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"']+(?:\s*\.\s*[A-Za-z0-9_\-\"']+)*)\s*=")


def line_of_key(text: str, key: str) -> int | None:
    """The line where ``key`` (``rules[2].all[0].metric``) is written, or its nearest parent."""
    if not key:
        return None
    index: dict[str, int] = {}
    counters: dict[str, int] = {}
    table = ""
    inline_owner = ""  # key of a multi-line inline array being read, one element per line
    inline_count = -1
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            inline_owner = ""
            name = header[2].replace('"', "").replace(" ", "")
            if header[1] == "[[":
                base = _indexed(name, counters)
                counters[base] = counters.get(base, -1) + 1
                table = f"{base}[{counters[base]}]"
            else:
                table = _indexed(name, counters)
            index.setdefault(table, number)
            continue
        match = _KEY.match(line)
        if match:
            k = match[1].replace('"', "").replace("'", "").replace(" ", "")
            full = f"{table}.{k}" if table else k
            index.setdefault(full, number)
            value = line.split("=", 1)[1].strip()
            inline_owner, inline_count = (full, -1) if value.startswith("[") else ("", -1)
            if inline_owner and value.count("{") == 1:
                inline_count = 0
                index.setdefault(f"{full}[0]", number)
            continue
        if inline_owner and line.strip().startswith("{"):
            inline_count += 1
            index.setdefault(f"{inline_owner}[{inline_count}]", number)
    candidate = key
    while candidate:
        if candidate in index:
            return index[candidate]
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", candidate)
        if shorter == candidate:
            break
        candidate = shorter
    return None


def _indexed(name: str, counters: dict[str, int]) -> str:
    """``composite.groups.indicators`` → ``composite.groups[1].indicators`` (current elements)."""
    parts = name.split(".")
    out = ""
    for i, part in enumerate(parts):
        out = f"{out}.{part}" if out else part
        if out in counters and i < len(parts) - 1:
            out = f"{out}[{counters[out]}]"
    return out
