"""Verified exceptions to the GB 32100 check: credit codes genuinely issued that fail it.

Some codes issued in the first years of the unified credit code (2015–2017) carry a check
character that GB 32100's MOD 31 rule does not give, or a letter where the standard's format has
a digit; the registration authority's record is what counts. An administrator who has verified
such a code (e.g. on 国家企业信用信息公示系统) adds it here with the reason; imports then accept
exactly these codes and refuse every other code that fails the check.

Every change goes through this module: it records who, when and why, and the change log keeps
the history (the reason of a removal is the change record's source).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .context import changes_by
from .identifiers import USCC_ALPHABET, InvalidIdentifier, normalise_uscc
from .models import UsccException


class ExceptionRefused(ValueError):
    """The code cannot be added or removed; the message says why (Chinese, then English)."""


def _clean(code: str) -> str:
    text = str(code).strip().upper()
    if not listable(text):
        raise ExceptionRefused(
            f"{text!r} 不是18位统一社会信用代码字符（GB 32100 字符集 {USCC_ALPHABET}） "
            "must be 18 characters of the GB 32100 alphabet"
        )
    return text


# Said after an import's refusal of a code that could be listed (what an officer can do).
LISTABLE_HINT = (
    "；如已核实为登记机关核发的代码，请管理员加入校验码例外名单 "
    "(if verified as issued: landcycle uscc-exceptions add CODE --reason …)"
)


def listable(code: str) -> bool:
    """True when ``code`` has the shape an exception must have (18 GB 32100 characters)."""
    text = str(code).strip().upper()
    return len(text) == 18 and all(c in USCC_ALPHABET for c in text)


def exception_codes() -> frozenset[str]:
    """All verified exception codes (one query), for validation's USCC check."""
    return frozenset(UsccException.objects.values_list("code", flat=True))


def check_addable(code: str, reason: str) -> str:
    """The code as it would be stored, or ExceptionRefused saying why it cannot be added."""
    text = _clean(code)
    if not (reason or "").strip():
        raise ExceptionRefused("须说明核实依据 a reason is required (how it was verified)")
    try:
        normalise_uscc(text)
    except InvalidIdentifier:
        pass
    else:
        raise ExceptionRefused(
            f"{text} 通过GB 32100校验，无需例外 passes the GB 32100 check; no exception needed"
        )
    if UsccException.objects.filter(code=text).exists():
        raise ExceptionRefused(f"{text} 已在例外名单中 already listed")
    return text


def add(code: str, reason: str, added_by: str, user_id: int | None = None) -> UsccException:
    """Add a verified exception. ``reason`` and ``added_by`` are required.

    Raises ExceptionRefused when the code is not 18 characters of the GB 32100 alphabet, passes
    the check anyway (no exception needed), or is already listed.
    """
    text = check_addable(code, reason)
    reason = reason.strip()
    added_by = (added_by or "").strip()
    if not added_by:
        raise ExceptionRefused("须写明添加人 who adds it is required")
    with transaction.atomic(), changes_by(user_id, f"uscc-exceptions add by {added_by}"):
        if UsccException.objects.filter(code=text).exists():
            raise ExceptionRefused(f"{text} 已在例外名单中 already listed")
        return UsccException.objects.create(
            code=text, reason=reason, added_by=added_by, added_at=timezone.now(), user_id=user_id
        )


def remove(code: str, reason: str, removed_by: str, user_id: int | None = None) -> None:
    """Remove an exception; imports refuse the code again. Who and why go to the change log."""
    text = str(code).strip().upper()
    reason = (reason or "").strip()
    if not reason:
        raise ExceptionRefused("须说明移除原因 a reason is required")
    source = f"uscc-exceptions remove by {removed_by}: {reason}"[:200]
    with transaction.atomic(), changes_by(user_id, source):
        entry = UsccException.objects.filter(code=text).first()
        if entry is None:
            raise ExceptionRefused(f"{text} 不在例外名单中 not listed")
        entry.delete()


def listed() -> list[UsccException]:
    """Every listed exception (UsccException rows), by code."""
    return list(UsccException.objects.order_by("code"))
