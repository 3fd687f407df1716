"""One file per parcel (一地一档): attach a checked file to a parcel or a case.

``attach(content, name=…, kind=…, target=…, user=…)`` is the one way a document is stored,
for uploads and for generated files (the exit notices) alike. The type is judged by the bytes
(``filetype``, magic numbers), not by the name or the browser's word, and must agree with the
name's suffix; the size is capped by ``LANDCYCLE_DOCUMENT_MAX_MB`` (a Django setting or an
environment variable; default 20). A refused file raises ``DocumentRefused`` with the reason in
Chinese and nothing is written. Files go under ``MEDIA_ROOT`` (the data directory, outside the
web root) named by their SHA-256; the original name is kept in the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import CharField, Model, Q, Value
from django.utils import timezone

from landcycle.core.uploads import Accepted, UploadRefused, detect_type
from landcycle.ledger.models import Parcel
from landcycle.web.cache import per_request

from ..models import AvailableLandEntry, Document
from ..models.documents import TARGET_FIELDS
from . import LifecycleError

MB = 1024 * 1024
DEFAULT_MAX_MB = 20
_HEAD = 8192  # bytes the type matchers read (the OLE Word matcher looks up to byte 2142)


class DocumentRefused(LifecycleError):
    """The file was not stored; the message says which file and why (Chinese)."""


def max_bytes() -> int:
    """The size limit in bytes: setting or environment ``LANDCYCLE_DOCUMENT_MAX_MB``, else 20."""
    value = getattr(settings, "LANDCYCLE_DOCUMENT_MAX_MB", None)
    if value is None:
        value = os.environ.get("LANDCYCLE_DOCUMENT_MAX_MB") or DEFAULT_MAX_MB
    return int(float(value) * MB)


def _size_text(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} 字节"


def clean_name(name: str) -> str:
    """The file's own name without any folder part or control characters (≤ 255 chars)."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    stem, suffix = os.path.splitext(base)
    return stem[: 255 - len(suffix)] + suffix


def check(head: bytes, name: str, size: int) -> Accepted:
    """The accepted type of a file from its first bytes, name and size; raises DocumentRefused
    (empty, too big, a type not accepted, or a suffix the content contradicts)."""
    if not name:
        raise DocumentRefused("文件没有名称，未保存。")
    if size <= 0:
        raise DocumentRefused(f"文件“{name}”是空文件（0 字节），未保存。")
    limit = max_bytes()
    if size > limit:
        raise DocumentRefused(
            f"文件“{name}”大小 {_size_text(size)}，超过上限 {_size_text(limit)}，未保存。"
            f"（File too large.）"
        )
    try:
        return detect_type(head, name)
    except UploadRefused as refused:
        raise DocumentRefused(str(refused)) from None


def target_field(target: Model) -> str:
    """The Document field that holds ``target`` (a Parcel or a case); LifecycleError if none."""
    for field_name in TARGET_FIELDS.values():
        if isinstance(target, Document._meta.get_field(field_name).related_model):
            return field_name
    raise LifecycleError(f"不能在“{target._meta.verbose_name}”上存放档案文件")


