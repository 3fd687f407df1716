"""Zip archives of CSV files, workbooks or a shapefile (.shp/.dbf/.shx/.prj/.cpg), as offices
mail them: unpacked into a temporary directory, safely, then read like a folder.

Member names written on Chinese Windows are GBK without the zip's UTF-8 flag; Python's zipfile
then shows them as cp437, so such names are turned back into bytes and decoded as UTF-8, else
GBK (GB18030). A member whose path is absolute, climbs out with ``..`` or is a link is refused:
nothing is written outside the temporary directory. Sizes: :func:`member_problems` is the one
place where members are checked before anything is unpacked (limits: ``imports.limits``).
"""

from __future__ import annotations

import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .. import limits
from ..errors import ImportProblem
from .shapes import Inputs

_UTF8_FLAG = 0x800
_SKIPPED = ("__MACOSX/",)  # resource forks macOS adds; never data


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: the UTF-8 flag's, else UTF-8, else GBK bytes."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # already decoded by other means
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_relative(name: str) -> PurePosixPath | None:
    """The relative path a member may be unpacked to, or None when it would leave the directory
    (absolute path, drive letter, ``..``)."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        return None
    if any(part == ".." for part in path.parts) or not path.parts:
        return None
    return path


def member_problems(archive: str, infos: list[zipfile.ZipInfo]) -> list[ImportProblem]:
    """Every reason not to unpack the archive, before anything is written.

    The checks on names and kinds are here; ``imports.limits`` (issue 10) adds the size checks
    (member count, declared sizes, compression ratio) to this function.
    """
    problems = []
    for info in infos:
        name = member_name(info)
        if name.startswith(_SKIPPED) or info.is_dir():
            continue
        if safe_relative(name) is None:
            problems.append(
                ImportProblem(
                    archive,
                    None,
                    None,
                    name,
                    "压缩包成员路径不安全（绝对路径或..） unsafe member path (absolute or ..)",
                )
            )
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(
                ImportProblem(archive, None, None, name, "压缩包成员是链接 member is a link")
            )
    return problems


def read_zip(path: Path, inputs: Inputs, read_folder: Callable[[Path, Inputs, str], None]) -> None:
    """Unpack ``path`` into a temporary directory and read it with ``read_folder(dir, inputs,
    archive name)``; the directory is removed afterwards (readers hold what they read in memory).
    Problems (not a zip, unsafe members, encrypted) go to ``inputs.problems``.
    """
    if not limits.admit(path, inputs):  # sizes and dimensions first (issue 10)
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        inputs.problems.append(
            ImportProblem.whole(path.name, f"不是有效的zip压缩包 not a zip file: {exc}")
        )
        return
    with archive, tempfile.TemporaryDirectory(prefix="landcycle-zip-") as scratch:
        infos = archive.infolist()
        problems = member_problems(path.name, infos)
        if problems:
            inputs.problems.extend(problems)
            return
        root = Path(scratch).resolve()  # so the containment check compares like with like
        for info in infos:
            name = member_name(info)
            if info.is_dir() or name.startswith(_SKIPPED):
                continue
            target = root.joinpath(*safe_relative(name).parts)
            if root not in target.resolve().parents:
                inputs.problems.append(
                    ImportProblem(path.name, None, None, name, "压缩包成员路径不安全 unsafe path")
                )
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
            except (RuntimeError, zipfile.BadZipFile, NotImplementedError) as exc:
                # RuntimeError: encrypted member; NotImplementedError: unknown compression
                inputs.problems.append(
                    ImportProblem(
                        path.name,
                        None,
                        None,
                        name,
                        f"无法解压（加密或损坏） cannot unpack (encrypted or damaged): {exc}",
                    )
                )
                return
        read_folder(root, inputs, path.name)
