"""A case's timeline for its detail page: each step with its date, who recorded it (from the
change log), its document and whether its deadline was met. Workflow services build the steps
from their own fields; this module holds what they share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from landcycle.core.models import ChangeRecord


@dataclass(frozen=True)
class Step:
    """One step of a case. ``on``: the step's own date (None: still to do); ``due``: its
    deadline (None: none); ``recorded_by`` / ``recorded_at``: from the change log."""

    label: str
    on: dt.date | None
    due: dt.date | None = None
    document: str = ""
    detail: str = ""
    recorded_by: str = ""
    recorded_at: dt.datetime | None = None
    due_flag: str = ""  # why the deadline is provisional (unknown holiday year)

    def deadline(self, today: dt.date) -> tuple[str, str]:
        """(state, Chinese text): state one of "", "met", "missed", "open", "late"."""
        if self.due is None:
            return ("", "期限待定" if self.due_flag else "")
        if self.on is not None:
            late = (self.on - self.due).days
            if late > 0:
                return ("missed", f"逾期 {late} 天（期限 {self.due}）")
            return ("met", f"按期（期限 {self.due}）")
        left = (self.due - today).days
        if left < 0:
            return ("late", f"已逾期 {-left} 天（期限 {self.due}）")
        return ("open", f"剩 {left} 天（期限 {self.due}）")


def recorded(obj, fields: list[str]) -> dict[str, tuple[str, dt.datetime]]:
    """For each of ``fields`` (attnames): who (actor name, else the change's source) and when
    the change log first saw it set to its current value. One query."""
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("time", "pk")
    out: dict[str, tuple[str, dt.datetime]] = {}
    for record in records.only("time", "actor_name", "source", "before", "after"):
        before, after = record.before or {}, record.after or {}
        for name in fields:
            value = after.get(name)
            if value not in (None, "") and before.get(name) != value:
                out[name] = (record.actor_name or record.source, record.time)
    return out
