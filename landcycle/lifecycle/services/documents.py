"""One file per parcel (一地一档): attach a checked file to a parcel or a case; replace it by a
new version or withdraw it (撤回) — nothing is destroyed by a user.

``attach(content, name=…, kind=…, target=…, user=…)`` is the one way a document is stored,
for uploads and for generated files (the exit notices) alike; ``replace`` stores a new version
through the same check. The file is checked by ``landcycle.core.uploads.check_upload`` (type by
its bytes, agreeing with the name's suffix; size at most ``LANDCYCLE_UPLOAD_MAX_MB``, default
20). A refused file raises ``DocumentRefused`` with the reason in Chinese and nothing is
written. Files go under ``MEDIA_ROOT`` (the data directory, outside the web root) named by
their SHA-256; the original name is kept in the record. Replace and withdraw are in the change
log (who, when, before/after); who may do them: ``amendable``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import PurePath

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from landcycle.core.context import changes_by
from landcycle.core.permissions import Action, restrict, scope_of
from landcycle.core.uploads import Accepted, UploadRefused, check_upload, max_upload_bytes
from landcycle.ledger.models import Parcel
from landcycle.web import probes

from ..models import AvailableLandEntry, Document
from ..models.documents import TARGET_FIELDS
from . import LifecycleError

MB = 1024 * 1024


class DocumentRefused(LifecycleError):
    """The file was not stored; the message says which file and why (Chinese)."""


def max_bytes() -> int:
    """The size limit in bytes (``core.uploads.max_upload_bytes``: LANDCYCLE_UPLOAD_MAX_MB)."""
    return max_upload_bytes()


def clean_name(name: str) -> str:
    """The file's own name without any folder part or control characters (≤ 255 chars)."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    stem, suffix = os.path.splitext(base)
    return stem[: 255 - len(suffix)] + suffix


def check(content, name: str) -> Accepted:
    """The accepted type of a file (bytes or a seekable file) by its content, name and size;
    raises DocumentRefused (no name, empty, too big, a type not accepted, or a suffix the
    content contradicts)."""
    try:
        return check_upload(content, name, "documents")
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
    user_name: str = "",
) -> Document:
    """Store ``content`` (an uploaded file, a Django File, or bytes) as a Document of ``target``
    (a Parcel or a case: admission, agreement, exit, stock land, available list, renewal,
    project). ``name`` defaults to the upload's name; ``title`` to its stem. A case's parcel,
    when it has one, is recorded too so that the parcel's file shows it. Returns the saved
    Document; raises DocumentRefused (type, size, name) or LifecycleError (kind, target) and
    then stores nothing. ``user_name`` names who attached it when ``user`` is none (CLI, demo)."""
    field_name = target_field(target)
    if target.pk is None:
        raise LifecycleError("档案对象尚未保存")
    values = {field_name: target}
    if field_name != "parcel" and isinstance(getattr(target, "parcel", None), Parcel):
        values["parcel"] = target.parcel
    return _store(content, name, kind, values, user, title, dated, internal, user_name=user_name)


