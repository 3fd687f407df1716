"""What an uploaded file is and whether it may be stored: ONE table of accepted types, read
from the bytes (``filetype``: magic numbers), not from the name or the browser's word, with the
subset each place accepts declared as data (``PLACES``), and ONE size limit
(``LANDCYCLE_UPLOAD_MAX_MB``). Every upload of documents (一地一档), review evidence (复核证明材料)
and objection attachments (异议证明材料) goes through ``check_upload``.

OFD (GB/T 33190, 版式文件) is a zip container: a zip named ``.ofd`` is taken for OFD when its
entries hold ``OFD.xml`` (the standard's entry document).
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings

MB = 1024 * 1024
DEFAULT_MAX_MB = 20
HEAD_BYTES = 8192  # bytes the type matchers read (the OLE Word matcher looks up to byte 2142)


class UploadRefused(ValueError):
    """The file is empty, too large, of a type not accepted, or its suffix contradicts its
    content; the message (Chinese first) names the file and says why."""


@dataclass(frozen=True)
class Accepted:
    """One accepted kind of file: its name for the user, MIME type and the suffixes it may
    carry (the first is the one it is stored under)."""

    label: str  # as named to the user
    mime: str
    suffixes: tuple[str, ...]


# Type key (filetype's extension, or "ofd") → what is accepted. Scans, photos, office files,
# PDF, OFD. Which places take which: PLACES below.
ACCEPTED = {
    "pdf": Accepted("PDF", "application/pdf", (".pdf",)),
    "jpg": Accepted("JPEG 图片", "image/jpeg", (".jpg", ".jpeg")),
    "png": Accepted("PNG 图片", "image/png", (".png",)),
    "tif": Accepted("TIFF 扫描件", "image/tiff", (".tif", ".tiff")),
    "docx": Accepted(
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "doc": Accepted("Word 97-2003 文档", "application/msword", (".doc",)),
    "xlsx": Accepted(
        "Excel 工作簿",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "xls": Accepted("Excel 97-2003 工作簿", "application/vnd.ms-excel", (".xls",)),
    "ofd": Accepted("OFD 版式文件（GB/T 33190）", "application/ofd", (".ofd",)),
}
_DOCUMENTS = frozenset({"pdf", "jpg", "png", "tif", "docx", "doc", "xlsx", "xls"})
# Place → the type keys it accepts. Documents of a parcel or case, objection attachments, and
# review evidence (documents ∪ OFD: official e-documents are often issued as OFD).
PLACES: dict[str, frozenset[str]] = {
    "documents": _DOCUMENTS,
    "attachments": _DOCUMENTS,
    "evidence": _DOCUMENTS | {"ofd"},
}
# Names of types people upload by mistake, for the refusal (others are named by MIME type).
_FOUND = {
    "application/x-msdownload": "Windows 可执行程序",
    "application/zip": "ZIP 压缩包",
    "application/x-rar-compressed": "RAR 压缩包",
    "application/x-7z-compressed": "7z 压缩包",
    "image/gif": "GIF 图片",
    "image/webp": "WebP 图片",
    "image/heic": "HEIC 照片（请导出为 JPEG）",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint 演示文稿",
}
# Deprecated size settings (MB; the evidence one also in bytes), read for one release when
# LANDCYCLE_UPLOAD_MAX_MB is not set: (name, factor to MB).
DEPRECATED_LIMITS = (
    ("LANDCYCLE_DOCUMENT_MAX_MB", 1.0),
    ("LANDCYCLE_EVIDENCE_MAX_MB", 1.0),
    ("LANDCYCLE_EVIDENCE_MAX_BYTES", 1 / MB),
)


def _place(place: str) -> frozenset[str]:
    try:
        return PLACES[place]
    except KeyError:
        raise ValueError(f"unknown upload place {place!r}; one of {', '.join(PLACES)}") from None


def accepted_types(place: str = "documents") -> list[Accepted]:
    """The accepted types of ``place`` (a key of ``PLACES``), in table order."""
    keys = _place(place)
    return [accepted for key, accepted in ACCEPTED.items() if key in keys]


def accepted_suffixes(place: str = "documents") -> tuple[str, ...]:
    """Every suffix ``place`` accepts (``.pdf``, ``.jpg`` …), for a file input's ``accept``."""
    return tuple(s for a in accepted_types(place) for s in a.suffixes)


def accepted_labels(place: str = "documents") -> str:
    """The accepted types of ``place`` as named to the user (``PDF、JPEG 图片、…``)."""
    return "、".join(dict.fromkeys(a.label for a in accepted_types(place)))


