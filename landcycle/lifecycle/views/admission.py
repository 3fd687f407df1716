"""Admission pages (入园申请, seeds/003 第四–七条): list, detail with the timeline, the
officer's and the enterprise's application forms, and one form per step. Every step calls
``services.admission``; a refusal (LifecycleError) is shown on the form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, scope_of
from landcycle.ledger.models import Enterprise
from landcycle.web.decorators import requires
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import Column, Table

from ..filtersets.admission import AdmissionFilterSet
from ..forms import admission as forms
from ..models import AdmissionApplication as App
from ..services import LifecycleError, admission
from ._common import list_context, requires_step

MENU = [
    MenuItem("入园申请", "lifecycle:admission_list", action=Action.VIEW, order=110, group="全生命周期"),
    MenuItem("申请入园", "lifecycle:admission_apply", action=Action.SUBMIT, order=111, group="全生命周期"),
]  # fmt: skip

# step → (title, the actions that may take it, in the order tried)
STEPS = {
    "assess": ("初步评估", (Action.HANDLE,)),
    "material": ("要求补正材料", (Action.HANDLE,)),
    "reply": ("提交补正材料", (Action.SUBMIT,)),
    "escalate": ("报请区政府审批", (Action.HANDLE,)),
    "approve": ("批准入园", (Action.HANDLE,)),
    "reject": ("不予准入", (Action.HANDLE,)),
    "withdraw": ("撤回申请", (Action.HANDLE, Action.SUBMIT)),
}

_status = dict(App.Status.choices)
_klass = dict(App.ProposedClass.choices)
_field = dict(App.IndustryField.choices)

TABLE = Table(
    name="admission",
    columns=(
        Column("name", "企业名称", lambda r: r["enterprise_name"], "enterprise_name", link=True),
        Column("street", "园区/街道", lambda r: r["jurisdiction__name"], "jurisdiction__name"),
        Column("field", "产业领域", lambda r: _field.get(r["industry_field"], "")),
        Column("received", "受理日期", lambda r: r["received_on"], "received_on"),
        Column("status", "状态", lambda r: _status.get(r["status"], ""), "status"),
        Column("due", "初评期限", lambda r: _due(r), "assessment_due"),
        Column("class", "初评类别", lambda r: _klass.get(r["proposed_class"], "")),
        Column("officer", "承办人", lambda r: r["assigned_to__username"] or ""),
    ),
    default_order="-received_on",
    values=(
        "enterprise_name",
        "jurisdiction__name",
        "industry_field",
        "received_on",
        "status",
        "assessment_due",
        "assessed_on",
        "proposed_class",
        "assigned_to__username",
        "deadline_flags",
    ),
)


def _due(row) -> str:
    due = row["assessment_due"]
    if due is None:
        return "期限待定" if (row["deadline_flags"] or {}).get("assessment_due") else ""
    done = row["assessed_on"]
    if done is None and row["status"] == App.Status.SUBMITTED and due < timezone.localdate():
        return f"{due}（已逾期）"
    if done is not None and done > due:
        return f"{due}（逾期初评）"
    return str(due)


@requires(Action.VIEW)
@require_safe
def admission_list(request):
    apps = App.objects.restrict(request.user)
    filterset = AdmissionFilterSet(request.GET, queryset=apps, user=request.user)
    context = list_context(request, TABLE, filterset, "lifecycle:admission_detail")
    scope = scope_of(request.user)
    context.update(can_create=scope.can(Action.HANDLE), can_apply=_may_apply(request.user))
    return render(request, "lifecycle/admission/list.html", context)


def _may_apply(user) -> bool:
    scope = scope_of(user)
    return scope.can(Action.SUBMIT) and scope.enterprise_id is not None


@requires(Action.VIEW)
@require_safe
def admission_detail(request, pk):
    app = get_object_or_404(
        App.objects.restrict(request.user).select_related(
            "jurisdiction", "enterprise", "parcel", "assigned_to", "decided_by"
        ),
        pk=pk,
    )
    return render(request, "lifecycle/admission/detail.html", _detail_context(request, app))


def _detail_context(request, app, failed: str = "", form=None, error: str = "") -> dict:
    scope = scope_of(request.user)
    today = timezone.localdate()
    steps = [(s, *s.deadline(today)) for s in admission.timeline(app)]
    forms_shown = []
    for name in admission.next_steps(app):
        title, actions = STEPS[name]
        if not any(scope.can(a) for a in actions):
            continue
        if name == "reply" and app.enterprise_id != scope.enterprise_id and not scope.zone_wide:
            continue
        shown = form if name == failed else _blank_form(name, app)
        forms_shown.append({"name": name, "title": title, "form": shown})
    return {
        "app": app,
        "steps": steps,
        "forms": forms_shown,
        "failed": failed,
        "error": error,
        "material_open": bool(app.material_request) and app.material_submitted_on is None,
        "is_enterprise": scope.enterprise_id is not None
        and scope.enterprise_id == app.enterprise_id,
        "late_days": (
            (today - app.assessment_due).days
            if app.status == App.Status.SUBMITTED
            and app.assessment_due
            and app.assessment_due < today
            else 0
        ),
    }


def _blank_form(name, app):
    form_class = forms.STEP_FORMS[name]
    return form_class(app=app) if issubclass(form_class, forms.StepForm) else form_class()


@requires_step(STEPS)
@require_http_methods(["GET", "POST"])
def admission_step(request, pk, step, action):
    title = STEPS[step][0]
    app = get_object_or_404(App.objects.restrict(request.user, action), pk=pk)
    form_class = forms.STEP_FORMS[step]
    kwargs = {"app": app} if issubclass(form_class, forms.StepForm) else {}
    form = form_class(request.POST or None, **kwargs)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            _take(step, app, form.cleaned_data, request.user)
        except LifecycleError as exc:
            error = str(exc)
            app.refresh_from_db()
        else:
            messages.success(request, f"已记录：{title}")
            return redirect("lifecycle:admission_detail", pk=app.pk)
    context = _detail_context(request, app, failed=step, form=form, error=error)
    context.update(step=step, title=title, form=form)
    return render(request, "lifecycle/admission/step.html", context)


def _take(step: str, app: App, data: dict, user) -> None:
    """Call the service operation of ``step``."""
    on = data.get("on") or timezone.localdate()
    if step == "assess":
        admission.record_assessment(app, on=on, user=user)
    elif step == "material":
        admission.request_material(app, items=data["items"], on=on)
    elif step == "reply":
        admission.submit_material(app, reply=data["reply"], on=on)
    elif step == "escalate":
        admission.escalate(app, on=on, note=data.get("note", ""))
    elif step in ("approve", "reject"):
        admission.decide(
            app,
            approve=step == "approve",
            on=on,
            user=user,
            note=data.get("note", ""),
            document=data["document"],
        )
    elif step == "withdraw":
        admission.withdraw(app, on=on)


@requires(Action.HANDLE)
@require_http_methods(["GET", "POST"])
def admission_create(request):
    form = forms.OfficerApplicationForm(request.POST or None, user=request.user)
    return _create(request, form, title="登记入园申请", officer=True)


@requires(Action.SUBMIT)
@require_http_methods(["GET", "POST"])
def admission_apply(request):
    scope = scope_of(request.user)
    if scope.enterprise_id is None:  # an administrator records applications at the desk
        return redirect("lifecycle:admission_create")
    form = forms.ApplicationForm(request.POST or None, user=request.user, action=Action.SUBMIT)
    return _create(request, form, title="申请入园", officer=False)


def _create(request, form, *, title: str, officer: bool):
    error = ""
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if officer:
            received_on = form.cleaned_data["received_on"]
            fields["assigned_to"] = request.user
        else:
            received_on = timezone.localdate()
            enterprise = Enterprise.objects.get(pk=scope_of(request.user).enterprise_id)
            fields.update(enterprise=enterprise, enterprise_name=enterprise.name)
        try:
            app = admission.submit(received_on=received_on, **fields)
        except LifecycleError as exc:
            error = str(exc)
        else:
            due = app.assessment_due or "期限待定（节假日安排未知）"
            messages.success(request, f"申请已受理，初步评估期限 {due}")
            return redirect("lifecycle:admission_detail", pk=app.pk)
    context = {"form": form, "title": title, "error": error, "officer": officer}
    return render(request, "lifecycle/admission/create.html", context)


@requires(Action.VIEW)
@require_safe
def admission_decision(request, pk):
    """The decision document (准入批复) of a decided application, for printing."""
    app = get_object_or_404(
        App.objects.restrict(request.user).select_related("jurisdiction", "decided_by"),
        pk=pk,
        status__in=[App.Status.APPROVED, App.Status.REJECTED],
    )
    return render(request, "lifecycle/admission/decision.html", {"app": app})


urlpatterns = [
    path("admission/", admission_list, name="admission_list"),
    path("admission/new/", admission_create, name="admission_create"),
    path("admission/apply/", admission_apply, name="admission_apply"),
    path("admission/<int:pk>/", admission_detail, name="admission_detail"),
    path("admission/<int:pk>/decision/", admission_decision, name="admission_decision"),
    path("admission/<int:pk>/<str:step>/", admission_step, name="admission_step"),
]
