"""Columns of the lists: the same definition renders the HTML table and the CSV/xlsx export."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from landcycle.core.safe_output import csv_text, open_workbook
from landcycle.ledger import models as ledger

from .services import m2_to_ha


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[object], object]
    order_by: str | None = None  # the field to sort by, when sortable
    link: bool = False  # render as a link to the row's card


@dataclass(frozen=True)
class Table:
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
        return [[column.value(obj) for column in self.columns] for obj in objects]

    def body_html(self, objects, links: list[str]) -> str:
        """The <tbody> rows, built in Python: a template loop over 50 × 9 cells costs more
        than the queries behind it."""
        out = []
        for link, values in zip(links, self.rows(objects), strict=True):
            # html.escape(str(v)) is what django.utils.html.escape does, without its lazy-
            # string wrapper per cell (450 cells a page).
            first, *rest = ("" if v is None else html.escape(str(v)) for v in values)
            cells = "".join(f"<td>{text}</td>" for text in rest)
            out.append(f'<tr><td><a href="{html.escape(link)}">{first}</a></td>{cells}</tr>')
        return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


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


def _ha(value):
    ha = m2_to_ha(value)
    return None if ha is None else round(ha, 4)


def _display(choices) -> Callable[[object], str]:
    """value → its choice label in the active language ("" for a value not among them)."""
    labels = dict(choices)

    def display(value) -> str:
        label = labels.get(value)
        return "" if label is None else str(label)

    return display


_supply_method = _display(ledger.Parcel.SupplyMethod.choices)
_project_type = _display(ledger.Parcel.ProjectType.choices)
_scale = _display(ledger.Enterprise.Scale.choices)

PARCELS = Table(
    name="parcels",
    columns=(
        Column("code", _("Parcel code"), lambda p: p["code"], "code", link=True),
        Column("name", _("Name"), lambda p: p["name"], "name"),
        Column("street", _("Street"), lambda p: p["jurisdiction__name"], "jurisdiction__name"),
        Column("holder", _("Right holder"), lambda p: p["holder__name"] or "", "holder__name"),
        Column(
            "area_ha", _("Area (ha)"), lambda p: _ha(p["registered_area_m2"]), "registered_area_m2"
        ),
        Column("land_use", _("Land use"), lambda p: p["land_use"], "land_use"),
        Column(
            "supply",
            _("Supply method"),
            lambda p: _supply_method(p["supply_method"]),
            "supply_method",
        ),
        Column(
            "project", _("Project type"), lambda p: _project_type(p["project_type"]), "project_type"
        ),
        Column("far", _("Floor-area ratio"), lambda p: p["far"], "far"),
    ),
    default_order="code",
    values=(
        "code",
        "name",
        "jurisdiction__name",
        "holder__name",
        "registered_area_m2",
        "land_use",
        "supply_method",
        "project_type",
        "far",
    ),
)

ENTERPRISES = Table(
    name="enterprises",
    columns=(
        Column("name", _("Enterprise"), lambda e: e["name"], "name", link=True),
        Column("uscc", _("USCC"), lambda e: e["uscc"], "uscc"),
        Column("industry_code", _("Industry code"), lambda e: e["industry_code"], "industry_code"),
        Column("scale", _("Scale"), lambda e: _scale(e["scale"]), "scale"),
        Column("tags", _("Tags"), lambda e: "，".join(e["tags"] or []), None),
    ),
    default_order="uscc",
    values=("name", "uscc", "industry_code", "scale", "tags"),
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