def max_upload_mb() -> float:
    """The largest upload in MB: ``LANDCYCLE_UPLOAD_MAX_MB`` (Django setting, else environment),
    else a deprecated name (LANDCYCLE_DOCUMENT_MAX_MB, LANDCYCLE_EVIDENCE_MAX_MB in MB,
    LANDCYCLE_EVIDENCE_MAX_BYTES in bytes; a DeprecationWarning), else 20. ValueError if not a
    positive number."""
    value = getattr(settings, "LANDCYCLE_UPLOAD_MAX_MB", None)
    if value is None:
        value = os.environ.get("LANDCYCLE_UPLOAD_MAX_MB") or None
    if value is not None:
        return _positive("LANDCYCLE_UPLOAD_MAX_MB", value)
    for name, factor in DEPRECATED_LIMITS:
        old = getattr(settings, name, None)
        if old is None:
            old = os.environ.get(name) or None
        if old is not None:
            warnings.warn(
                f"{name} is deprecated: set LANDCYCLE_UPLOAD_MAX_MB (one limit for every upload)",
                DeprecationWarning,
                stacklevel=2,
            )
            return _positive(name, old) * factor
    return float(DEFAULT_MAX_MB)


def _positive(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0:
        raise ValueError(f"{name} 须为正数（MB），现为 {value!r} / must be a positive number")
    return number


def max_upload_bytes() -> int:
    """``max_upload_mb()`` in bytes."""
    return int(max_upload_mb() * MB)


def size_text(size: int) -> str:
    """A size for people: ``2.5 MB``, ``12 KB``, ``300 字节``."""
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} 字节"


def limit_text() -> str:
    """The limit for help texts: ``20 MB`` (no trailing ``.0``)."""
    mb = max_upload_mb()
    return f"{mb:g} MB"


def help_text(place: str = "documents") -> str:
    """What a form's file field says: accepted types and the size limit."""
    return f"{accepted_labels(place)}，单个不超过 {limit_text()}"


def _is_ofd(head: bytes, whole) -> bool:
    """A zip whose entries hold OFD.xml (GB/T 33190 §7.1: the entry document at the root)."""
    if whole is not None:
        try:
            whole.seek(0)
            with zipfile.ZipFile(whole) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            whole.seek(0)
        return any(n.lower() == "ofd.xml" for n in names)
    return b"OFD.xml" in head


def detect_type(head: bytes, name: str, place: str = "documents", whole=None) -> Accepted:
    """The accepted type of a file from its first bytes (``HEAD_BYTES`` are enough) and its name,
    among those ``place`` accepts. ``whole`` (a seekable binary file, optional) lets a zip be
    looked into (OFD); without it the head is searched.

    Raises ``UploadRefused`` when the content is of no accepted type (naming what it was taken
    for: an executable, an archive …) or the name's suffix is not one of that type's."""
    keys = _place(place)
    suffix = os.path.splitext(name)[1].lower()
    kind = filetype.guess(head)
    key = kind.extension if kind else None
    if key == "zip" and "ofd" in keys and suffix == ".ofd" and _is_ofd(head, whole):
        key = "ofd"
    accepted = ACCEPTED.get(key) if key in keys else None
    if accepted is None:
        found = ""
        if kind:
            named = _FOUND.get(kind.mime)
            found = f"（识别为 {named}，{kind.mime}）" if named else f"（识别为 {kind.mime}）"
        raise UploadRefused(
            f"文件“{name}”的内容不是可接收的类型{found}：只接收 {accepted_labels(place)}，"
            f"未保存。（File type not accepted.）"
        )
    if suffix not in accepted.suffixes:
        raise UploadRefused(
            f"文件“{name}”的扩展名“{suffix or '无'}”与内容（{accepted.label}）不符，未保存；"
            f"请核对文件，或改用扩展名 {accepted.suffixes[0]}。"
        )
    return accepted


def check_upload(content, name: str, place: str = "documents") -> Accepted:
    """Check a file before it is stored: not empty, at most ``max_upload_bytes()``, of a type
    ``place`` accepts by its content and suffix. ``content``: bytes or a seekable binary file
    (an UploadedFile; left at position 0). Returns the accepted type; raises UploadRefused."""
    if not name:
        raise UploadRefused("文件没有名称，未保存。")
    if isinstance(content, bytes | bytearray):
        content = io.BytesIO(bytes(content))
    size = getattr(content, "size", None)
    if size is None:
        content.seek(0, os.SEEK_END)
        size = content.tell()
    if size <= 0:
        raise UploadRefused(f"文件“{name}”是空文件（0 字节），未保存。")
    limit = max_upload_bytes()
    if size > limit:
        raise UploadRefused(
            f"文件“{name}”大小 {size_text(size)}，超过上限 {size_text(limit)}，未保存。"
            f"（File too large.）"
        )
    content.seek(0)
    head = content.read(HEAD_BYTES)
    content.seek(0)
    return detect_type(head, name, place, whole=content)
