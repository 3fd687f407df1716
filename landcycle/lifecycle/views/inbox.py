"""The inbox (待办): everything due or late in the user's scope, urgent first, each item linked
to its case. The order and the sections are ``services.due.inbox`` (as ``landcycle due``)."""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action, restrict, scope_of
from landcycle.web import cache
from landcycle.web.decorators import requires
from landcycle.web.navigation import MenuItem

from ..models import StockLandCase
from ..services.due import Inbox
from ..services.due import inbox as build_inbox

# Items listed per section, and per kind of the folded long-overdue group, before "show all".
SHOWN = 100
SHOWN_PER_KIND = 20


def _linker():
    """``link(route, pk)`` → the case page's URL, or "" while that workflow's page is not
    installed; a missing route is tried once per request (a failed reverse is costly)."""
    missing: set[str] = set()

    def link(route: str, pk: int) -> str:
        if not route or route in missing:
            return ""
        try:
            return reverse(route, kwargs={"pk": pk})
        except NoReverseMatch:
            missing.add(route)
            return ""

    return link


def _inbox(user, today) -> Inbox:
    """The user's inbox, computed once per scope, day and data version (web.cache): every
    zone-wide reader shares one list, every officer of a street another. The rows are read
    through restrict, and the key holds the restricted SQL, so the scope stays the gate."""
    scope = scope_of(user)
    key = restrict(StockLandCase.objects.all(), user, Action.VIEW)
    # The whole scope names the value: the inbox holds more than the stock-land rows keying it
    # (two tenants of one parcel key the same stock-land SQL, each with its own applications).
    name = f"inbox:{today.isoformat()}:{scope!r}"
    try:
        return cache.value(name, key, cache.data_version(), lambda: build_inbox(user, today))
    except EmptyResultSet:  # a scope that reaches no rows has no SQL to key on
        return build_inbox(user, today)


def _row(item, link, me) -> dict:
    """What one table row shows, formatted here: a page lists hundreds of them and the
    template language's filters cost more than the inbox itself."""
    if item.days is None:
        state, css = item.status_label, "warn"
    elif item.days > 0:
        state, css = f"逾期 {item.days} 日", "error"
    elif item.days == 0:
        state, css = "今日到期", "warn"
    else:
        state, css = f"剩 {-item.days} 日", ""
    return {
        "kind": item.kind,
        "status": item.status,
        "due": item.due.isoformat() if item.due else "—",
        "title": item.title,
        "url": link(item.route, item.pk),
        "mine": item.assignee_id is not None and item.assignee_id == me,
        "flag": item.flag,
        "kind_label": item.kind_label,
        "place": item.jurisdiction,
        "state": state,
        "css": css,
    }


@requires(Action.VIEW)
@require_safe
def inbox(request):
    """``?mine=1``: only what is assigned to me; ``?all=<section>``: list a section whole."""
    box = _inbox(request.user, timezone.localdate())
    mine, me = request.GET.get("mine") == "1", request.user.pk
    show_all = request.GET.get("all", "")
    link = _linker()
    sections = []
    for section in box.sections:
        items = [i for i in section.items if i.assignee_id == me] if mine else section.items
        groups, rows = [], []
        if section.key == "long_overdue":  # folded by kind: a few rows of each
            limit = None if show_all == section.key else SHOWN_PER_KIND
            for group in section.groups:
                kept = [i for i in group.items if i.assignee_id == me] if mine else group.items
                if kept:
                    shown = [_row(i, link, me) for i in kept[:limit]]
                    groups.append({"label": group.label, "count": len(kept), "rows": shown})
            count = sum(g["count"] for g in groups)
        else:
            limit = None if show_all == section.key else SHOWN
            rows, count = [_row(i, link, me) for i in items[:limit]], len(items)
        sections.append(
            {
                "key": section.key,
                "label": section.label,
                "count": count,
                "rows": rows,
                "groups": groups,
                "hidden": count - len(rows) if not groups else 0,
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
            "shown_per_kind": SHOWN_PER_KIND,
        },
    )


urlpatterns = [path("inbox/", inbox, name="inbox")]

MENU = [MenuItem("待办", "lifecycle:inbox", action=Action.VIEW, order=15)]
