"""The inbox (待办): everything due or late in the user's scope, urgent first, each item linked
to its case. The order and the sections are ``services.due.inbox`` (as ``landcycle due``)."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action
from landcycle.web.decorators import requires
from landcycle.web.navigation import MenuItem

from ..services.due import inbox as build_inbox

# Items listed per section (or per kind of the long-overdue group) before "show all".
SHOWN = 100


def _link(route: str, pk: int) -> str:
    if not route:
        return ""
    try:
        return reverse(route, kwargs={"pk": pk})
    except NoReverseMatch:  # that workflow's page is not installed (yet): no link
        return ""


@requires(Action.VIEW)
@require_safe
def inbox(request):
    """``?mine=1``: only what is assigned to me; ``?all=<section>``: list a section whole."""
    box = build_inbox(request.user, timezone.localdate())
    mine = request.GET.get("mine") == "1"
    show_all = request.GET.get("all", "")
    links: dict[tuple[str, int], str] = {}
    sections = []
    for section in box.sections:
        items = [i for i in section.items if i.assigned_to_me] if mine else section.items
        limit = None if show_all == section.key else SHOWN
        if section.key == "long_overdue":
            groups = []
            for group in section.groups:
                kept = [i for i in group.items if i.assigned_to_me] if mine else group.items
                if kept:
                    groups.append({"label": group.label, "count": len(kept), "rows": kept[:limit]})
            rows, count = [], sum(g["count"] for g in groups)
        else:
            groups, rows, count = [], items[:limit], len(items)
        for row in rows + [r for g in groups for r in g["rows"]]:
            links.setdefault((row.route, row.pk), _link(row.route, row.pk))
        sections.append(
            {
                "key": section.key,
                "label": section.label,
                "count": count,
                "rows": [(row, links[(row.route, row.pk)]) for row in rows],
                "groups": [
                    {**g, "rows": [(row, links[(row.route, row.pk)]) for row in g["rows"]]}
                    for g in groups
                ],
                "hidden": max(count - len(rows), 0) if not groups else 0,
                "group_hidden": any(g["count"] > len(g["rows"]) for g in groups),
            }
        )
    return render(
        request,
        "lifecycle/inbox/inbox.html",
        {
            "today": box.today,
            "sections": sections,
            "total": sum(s["count"] for s in sections),
            "mine": mine,
            "long_overdue_after": box.long_overdue_after,
        },
    )


urlpatterns = [path("inbox/", inbox, name="inbox")]

MENU = [MenuItem("待办", "lifecycle:inbox", action=Action.VIEW, order=15)]
