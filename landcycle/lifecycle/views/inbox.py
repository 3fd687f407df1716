"""The inbox (待办): everything due or late in the user's scope, urgent first, each item linked
to its case. The order and the sections are ``services.due.inbox`` (as ``landcycle due``)."""

from __future__ import annotations

from html import escape

from django.core.exceptions import EmptyResultSet
from django.shortcuts import render
from django.urls import NoReverseMatch, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action, restrict, scope_of
from landcycle.web import cache
from landcycle.web.decorators import requires
from landcycle.web.formatting import day
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import link_pattern

from ..models import StockLandCase
from ..services.due import Inbox
from ..services.due import inbox as build_inbox

# Items listed per section, and per kind of the folded long-overdue group, before "show all".
SHOWN = 100
SHOWN_PER_KIND = 20


def _linker():
    """``link(route, pk)`` → the case page's URL, or "" while that workflow's page is not
    installed: one ``reverse`` per route and request (``link_pattern``), not one per row."""
    patterns: dict[str, str] = {}

    def link(route: str, pk: int) -> str:
        if not route:
            return ""
        if route not in patterns:
            try:
                patterns[route] = link_pattern(route)
            except NoReverseMatch:
                patterns[route] = ""
        pattern = patterns[route]
        return pattern.format(pk) if pattern else ""

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


HEAD = (
    '<table class="inbox-rows">\n<thead><tr><th>期限</th><th>事项</th><th>类别</th><th>区域</th>'
    "<th>状态</th></tr></thead>\n<tbody>"
)


def _state(item) -> tuple[str, str]:
    """The status cell: its text and CSS class (late in red, due today amber)."""
    if item.days is None:
        return item.status_label, "warn"
    if item.days > 0:
        return f"逾期 {item.days} 日", "error"
    if item.days == 0:
        return "今日到期", "warn"
    return f"剩 {-item.days} 日", ""


def _rows_html(items, link, me) -> str:
    """One table of inbox items, built in Python: a page lists hundreds of rows, and the
    template language costs ~40 µs a cell (the inbox itself is cached). Every value from the
    data is escaped (``html.escape``, as Django's ``escape`` without its lazy wrapper)."""
    out = [HEAD]
    for item in items:
        title = escape(item.title)
        url = link(item.route, item.pk)
        cell = f'<a href="{escape(url)}">{title}</a>' if url else title
        if item.assignee_id is not None and item.assignee_id == me:
            cell += ' <small class="muted">（我承办）</small>'
        if item.flag:
            cell += f'<br><small class="warn">{escape(item.flag)}</small>'
        text, css = _state(item)
        state = f'<span class="{css}">{escape(text)}</span>' if css else escape(text)
        out.append(
            f'\n<tr data-kind="{escape(item.kind)}" data-status="{escape(item.status)}">'
            f"<td>{day(item.due)}</td><td>{cell}</td><td>{escape(item.kind_label)}</td>"
            f"<td>{escape(item.jurisdiction)}</td><td>{state}</td></tr>"
        )
    out.append("</tbody>\n</table>")
    return mark_safe("".join(out))  # noqa: S308 - every value from the data is escaped above


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
                    shown = kept[:limit]
                    groups.append(
                        {
                            "label": group.label,
                            "count": len(kept),
                            "shown": len(shown),
                            "table": _rows_html(shown, link, me),
                        }
                    )
            count = sum(g["count"] for g in groups)
        else:
            limit = None if show_all == section.key else SHOWN
            rows, count = items[:limit], len(items)
        sections.append(
            {
                "key": section.key,
                "label": section.label,
                "count": count,
                "table": _rows_html(rows, link, me) if rows else "",
                "groups": groups,
                "hidden": count - len(rows) if not groups else 0,
                "group_hidden": any(g["count"] > g["shown"] for g in groups),
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
