"""What the lifecycle list and step pages share: a paginated, filtered, sortable list on the
frame's table helpers, and the check that a role may take a step at all."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse

from landcycle.core.permissions import Action, scope_of
from landcycle.web.tables import Table, filter_form_html

PAGE_SIZE = 50


def list_context(request, table: Table, filterset, detail_route: str) -> dict:
    """The context of ``web/_table.html`` for one page of ``filterset.qs``."""
    queryset = filterset.qs.order_by(table.ordering(request.GET.get("sort")), "pk")
    page = Paginator(table.load(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    links = [reverse(detail_route, args=[row["pk"]]) for row in rows]
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return {
        "table": table,
        "page": page,
        "filter_html": filter_form_html(filterset.form),
        "body": table.body_html(rows, links),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": request.GET.get("sort", ""),
    }


def requires_step(steps: dict[str, tuple[str, tuple[Action, ...]]]):
    """Like ``requires``, for a route whose ``step`` decides the action: anonymous → login, an
    unknown step → 404, a role with none of the step's actions → 403; the view gets the first
    action the role has as ``action``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, step, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if step not in steps:
                raise Http404
            scope = scope_of(request.user)
            for action in steps[step][1]:
                if scope.can(action):
                    return view(request, *args, step=step, action=action, **kwargs)
            raise PermissionDenied

        return wrapped

    return decorator
