"""Columns of the lists: the same definition renders the HTML table and the CSV/xlsx export."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from landcycle.core.safe_output import csv_text, open_workbook

from . import cache


@dataclass(frozen=True)
class Column:
    """One column of a list page: key, Chinese label, ``value(row)`` → cell, sort field, link to card."""

    key: str
    label: str
    value: Callable[[object], object]
    order_by: str | None = None  # the field to sort by, when sortable
    link: bool = False  # render as a link to the row's card


@dataclass(frozen=True)
class Table:
    """A list page's columns and how its rows load (``fields`` / ``values``); also its export."""

    name: str
    columns: tuple[Column, ...]
    select_related: tuple[str, ...] = ()
    default_order: str = "pk"
    fields: tuple[str, ...] = ()  # the columns' fields: rows load these only (no geometry)
    # When set, rows are dicts of these values (``QuerySet.values``, joins by ``a__b``) and
    # the columns read them: no model instances for a page of 50 rows (nor for an export).
    values: tuple[str, ...] = ()

    def load(self, queryset):
        """The queryset as the rows the columns read: dicts of ``values`` or model instances."""
        if self.values:
            return queryset.values("pk", *self.values)
        queryset = queryset.select_related(*self.select_related)
        if self.fields:
            queryset = queryset.only(*self.fields)
        return queryset

    def ordering(self, requested: str | None) -> str:
        """A whitelisted ORDER BY from ``?sort=key`` or ``?sort=-key``."""
        if requested:
            descending = requested.startswith("-")
            key = requested.lstrip("-")
            for column in self.columns:
                if column.key == key and column.order_by:
                    return ("-" if descending else "") + column.order_by
        return self.default_order

    def rows(self, objects: Iterable) -> list[list]:
        """The cell values of ``objects``: one list per row, in column order."""
        return [[column.value(obj) for column in self.columns] for obj in objects]

    def body_html(self, objects, links: list[str], cell=None) -> str:
        """The <tbody> rows, built in Python: a template loop over 50 × 9 cells costs more
        than the queries behind it. ``cell`` turns each value after the linked first one into
        text (e.g. ``formatting.number``); default ``str``, None as empty."""
        show = cell or _text
        out = []
        for link, (head, *tail) in zip(links, self.rows(objects), strict=True):
            # html.escape(str(v)) is what django.utils.html.escape does, without its lazy-
            # string wrapper per cell (450 cells a page).
            first = html.escape(_text(head))
            cells = "".join(f"<td>{html.escape(show(value))}</td>" for value in tail)
            out.append(f'<tr><td><a href="{html.escape(link)}">{first}</a></td>{cells}</tr>')
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _text(value) -> str:
    return "" if value is None else str(value)


def link_pattern(route: str) -> str:
    """``route``'s URL (one pk argument) with ``{}`` for the pk: one ``reverse`` for a page of
    links instead of one per row."""
    placeholder = 2_147_483_647
    return reverse(route, args=[placeholder]).replace(str(placeholder), "{}")


