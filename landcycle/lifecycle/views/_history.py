"""A record's timeline read from the change log: each saved change of its status (who, when,
from → to) and of the dates the workflow stamps. Shared by the l3 workflow pages
(available-land list, renewal, project library)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from landcycle.core.models import ChangeRecord


def status_timeline(obj, field: str = "status", limit: int = 50) -> list[dict]:
    """``[{"time", "actor", "source", "before", "after", "action"}]`` oldest first, for the
    changes of ``obj`` (a ChangeLogged instance the caller may view) that created it or changed
    ``field``; labels from the field's choices. One query."""
    labels = dict(obj._meta.get_field(field).choices or ())
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("time", "id")[:limit]
    out = []
    for record in records:
        before = (record.before or {}).get(field)
        after = (record.after or {}).get(field)
        if record.action == "update" and before == after:
            continue
        out.append(
            {
                "time": record.time,
                "actor": record.actor_name or "—",
                "source": record.source,
                "action": record.get_action_display(),
                "before": labels.get(before, before) if before else "",
                "after": labels.get(after, after) if after else "",
            }
        )
    return out
