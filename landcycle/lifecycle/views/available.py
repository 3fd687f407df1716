"""Pages of the annual available-land list (年度可供土地清单, seeds/004 任务8):
list → detail (entries, timeline, the next steps) → add parcels (search / the map's card /
stock-land findings) → approve → publish to the portal (confirmed) → withdraw.

Every change goes through ``services.available``; a refused step is shown on its form."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, restricted, scope_of
from landcycle.ledger.models import Parcel
from landcycle.web import cache
from landcycle.web.decorators import requires
from landcycle.web.generic import Step, StepView
from landcycle.web.navigation import MenuItem
from landcycle.web.panels import Panel

from ..forms.available import ConfirmForm, EntryForm, FromStockForm, ListCreateForm
from ..models import AvailableLandEntry, AvailableLandList
from ..services import LifecycleError
from ..services import available as service
from ..services.documents import AVAILABLE_ENTRY, cases_of
from ._history import status_timeline

Status = AvailableLandList.Status
PAGE_SIZE = 100
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class ListStep(Step):
    """A step on a list: ``start`` the status it starts from (None: any but draft), ``what``
    the consequence the confirmation page states."""

    start: str | None = None
    what: str = ""


STEPS = {
    "approve": ListStep(
        "审核通过", (Action.CHANGE,), ConfirmForm,
        lambda lst, form, user: service.approve(lst, user=user, on=form.cleaned_data["on"]),
        Status.DRAFT, "清单审核后不能再增删宗地。",
    ),
    "publish": ListStep(
        "公开到门户", (Action.PUBLISH,), ConfirmForm,
        lambda lst, form, user: service.publish(lst, on=form.cleaned_data["on"]),
        Status.APPROVED,
        "公开后，清单中的宗地及其供地条件、程序、周期、成本将在公众门户 /portal/ 上向所有人显示。",
    ),
    "withdraw": ListStep(
        "退回草稿", (Action.PUBLISH,), ConfirmForm,
        lambda lst, form, user: service.withdraw(lst),
        None, "清单退回草稿：公众门户立即不再显示，审核记录清除，可再修改后重新审核。",
    ),
}  # fmt: skip


def _lists(user, action=Action.VIEW):
    return AvailableLandList.objects.restrict(user, action).select_related("jurisdiction")


@requires(Action.VIEW)
@require_safe
def available_list(request):
    lists = (
        _lists(request.user).annotate(n=Count("entries")).order_by("-year", "jurisdiction__path")
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        lists = lists.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        lists = lists.filter(year=int(year))
    return render(
        request,
        "lifecycle/available/list.html",
        {
            "lists": lists[:PAGE_SIZE],
            "statuses": Status.choices,
            "status": status,
            "year": year,
            "can_change": scope_of(request.user).can(Action.CHANGE),
        },
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def available_create(request):
    form = ListCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            land_list = service.create_list(data["year"], data["jurisdiction"], data["title"])
        except LifecycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已新建清单「{land_list.title}」（草稿）")
            return redirect("lifecycle:available_detail", pk=land_list.pk)
    return render(request, "lifecycle/available/create.html", {"form": form})


def _entries(land_list, user):
    return (
        AvailableLandEntry.objects.restrict(user)
        .filter(land_list=land_list)
        .select_related("parcel", "parcel__jurisdiction")
        .order_by("parcel__code")
    )


@requires(Action.VIEW)
@require_safe
def available_detail(request, pk):
    land_list = get_object_or_404(_lists(request.user), pk=pk)
    scope = scope_of(request.user)
    status = land_list.status
    steps = [
        (name, step.label)
        for name, step in STEPS.items()
        if scope.can(step.actions[0])
        and (step.start == status or (step.start is None and status != Status.DRAFT))
    ]
    return render(
        request,
        "lifecycle/available/detail.html",
        {
            "land_list": land_list,
            "entries": _entries(land_list, request.user),
            "timeline": status_timeline(land_list),
            "steps": steps,
            "can_add": scope.can(Action.CHANGE) and land_list.status == Status.DRAFT,
        },
    )


def _editable(request, pk):
    return get_object_or_404(_lists(request.user, Action.CHANGE), pk=pk)


def _in_area(land_list, user):
    """Parcels the user may view inside the list's area."""
    return restricted(Parcel, user).filter(
        jurisdiction__path__startswith=land_list.jurisdiction.path
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def available_add(request, pk):
    land_list = _editable(request, pk)
    initial = {"parcel_code": request.GET.get("parcel", "")}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("parcel_code").strip()
        parcel = (
            restricted(Parcel, request.user)
            .select_related("jurisdiction")
            .filter(code=code)
            .first()
        )
        if parcel is None:
            form.add_error("parcel_code", f"宗地 {code} 不存在或不在您的权限范围内")
        else:
            try:
                service.add_entries(land_list, [{"parcel": parcel, **data}])
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已将宗地 {parcel.code} 加入清单")
                return redirect("lifecycle:available_detail", pk=land_list.pk)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        present = land_list.entries.values("parcel_id")
        found = (
            _in_area(land_list, request.user)
            .filter(Q(code__icontains=query) | Q(name__icontains=query))
            .exclude(pk__in=present)
            .select_related("jurisdiction")
            .order_by("code")
            .only("code", "name", "jurisdiction__name", "registered_area_m2", "land_use")[
                :SEARCH_LIMIT
            ]
        )
    return render(
        request,
        "lifecycle/available/add.html",
        {"land_list": land_list, "form": form, "q": query, "found": found, "limit": SEARCH_LIMIT},
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def available_from_stock(request, pk):
    land_list = _editable(request, pk)
    suggestions = service.suggest_from_stock(land_list) if land_list.status == Status.DRAFT else []
    visible = set(
        _in_area(land_list, request.user)
        .filter(pk__in=[s["parcel"].pk for s in suggestions])
        .values_list("pk", flat=True)
    )
    suggestions = [s for s in suggestions if s["parcel"].pk in visible]
    form = FromStockForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = set(data.pop("parcels"))
        entries = [{**s, **data} for s in suggestions if s["parcel"].pk in chosen]
        try:
            count = service.add_entries(land_list, entries)
        except LifecycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已从存量土地认定加入 {count} 宗")
            return redirect("lifecycle:available_detail", pk=land_list.pk)
    labels = dict(AvailableLandEntry.Category.choices)
    rows = [
        {
            "parcel": s["parcel"],
            "category": labels[s["category"]],
            "checked": str(s["parcel"].pk) in request.POST.getlist("parcels"),
        }
        for s in suggestions
    ]
    return render(
        request,
        "lifecycle/available/from_stock.html",
        {"land_list": land_list, "form": form, "rows": rows},
    )


class AvailableStepView(StepView):
    """Approve, publish or withdraw a list, confirmed on a page that states the consequence."""

    model = AvailableLandList
    steps = STEPS
    template_name = "lifecycle/available/step.html"
    context_object_name = "land_list"
    success_route = "lifecycle:available_detail"
    refusal = LifecycleError
    select_related = ("jurisdiction",)

    def success_message(self) -> str:
        land_list = self.object
        label, status = self.step.label, land_list.get_status_display()
        return f"清单「{land_list.title}」：{label}，现为「{status}」"

    def get_context_data(self, **context):
        count = self.object.entries.count()
        return {**super().get_context_data(**context), "what": self.step.what, "count": count}


def _parcel_panel(request, parcel):
    """The parcel card's section: the lists it is on, and drafts it could be added to."""
    on_lists = []
    listed = bool(cases_of(parcel).get(AVAILABLE_ENTRY))  # the card's one probe query
    if listed:
        on_lists = (
            AvailableLandEntry.objects.restrict(request.user)
            .filter(parcel=parcel)
            .select_related("land_list")
            .order_by("-land_list__year")
        )
    drafts = []
    scope = scope_of(request.user)
    if scope.can(Action.CHANGE):
        path = parcel.jurisdiction.path
        candidates = _lists(request.user, Action.CHANGE).filter(status=Status.DRAFT)
        candidates = candidates.order_by("-year")
        if listed:  # rare: leave out the lists it is on
            open_lists = list(candidates.exclude(entries__parcel=parcel))
        else:  # the user's draft lists, the same on every card: kept per data version
            open_lists = cache.remember(("available_drafts", scope), lambda: list(candidates))
        drafts = [d for d in open_lists if path.startswith(d.jurisdiction.path)]
    if not on_lists and not drafts:
        return None
    return {"parcel": parcel, "on_lists": on_lists, "drafts": drafts}


urlpatterns = [
    path("available/", available_list, name="available_list"),
    path("available/new/", available_create, name="available_create"),
    path("available/<int:pk>/", available_detail, name="available_detail"),
    path("available/<int:pk>/add/", available_add, name="available_add"),
    path("available/<int:pk>/from-stock/", available_from_stock, name="available_from_stock"),
    path("available/<int:pk>/<slug:step>/", AvailableStepView.as_view(), name="available_step"),
]

MENU = [
    MenuItem(
        "可供土地清单",
        "lifecycle:available_list",
        action=Action.VIEW,
        order=150,
        group="全生命周期",
    )
]
PANELS = [
    (Parcel, Panel("available_land", "lifecycle/available/panel.html", _parcel_panel, order=260))
]