def _attrs_html(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is True:
            out.append(f" {name}")
        elif value is not False and value is not None:
            out.append(f' {name}="{escape(value)}"')
    return "".join(out)


def _widget_html(bound) -> str:
    """A field's widget as Django renders it, built in Python: the template-based form renderer
    costs more than the list's queries (one template per option)."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    if "subwidgets" in context:  # multi-widgets keep Django's own rendering
        return str(bound)
    if "optgroups" in context:
        options = []
        for group, choices, _index in context["optgroups"]:
            inner = "".join(
                f'<option value="{escape(o["value"])}"{_attrs_html(o["attrs"])}>'
                f"{escape(o['label'])}</option>"
                for o in choices
            )
            options.append(
                f'<optgroup label="{escape(group)}">{inner}</optgroup>' if group else inner
            )
        return (
            f'<select name="{escape(context["name"])}"{_attrs_html(context["attrs"])}>'
            f"{''.join(options)}</select>"
        )
    value = context.get("value")
    value_html = "" if value is None else f' value="{escape(value)}"'
    return (
        f'<input type="{escape(context["type"])}" name="{escape(context["name"])}"'
        f"{value_html}{_attrs_html(context['attrs'])}>"
    )


def filter_form_html(form) -> str:
    """The filter form's labelled fields (``<label>label widget</label>`` each)."""
    return mark_safe(  # noqa: S308 - labels and values are escaped above
        "".join(f"<label>{escape(bound.label)} {_widget_html(bound)}</label>" for bound in form)
    )


EXPORT_LIMIT = 200_000


def export_response(table: Table, queryset, fmt: str) -> HttpResponse:
    """The whole (filtered, restricted) list as CSV (UTF-8 with BOM, for Excel) or xlsx."""
    headers = [str(c.label) for c in table.columns]
    rows = table.rows(table.load(queryset)[:EXPORT_LIMIT])
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([csv_text(h) for h in headers])
        writer.writerows([csv_text(v) for v in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        output = io.BytesIO()
        workbook = open_workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(table.name)
        sheet.write_row(0, 0, headers)
        for i, row in enumerate(rows, start=1):
            sheet.write_row(i, 0, ["" if v is None else v for v in row])
        workbook.close()
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{table.name}.{fmt}"'
    return response


# ---- list pages ---------------------------------------------------------------------------

PAGE_SIZE = 50


def page_of(request, rows, size: int = PAGE_SIZE, load=None) -> dict:
    """One page (``?page=``) of ``rows`` (a queryset or a list) and the query strings its links
    keep, as template context: ``page`` (a Paginator page), ``query`` (the request's query
    without ``page``), ``sort_query`` (without ``sort`` too) and ``sort``. With ``load``
    (``load(ids)`` → the rows of those ids), ``rows`` is an ordered queryset paged by its ids,
    kept per data version (``paged``): for long lists sorted by a joined column."""
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    if load is not None:
        page = paged(request, rows, load, size)
    else:
        page = Paginator(rows, size).get_page(request.GET.get("page"))
    return {
        "page": page,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": request.GET.get("sort", ""),
    }


def list_page(request, table: Table, filterset, template: str, card: str, export: str):
    """Render ``template`` with the filtered, sorted page (PAGE_SIZE rows) of ``table``: ``filterset``
    must be over a restricted queryset; ``card`` is the row link's URL name (pk argument),
    ``export`` the export's URL name (fmt argument). Sorting: ``?sort=`` (``-`` descending).
    """
    ordering = table.ordering(request.GET.get("sort"))
    manager = filterset.queryset.model._default_manager
    paging = page_of(
        request,
        filterset.qs.order_by(ordering, "pk"),
        load=lambda ids: table.load(manager.filter(pk__in=ids).order_by()),
    )
    page = paging["page"]
    pattern = link_pattern(card)

    def card_url(pk) -> str:
        return pattern.format(pk)

    context = {
        **paging,
        "table": table,
        "filter": filterset,
        "filter_html": filter_form_html(filterset.form),
        "body": table.body_html(
            page.object_list, [card_url(row_pk(row)) for row in page.object_list]
        ),
        "export_csv": reverse(export, args=["csv"]),
        "export_xlsx": reverse(export, args=["xlsx"]),
    }
    return render(request, template, context)


def paged(request, queryset, load, size: int = PAGE_SIZE):
    """The page ``?page=`` of the ordered (restricted) ``queryset``: a Django ``Page`` whose
    ``object_list`` is ``load(ids)`` (rows or model instances) for its ids, in order.

    Deferred join: the order is computed over ids only (narrow rows) and cached per data version
    (``cache.ordered_ids``), so sorting 100k rows by a joined column happens once, not on every
    page; ``load`` reads the shown rows only (the 50 of a page).
    """
    ids = cache.ordered_ids(queryset, cache.data_version())
    page = Paginator(ids, size).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    by_id = {row_pk(row): row for row in load(shown)}
    page.object_list = [by_id[pk] for pk in shown if pk in by_id]
    return page


def row_pk(row):
    """The primary key of a row, whether a ``values()`` dict or a model instance."""
    return row["pk"] if isinstance(row, dict) else row.pk


def export_page(request, table: Table, filterset, fmt: str):
    """The filtered, sorted rows of ``table`` as a download (``export_response``); ``fmt`` ``csv``
    or ``xlsx``, anything else is a 404.
    """
    if fmt not in ("csv", "xlsx"):
        raise Http404
    queryset = filterset.qs.order_by(table.ordering(request.GET.get("sort")), "pk")
    return export_response(table, queryset, fmt)
