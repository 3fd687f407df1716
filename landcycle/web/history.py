"""The change log read for a page: which fields changed, before → after, in one line."""

from __future__ import annotations

from django.utils.text import Truncator

from landcycle.core.models import ChangeRecord


def with_diff(record: ChangeRecord) -> ChangeRecord:
    """Attach ``diff``: field → (before, after) for the fields that changed, and ``diff_text``,
    the card's cell ("field: before → after; …", values cut to 40 characters) built here
    rather than by a template loop with two filters per field (an import's record lists
    every field)."""
    before, after = record.before or {}, record.after or {}
    record.diff = {
        key: (before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    record.diff_text = "; ".join(
        f"{key}: {short(old)} → {short(new)}" for key, (old, new) in record.diff.items()
    )
    return record


def short(value, length: int = 40) -> str:
    """``value|default_if_none:""|truncatechars:length`` as the template filters give it."""
    text = "" if value is None else str(value)
    return text if len(text) <= length else Truncator(text).chars(length)
