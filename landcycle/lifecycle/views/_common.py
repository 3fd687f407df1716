"""What the lifecycle list pages share: a paginated, filtered, sortable list on the frame's
table helpers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.urls import reverse

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