def attach(
    content,
    *,
    name: str = "",
    kind: str = Document.Kind.OTHER,
    target: Model,
    user=None,
    title: str = "",
    dated: dt.date | None = None,
    internal: bool = False,
) -> Document:
    """Store ``content`` (an uploaded file, a Django File, or bytes) as a Document of ``target``
    (a Parcel or a case: admission, agreement, exit, stock land, available list, renewal,
    project). ``name`` defaults to the upload's name; ``title`` to its stem. A case's parcel,
    when it has one, is recorded too so that the parcel's file shows it. Returns the saved
    Document; raises DocumentRefused (type, size, name) or LifecycleError (kind, target) and
    then stores nothing."""
    if isinstance(content, bytes | bytearray):
        content = ContentFile(bytes(content))
    elif not isinstance(content, File):
        content = File(content)
    name = clean_name(name or getattr(content, "name", ""))
    if kind not in Document.Kind.values:
        raise LifecycleError(f"档案类别“{kind}”无效（可选：{'、'.join(Document.Kind.labels)}）")
    field_name = target_field(target)
    if target.pk is None:
        raise LifecycleError("档案对象尚未保存")
    size = content.size
    content.seek(0)
    head = content.read(_HEAD)
    accepted = check(head, name, size)

    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)

    now = timezone.now()
    values = {field_name: target}
    if field_name != "parcel" and isinstance(getattr(target, "parcel", None), Parcel):
        values["parcel"] = target.parcel
    document = Document(
        **values,
        kind=kind,
        title=(title or "").strip()[:200] or os.path.splitext(name)[0][:200],
        dated=dated,
        original_name=name,
        content_type=accepted.mime,
        size_bytes=size,
        sha256=digest.hexdigest(),
        internal=internal,
        uploaded_by=user if getattr(user, "pk", None) else None,
        uploaded_by_name=_name_of(user),
        uploaded_at=now,
    )
    # Named by its content: no user text on disk, and the same file gets the same name in two
    # builds of the same data (the storage adds a suffix if that exact file is stored twice).
    stored = f"{now:%Y/%m}/{document.sha256[:32]}{accepted.suffixes[0]}"
    document.file.save(stored, content, save=False)
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _name_of(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return (full or user.get_username())[:150]


# The cases a parcel's file takes documents from: (document field, case model's path to the parcel).
PARCEL_CASE_FIELDS = (
    ("admission", "parcel"),
    ("agreement", "parcel"),
    ("exit_case", "parcel"),
    ("stockland_case", "parcel"),
    ("renewal_project", "parcels"),
)
# Also listed on the parcel card, though the list's documents are not the parcel's own.
AVAILABLE_ENTRY = "available_entry"


def cases_of(parcel: Parcel) -> dict[str, list[int]]:
    """The ids of every case of ``parcel``, unrestricted, in ONE query (a UNION ALL):
    ``{document field ("exit_case", …) or "available_entry": [ids]}``, only workflows that have
    one. The parcel card reads each workflow's rows (restricted) only where this found some."""
    parts = []
    for field_name, lookup in PARCEL_CASE_FIELDS:
        model = Document._meta.get_field(field_name).related_model
        parts.append(_tagged(model._default_manager.filter(**{lookup: parcel.pk}), field_name))
    parts.append(_tagged(AvailableLandEntry.objects.filter(parcel_id=parcel.pk), AVAILABLE_ENTRY))
    found: dict[str, list[int]] = {}
    for pk, tag in parts[0].union(*parts[1:], all=True):
        found.setdefault(tag, []).append(pk)
    return found


def card_cases(parcel: Parcel) -> dict[str, list[int]]:
    """``cases_of(parcel)`` read once per request: the card's panels share it."""
    return per_request(("cases_of", parcel.pk), lambda: cases_of(parcel))


def _tagged(queryset, tag: str):
    return queryset.annotate(tag=Value(tag, CharField())).values_list("pk", "tag").order_by()


def of_parcel(parcel: Parcel, cases: dict[str, list[int]] | None = None) -> Q:
    """Documents on a parcel's file: attached to it, or to a case of it (also a case whose
    parcel was set after the document was attached). ``cases`` (from ``cases_of``) turns the
    subqueries into lists of ids."""
    q = Q(parcel=parcel)
    for field_name, lookup in PARCEL_CASE_FIELDS:
        if cases is not None:
            if cases.get(field_name):
                q |= Q(**{f"{field_name}__in": cases[field_name]})
            continue
        model = Document._meta.get_field(field_name).related_model
        ids = model._default_manager.filter(**{lookup: parcel}).values("pk")
        q |= Q(**{f"{field_name}__in": ids})
    return q


def of_target(target: Model) -> Q:
    """Documents of one parcel (its whole file) or one case."""
    if isinstance(target, Parcel):
        return of_parcel(target)
    return Q(**{target_field(target): target})
