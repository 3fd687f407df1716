"""Pages of stock land (存量土地, seeds/004 任务11–14; 闲置土地处置办法 国土资源部令第53号): the
findings (idle, unsupplied, low-efficiency), one disposal case per parcel (一地一策) with its
record, the idle-land fee and take-back flags, and the disposal rate against the 60 % target."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from landcycle.core.permissions import Action, restricted, scope_of
from landcycle.web import cache
from landcycle.web.decorators import requires
from landcycle.web.formatting import day, number
from landcycle.web.generic import Step
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import filter_form_html, link_pattern, page_of

from ..filtersets.stockland import StockLandFilterSet
from ..forms.stockland import FORMS
from ..models import StockLandCase
from ..services import LifecycleError, stockland
from ._common import CaseStepView, actor_name

MENU = [
    MenuItem(
        "存量土地", "lifecycle:stockland_list", action=Action.VIEW, order=150, group="全生命周期"
    ),
    MenuItem(
        "存量土地处置率",
        "lifecycle:stockland_rate",
        action=Action.VIEW,
        order=151,
        group="全生命周期",
    ),
]
REFUSED_ROLE = (
    "此步骤须由园区管委会经办人员（评价专员或管理员）办理；街道干部可开始处置和报告处置进展。"
)


# What a row shows (``_rows_html``): a page of 50 read without the parcels' outlines and the
# cases' records (those columns were most of the page's time).
SHOWN = (
    "category",
    "status",
    "identified_on",
    "idle_since",
    "deadline",
    "parcel__code",
    "parcel__extra",  # the land price, for the idle-land fee
    "parcel__jurisdiction__name",
    "parcel__holder__name",
    "assigned_to__username",
    "assigned_to__first_name",
    "assigned_to__last_name",
)


def _late(case, today: dt.date) -> bool:
    return bool(case.is_open and case.deadline and case.deadline < today)


def _rows_html(cases, today: dt.date) -> str:
    """The list's <tbody> rows, built in Python: 50 rows × 10 cells through the template
    language (three date filters a row) cost more than the page's queries. Every value from the
    data is escaped (``html.escape``); the hints are the idle-land fee and take-back flags
    (``stockland.idle_flags``) of open cases, and 逾期 past an open case's deadline."""
    if not cases:
        return mark_safe('<tr><td colspan="10">没有符合条件的存量土地。</td></tr>')
    detail = link_pattern("lifecycle:stockland_detail")
    out = []
    for case in cases:
        parcel, hints = case.parcel, ""
        if case.is_open:
            flags = stockland.idle_flags(case.category, case.idle_since, parcel.extra, today)
            if flags.take_back:
                hints += '<span class="flag">可无偿收回</span>'
            if flags.fee_due:
                fee = "" if flags.fee_10k_cny is None else f" {number(flags.fee_10k_cny)} 万元"
                hints += f'<span class="flag fee">可征闲置费{fee}</span>'
        late = ' <span class="error">逾期</span>' if _late(case, today) else ""
        officer = case.assigned_to
        name = (officer.get_full_name() or officer.username) if officer else "—"
        out.append(
            f'<tr><td><a href="{detail.format(case.pk)}">{escape(parcel.code)}</a></td>'
            f"<td>{escape(parcel.jurisdiction.name)}</td>"
            f"<td>{escape((parcel.holder.name if parcel.holder else '') or '—')}</td>"
            f"<td>{escape(case.get_category_display())}</td>"
            f"<td>{escape(case.get_status_display())}</td>"
            f'<td class="date">{day(case.identified_on)}</td>'
            f'<td class="date">{day(case.idle_since)}</td>'
            f"<td>{hints}</td>"
            f"<td>{day(case.deadline)}{late}</td>"
            f"<td>{escape(name)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every value from the data is escaped above


@requires(Action.VIEW)
@require_safe
def stockland_list(request):
    cases = restricted(StockLandCase, request.user)
    filterset = StockLandFilterSet(request.GET, queryset=cases, user=request.user)
    related = ("parcel", "parcel__jurisdiction", "parcel__holder", "assigned_to")
    # Ordered by a joined column over every case: the order is kept per data version.
    context = page_of(
        request,
        filterset.qs.order_by("parcel__code", "category", "pk"),
        load=lambda ids: (
            StockLandCase.objects.filter(pk__in=ids).select_related(*related).only(*related, *SHOWN)
        ),
    )
    rows = _rows_html(context["page"].object_list, dt.date.today())
    counts = dict.fromkeys(StockLandCase.Category.values, 0)
    open_by_category = (
        cases.filter(stockland.open_cases_q())
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Summed over every case the user may see: kept per data version too.
    counts.update(
        cache.value(
            "open_by_category",
            open_by_category,
            cache.data_version(),
            lambda: dict(open_by_category),
        )
    )
    return render(
        request,
        "lifecycle/stockland/list.html",
        {
            **context,
            "rows": rows,
            "counts": [(StockLandCase.Category(c).label, n) for c, n in counts.items()],
            "filter_html": filter_form_html(filterset.form),
            "can_identify": scope_of(request.user).can(Action.CHANGE),
        },
    )


@requires(Action.CHANGE)
@require_POST
def stockland_identify(request):
    """Run the identification (53号令 idle, unsupplied, class C/D) and open new cases."""
    try:
        report = stockland.sync_cases(dt.date.today())
    except LifecycleError as exc:
        messages.error(request, f"认定未完成：{exc}")
    else:
        text = f"认定完成：发现 {len(report.findings)} 项，新立处置案件 {report.created} 件"
        text += f"，已有案件 {report.already_open} 件"
        if report.no_longer_found:
            text += f"；{len(report.no_longer_found)} 件已认定案件不再符合认定条件，请核查后撤销"
        messages.success(request, text + "。")
    return redirect("lifecycle:stockland_list")


@requires(Action.VIEW)
@require_safe
def stockland_detail(request, pk):
    case = get_object_or_404(
        restricted(StockLandCase, request.user).select_related(
            "parcel", "parcel__jurisdiction", "parcel__holder", "assigned_to"
        ),
        pk=pk,
    )
    today = dt.date.today()
    return render(
        request,
        "lifecycle/stockland/detail.html",
        {
            "case": case,
            "flags": stockland.idle_flags(case.category, case.idle_since, case.parcel.extra, today),
            "overdue": case.status in StockLandCase.OPEN_STATUSES
            and case.deadline is not None
            and case.deadline < today,
            "record": list(case.steps.all()),
            **StockLandStepView.offered(request.user, case),
            "deadline_flags": (case.deadline_flags or {}).values(),
        },
    )


def _run(action: str):
    def run(case, form, user):
        who = {"actor": user, "actor_name": actor_name(user)}
        if action == "progress":
            stockland.record_progress(case, **who, **form.service_kwargs())
        else:
            stockland.transition(case, action, **who, **form.service_kwargs())

    return run


STEPS = {
    action: Step(stockland.ACTION_LABELS[action], (Action.HANDLE,), form, _run(action))
    for action, form in FORMS.items()
}


class StockLandStepView(CaseStepView):
    """One step of a disposal case (plan, start, dispose, cancel) or a progress report."""

    model = StockLandCase
    steps = STEPS
    service = stockland
    template_name = "lifecycle/stockland/step.html"
    success_route = "lifecycle:stockland_detail"
    select_related = ("parcel",)
    refused_role = REFUSED_ROLE
    case_word = "处置案件"
    none_left = "无（已办结）"

    def status_label(self) -> str:
        return self.object.get_status_display()

    def get_form_kwargs(self) -> dict:
        if self.step_name != "plan":
            return {}
        case = self.object
        fields = ("plan", "task_force", "lead_unit", "deadline")
        return {"initial": {name: getattr(case, name) for name in fields}}


@requires(Action.VIEW)
@require_safe
def stockland_rate(request):
    today = dt.date.today()
    overview = stockland.rate_overview(restricted(StockLandCase, request.user), today)
    chart = {
        "months": overview.months,
        "month_rates": overview.month_rates,
        "streets": overview.streets,
        "street_rates": overview.street_rates,
        "target": overview.target_percent,
    }
    return render(
        request,
        "lifecycle/stockland/rate.html",
        {
            "overview": overview,
            "rate": overview.current,
            "chart": chart,
            "today": today,
            "street_rows": list(zip(overview.streets, overview.street_rates, strict=True)),
        },
    )


urlpatterns = [
    path("stockland/", stockland_list, name="stockland_list"),
    path("stockland/identify/", stockland_identify, name="stockland_identify"),
    path("stockland/rate/", stockland_rate, name="stockland_rate"),
    path("stockland/<int:pk>/", stockland_detail, name="stockland_detail"),
    path("stockland/<int:pk>/<slug:step>/", StockLandStepView.as_view(), name="stockland_step"),
]
