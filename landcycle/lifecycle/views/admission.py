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
from landcycle.web.generic import Step, StepView
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import Column, Table

from ..filtersets.admission import AdmissionFilterSet
from ..forms import admission as forms
from ..models import AdmissionApplication as App
from ..services import LifecycleError, admission
from ._common import list_context

MENU = [
    MenuItem("入园申请", "lifecycle:admission_list", action=Action.VIEW, order=110, group="全生命周期"),
    MenuItem("申请入园", "lifecycle:admission_apply", action=Action.SUBMIT, order=111, group="全生命周期"),
]  # fmt: skip


def _on(form):
    return form.cleaned_data.get("on") or timezone.localdate()


def _decide(approve: bool):
    def run(app, form, user):
        data = form.cleaned_data
        note, document = data.get("note", ""), data["document"]
        admission.decide(
            app, approve=approve, on=_on(form), user=user, note=note, document=document
        )

    return run


# step → its title, the actions that may take it (in the order tried), form and service call
STEPS = {
    "assess": Step("初步评估", (Action.HANDLE,), forms.AssessForm,
        lambda app, form, user: admission.record_assessment(app, on=_on(form), user=user)),
    "material": Step("要求补正材料", (Action.HANDLE,), forms.MaterialForm,
        lambda app, form, user: admission.request_material(
            app, items=form.cleaned_data["items"], on=_on(form))),
    "reply": Step("提交补正材料", (Action.SUBMIT,), forms.ReplyForm,
        lambda app, form, user: admission.submit_material(
            app, reply=form.cleaned_data["reply"], on=_on(form))),
    "escalate": Step("报请区政府审批", (Action.HANDLE,), forms.EscalateForm,
        lambda app, form, user: admission.escalate(
            app, on=_on(form), note=form.cleaned_data.get("note", ""))),
    "approve": Step("批准入园", (Action.HANDLE,), forms.DecideForm, _decide(True)),
    "reject": Step("不予准入", (Action.HANDLE,), forms.DecideForm, _decide(False)),
    "withdraw": Step("撤回申请", (Action.HANDLE, Action.SUBMIT), forms.WithdrawForm,
        lambda app, form, user: admission.withdraw(app, on=_on(form))),
}  # fmt: skip

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
        if not any(scope.can(a) for a in STEPS[name].actions):
            continue
        if name == "reply" and app.enterprise_id != scope.enterprise_id and not scope.zone_wide:
            continue
        shown = form if name == failed else _form(name, app)
        forms_shown.append({"name": name, "title": STEPS[name].label, "form": shown})
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


def _form(name, app, data=None):
    form_class = STEPS[name].form
    return form_class(data, app=app) if issubclass(form_class, forms.StepForm) else form_class(data)


class AdmissionStep(StepView):
    """One step on an application (``STEPS``); a refusal is shown as ``error``."""

    model = App
    steps = STEPS
    template_name = "lifecycle/admission/step.html"
    context_object_name = "app"
    success_route = "lifecycle:admission_detail"
    refusal = LifecycleError
    error_on_form = False

    def get_form(self, data):
        return _form(self.step_name, self.object, data)

    def case_context(self, form, error):
        return _detail_context(self.request, self.object, self.step_name, form, error)


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
    path("admission/<int:pk>/<str:step>/", AdmissionStep.as_view(), name="admission_step"),
]
