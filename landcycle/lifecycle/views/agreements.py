"""Supervision agreement pages (履约监管协议, seeds/003 附件): list, detail with the commitments
and their units, the yearly check's breaches, the first-quarter review of enterprises in the
park ≥ 1 year, and forms for the service's steps (create, green-building stars, expire,
terminate). Every change goes through ``services.agreements``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, scope_of
from landcycle.web.decorators import requires
from landcycle.web.generic import Step, StepView
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import Column, Table

from ..filtersets.agreements import AgreementFilterSet
from ..forms import agreements as forms
from ..models import AgreementTerm
from ..models import SupervisionAgreement as Agreement
from ..services import LifecycleError, agreements
from ._common import list_context

MENU = [
    MenuItem("履约监管协议", "lifecycle:agreement_list", action=Action.VIEW, order=120, group="全生命周期"),
    MenuItem("年度履约评估", "lifecycle:agreement_review", action=Action.VIEW, order=121, group="全生命周期"),
]  # fmt: skip

# step → its title, who may take it, form and service call
STEPS = {
    "expire": Step("协议到期", (Action.HANDLE,), forms.DateConfirmForm,
        lambda a, form, user: agreements.expire(a, on=form.cleaned_data["on"])),
    "terminate": Step("解除协议", (Action.HANDLE,), forms.DateConfirmForm,
        lambda a, form, user: agreements.terminate(a, on=form.cleaned_data["on"])),
    "stars": Step("登记绿色建筑星级", (Action.HANDLE,), forms.StarsForm,
        lambda a, form, user: agreements.record_green_building(a, stars=form.cleaned_data["stars"])),
}  # fmt: skip
_status = dict(Agreement.Status.choices)

TABLE = Table(
    name="agreements",
    columns=(
        Column("number", "协议编号", lambda r: r["number"], "number", link=True),
        Column("enterprise", "乙方企业", lambda r: r["enterprise__name"], "enterprise__name"),
        Column("parcel", "宗地", lambda r: r["parcel__code"], "parcel__code"),
        Column("street", "街道", lambda r: r["parcel__jurisdiction__name"]),
        Column("signed", "签订日期", lambda r: r["signed_on"], "signed_on"),
        Column("due", "约定达产日期", lambda r: r["attainment_due"], "attainment_due"),
        Column("valid_to", "有效期止", lambda r: r["valid_to"] or "", "valid_to"),
        Column("status", "状态", lambda r: _status.get(r["status"], ""), "status"),
    ),
    default_order="number",
    values=(
        "number",
        "enterprise__name",
        "parcel__code",
        "parcel__jurisdiction__name",
        "signed_on",
        "attainment_due",
        "valid_to",
        "status",
    ),
)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@requires(Action.VIEW)
@require_safe
def agreement_list(request):
    rows = Agreement.objects.restrict(request.user)
    filterset = AgreementFilterSet(request.GET, queryset=rows, user=request.user)
    context = list_context(request, TABLE, filterset, "lifecycle:agreement_detail")
    context["can_create"] = scope_of(request.user).can(Action.HANDLE)
    return render(request, "lifecycle/agreements/list.html", context)


@requires(Action.VIEW)
@require_safe
def agreement_detail(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.restrict(request.user).select_related(
            "parcel", "parcel__jurisdiction", "enterprise"
        ),
        pk=pk,
    )
    return render(request, "lifecycle/agreements/detail.html", _detail_context(request, agreement))


def _detail_context(request, agreement, failed="", form=None, error="") -> dict:
    today = timezone.localdate()
    year = _year(request, today.year - 1)
    terms = []
    for term in agreement.terms.all():
        try:
            canonical = agreements.canonical_value(term.indicator, term.value, term.unit)
        except LifecycleError:
            canonical = None
        unit = agreements.unit_label(agreements.CANONICAL[term.indicator]) or term.unit
        terms.append((term, canonical, unit))
    breaches = [
        (breach, AgreementTerm.Indicator(breach.indicator).label)
        for breach in agreements.check_year(year, Agreement.objects.filter(pk=agreement.pk))
    ]
    review_year = today.year if today.month <= 3 else today.year + 1
    steps = []
    if scope_of(request.user).can(Action.HANDLE) and agreement.status == Agreement.Status.ACTIVE:
        for name, step in STEPS.items():
            shown = form if name == failed else _blank(name, agreement)
            steps.append({"name": name, "title": step.label, "form": shown})
    return {
        "agreement": agreement,
        "terms": terms,
        "year": year,
        "years": list(range(today.year - 5, today.year + 1)),
        "breaches": breaches,
        "attainment_left": (agreement.attainment_due - today).days,
        "review_year": review_year,
        "review_due": agreements.review_due(agreement, review_year),
        "review_window": agreements.review_window(review_year),
        "steps": steps,
        "failed": failed,
        "error": error,
    }


def _blank(name, agreement):
    if name == "stars":
        return forms.StarsForm(initial={"stars": agreement.green_building_stars})
    return STEPS[name].form()


class AgreementStep(StepView):
    """One step on an active agreement (``STEPS``); a refusal is shown as ``error``."""

    model = Agreement
    steps = STEPS
    template_name = "lifecycle/agreements/step.html"
    context_object_name = "agreement"
    success_route = "lifecycle:agreement_detail"
    refusal = LifecycleError
    error_on_form = False

    def case_context(self, form, error):
        return _detail_context(self.request, self.object, self.step_name, form, error)


@requires(Action.HANDLE)
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    form = forms.AgreementForm(request.POST or None, user=request.user)
    terms = forms.term_formset(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid() and terms.is_valid():
        data = form.cleaned_data
        try:
            agreement = agreements.create_agreement(
                number=data["number"].strip(),
                parcel=data["parcel"],
                enterprise=data["enterprise"],
                signed_on=data["signed_on"],
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
                attainment_due=data.get("attainment_due"),
                terms=forms.terms_of(terms),
            )
        except LifecycleError as exc:
            error = str(exc)
        else:
            messages.success(
                request, f"协议 {agreement.number} 已登记，达产日期 {agreement.attainment_due}"
            )
            return redirect("lifecycle:agreement_detail", pk=agreement.pk)
    context = {"form": form, "terms": terms, "error": error}
    return render(request, "lifecycle/agreements/create.html", context)


@requires(Action.VIEW)
@require_safe
def agreement_review(request):
    """The first-quarter review of a year: agreements of enterprises in the park ≥ 1 year and
    their breaches on the previous year's figures (the user's rows only)."""
    today = timezone.localdate()
    year = _year(request, today.year)
    review = agreements.annual_review(year, Agreement.objects.restrict(request.user))
    by_agreement: dict[int, list] = {}
    for breach in review.breaches:
        by_agreement.setdefault(breach.agreement_id, []).append(breach)
    rows = [(a, by_agreement.get(a.pk, [])) for a in review.agreements]
    context = {
        "review": review,
        "rows": rows,
        "with_breaches": sum(1 for _a, b in rows if b),
        "years": list(range(today.year - 4, today.year + 2)),
        "latest_entry": agreements.review_window(year)[1],
    }
    return render(request, "lifecycle/agreements/review.html", context)


urlpatterns = [
    path("agreements/", agreement_list, name="agreement_list"),
    path("agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/review/", agreement_review, name="agreement_review"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/<str:step>/", AgreementStep.as_view(), name="agreement_step"),
]