def _store(
    content,
    name,
    kind,
    values,
    user,
    title,
    dated,
    internal,
    replaces: Document | None = None,
    user_name: str = "",
) -> Document:
    if isinstance(content, bytes | bytearray):
        content = ContentFile(bytes(content))
    elif not isinstance(content, File):
        content = File(content)
    name = clean_name(name or getattr(content, "name", ""))
    if kind not in Document.Kind.values:
        raise LifecycleError(f"档案类别“{kind}”无效（可选：{'、'.join(Document.Kind.labels)}）")
    accepted = check(content, name)
    size = content.size

    digest = hashlib.sha256()
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
    content.seek(0)

    now = timezone.now()
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
        uploaded_by_name=_name_of(user) or user_name.strip()[:150],
        uploaded_at=now,
        version=replaces.version + 1 if replaces else 1,
    )
    # Named by its content: no user text on disk, and the same file gets the same name in two
    # builds of the same data (the storage adds a suffix if that exact file is stored twice).
    stored = f"{now:%Y/%m}/{document.sha256[:32]}{accepted.suffixes[0]}"
    document.file.save(stored, content, save=False)
    try:
        with transaction.atomic(), changes_by(user_id=getattr(user, "pk", None)):
            document.save()
            if replaces is not None:  # the old version points to the new one
                old = Document.objects.select_for_update().get(pk=replaces.pk)
                if not old.is_current:
                    raise LifecycleError(_not_current(old))
                old.superseded_by = document
                old.save(update_fields=["superseded_by"])
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _name_of(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return (full or user.get_username())[:150]


def _not_current(document: Document) -> str:
    if document.withdrawn_at is not None:
        return f"“{document.title}”已撤回，不能再替换或撤回。"
    return f"“{document.title}”已被新版本替换，请对最新版本操作。"


# ---- who may amend, replace, withdraw ------------------------------------------------------


def amendable(user):
    """The documents ``user`` may replace or withdraw: officers (HANDLE: street officers in
    their streets, zone officers everywhere) those of their scope; an enterprise user (SUBMIT)
    only current material its own enterprise's users uploaded to its own parcels and cases
    (never a notice or a decision addressed to it). Only current versions are amendable (not
    superseded, not withdrawn)."""
    scope = scope_of(user)
    live = Document.objects.filter(withdrawn_at__isnull=True, superseded_by__isnull=True)
    if scope.can(Action.HANDLE):
        return restrict(live, user, Action.HANDLE)
    if scope.can(Action.SUBMIT) and scope.enterprise_id is not None:
        own = live.filter(uploaded_by__landcycle_profile__enterprise_id=scope.enterprise_id)
        return restrict(own, user, Action.SUBMIT)
    return live.none()


def mark_amendable(user, documents: list[Document], action: Action | None) -> None:
    """Set ``d.amendable`` on documents already read (the lists show a replace / withdraw link
    on each): ``amendable``'s rule without a query per row. ``action`` is what ``user`` may do
    on their target (HANDLE: any current one; SUBMIT: current material uploaded by a user of
    its own enterprise, read through ``uploaded_by__landcycle_profile``)."""
    enterprise_id = scope_of(user).enterprise_id
    for d in documents:
        profile = getattr(d.uploaded_by, "landcycle_profile", None) if d.uploaded_by else None
        own = profile is not None and profile.enterprise_id == enterprise_id
        d.amendable = d.is_current and (
            action == Action.HANDLE or (action == Action.SUBMIT and own)
        )


def replace(
    document: Document,
    content,
    *,
    user,
    name: str = "",
    title: str = "",
    dated: dt.date | None = None,
) -> Document:
    """Store ``content`` as a new version of ``document`` (same targets, kind and visibility;
    version + 1; title kept unless given) and mark ``document`` superseded by it. The old file
    and record are kept and listed as superseded. Raises DocumentRefused (the file) or
    LifecycleError (not current, not the user's to replace); then nothing is written."""
    if not document.is_current:
        raise LifecycleError(_not_current(document))
    if not amendable(user).filter(pk=document.pk).exists():
        raise LifecycleError(f"无权替换“{document.title}”。")
    values = {field: getattr(document, field) for field in TARGET_FIELDS.values()}
    replaced = _store(
        content,
        name,
        document.kind,
        values,
        user,
        title or document.title,
        dated if dated is not None else document.dated,
        document.internal,
        replaces=document,
    )
    document.refresh_from_db()
    return replaced


def withdraw(document: Document, *, user, reason: str) -> Document:
    """Withdraw (撤回) ``document``: hidden from every list from now on, its file and record
    kept; who, when and the reason are stored and in the change log. Raises LifecycleError
    (no reason, already withdrawn, not the user's to withdraw); then nothing is written."""
    reason = (reason or "").strip()
    if not reason:
        raise LifecycleError("请填写撤回理由。")
    if not document.is_current:
        raise LifecycleError(_not_current(document))
    if not amendable(user).filter(pk=document.pk).exists():
        raise LifecycleError(f"无权撤回“{document.title}”。")
    with transaction.atomic(), changes_by(user_id=user.pk):
        current = Document.objects.select_for_update().get(pk=document.pk)
        if current.withdrawn_at is not None:
            raise LifecycleError(_not_current(current))
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = user
        current.withdrawn_by_name = _name_of(user)
        current.withdrawal_reason = reason[:2000]
        current.save(
            update_fields=[
                "withdrawn_at",
                "withdrawn_by",
                "withdrawn_by_name",
                "withdrawal_reason",
            ]
        )
    document.refresh_from_db()
    return document


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


# Documents attached to the parcel itself (not to one of its cases).
PARCEL_DOCUMENT = "document"


def _case_rows(field_name: str, lookup: str):
    model = Document._meta.get_field(field_name).related_model
    return lambda pk: model._default_manager.filter(**{lookup: pk})


def parcel_probes() -> list[tuple[str, object]]:
    """The parcel card's probes of this app (``web.probes``): ``(tag, rows(pk))`` for each
    workflow's cases of a parcel, its entries on available-land lists and the documents attached
    to the parcel itself."""
    parts = [(f, _case_rows(f, lookup)) for f, lookup in PARCEL_CASE_FIELDS]
    parts.append((AVAILABLE_ENTRY, lambda pk: AvailableLandEntry.objects.filter(parcel_id=pk)))
    parts.append(
        (
            PARCEL_DOCUMENT,
            lambda pk: Document.objects.filter(parcel_id=pk, withdrawn_at__isnull=True),
        )
    )
    return parts


CASE_TAGS = (*(f for f, _ in PARCEL_CASE_FIELDS), AVAILABLE_ENTRY)


def cases_of(parcel: Parcel) -> dict[str, list[int]]:
    """The ids of every case of ``parcel``, unrestricted: ``{document field ("exit_case", …) or
    "available_entry": [ids]}``, only workflows that have one. Read with the card's other probes
    in ONE query compiled once per process (``web.probes``; once per request); the parcel card
    reads each workflow's rows (restricted) only where this found some."""
    found = probes.found(parcel)
    return {tag: found[tag] for tag in CASE_TAGS if tag in found}


def may_have_documents(parcel: Parcel, cases: dict[str, list[int]]) -> bool:
    """Whether ``parcel``'s file can hold documents: some attached to it, or a case (``cases``,
    from ``cases_of``) they could be attached to. False lets the card skip the query."""
    return probes.has(parcel, PARCEL_DOCUMENT) or any(cases.get(f) for f, _ in PARCEL_CASE_FIELDS)


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


def listed(user, target: Model, cases: dict[str, list[int]] | None = None):
    """The documents of ``target`` (a parcel's whole file or a case) that ``user`` may see and
    the lists show: withdrawn ones left out, superseded ones kept (marked by the template);
    newest first, with the superseding version prefetched (a query only when there are rows:
    most parcel cards have none, and a join cost each of them compiling its columns). ``cases``
    (a parcel's ``cases_of``) saves the subqueries of its file."""
    where = of_parcel(target, cases) if isinstance(target, Parcel) else of_target(target)
    rows = Document.objects.restrict(user, Action.VIEW).filter(where)
    return rows.filter(withdrawn_at__isnull=True).prefetch_related("superseded_by")
