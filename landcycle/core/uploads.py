"""What a file is, read from its bytes (``filetype``: magic numbers), not from its name or the
browser's word: the one check every upload of documents, evidence and attachments goes through.
Scans, photos, office files and PDF are accepted; a suffix the content contradicts is refused."""

from __future__ import annotations

import os
from dataclasses import dataclass

import filetype


class UploadRefused(ValueError):
    """The file is of a type not accepted, or its suffix contradicts its content; the message
    (Chinese first) names the file and says why."""


@dataclass(frozen=True)
class Accepted:
    """One accepted kind of file: its name for the user, MIME type and the suffixes it may
    carry."""

    label: str  # as named to the user
    mime: str
    suffixes: tuple[str, ...]


# Detected type (filetype's extension) → what is accepted. Scans, photos, office files, PDF.
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
ACCEPTED_SUFFIXES = tuple(s for a in ACCEPTED.values() for s in a.suffixes)
ACCEPTED_LABELS = "、".join(dict.fromkeys(a.label for a in ACCEPTED.values()))


def detect_type(head: bytes, name: str) -> Accepted:
    """The accepted type of a file from its first bytes (8 KiB are enough) and its name.

    Raises ``UploadRefused`` when the content is of no accepted type (naming what it was taken
    for: an executable, an archive …) or the name's suffix is not one of that type's."""
    suffix = os.path.splitext(name)[1].lower()
    kind = filetype.guess(head)
    accepted = ACCEPTED.get(kind.extension) if kind else None
    if accepted is None:
        found = ""
        if kind:
            named = _FOUND.get(kind.mime)
            found = f"（识别为 {named}，{kind.mime}）" if named else f"（识别为 {kind.mime}）"
        raise UploadRefused(
            f"文件“{name}”的内容不是可接收的类型{found}：只接收 {ACCEPTED_LABELS}，未保存。"
            f"（File type not accepted.）"
        )
    if suffix not in accepted.suffixes:
        raise UploadRefused(
            f"文件“{name}”的扩展名“{suffix or '无'}”与内容（{accepted.label}）不符，未保存；"
            f"请核对文件，或改用扩展名 {accepted.suffixes[0]}。"
        )
    return accepted
