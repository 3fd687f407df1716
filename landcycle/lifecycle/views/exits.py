"""Pages of the exit proceedings (退出机制, seeds/003 第八、九条): the case list, a case with its
timeline and notices, opening a case and one form per step. Every step goes through
``services.exits``; a refusal is shown on the form as the service words it."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Enterprise, Parcel
from landcycle.web.decorators import requires
from landcycle.web.generic import Step
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import filter_form_html, page_of

from ..filtersets.exits import ExitCaseFilterSet
from ..forms.exits import FORMS, OpenCaseForm
from ..models import ExitCase, ExitStep
from ..services import LifecycleError, exits
from ._common import CaseStepView, actor_name, may_take

PAGE_SIZE = 50
MENU = [
    MenuItem("退出案件", "lifecycle:exit_list", action=Action.VIEW, order=140, group="全生命周期")
]
REFUSED_ROLE = "此步骤须由园区管委会经办人员（评价专员或管理员）办理；街道干部可立案和记录约谈。"


@requires(Action.VIEW)
@require_safe
def exit_list(request):
    cases = restricted(ExitCase, request.user)
    filterset = ExitCaseFilterSet(request.GET, queryset=cases, user=request.user)
    rows = filterset.qs.select_related("enterprise", "parcel", "jurisdiction", "assigned_to")
    context = page_of(request, rows.order_by("-verified_on", "-id"), PAGE_SIZE)
    today = dt.date.today()
    items = [(case, exits.next_deadline(case, today)) for case in context["page"].object_list]
    return render(
        request,
        "lifecycle/exits/list.html",
        {
            **context,
            "items": items,
            "filter_html": filter_form_html(filterset.form),
            "can_open": may_take(request.user, exits, "open"),
        },
    )


@requires(Action.HANDLE)
@require_safe
def exit_candidates(request):
    """Exit triggers the ledger suggests (第八条) in the user's scope, each a link to open a case
    once verified."""
    today = dt.date.today()
    try:
        year = int(request.GET.get("year") or today.year - 1)
    except ValueError:
        year = today.year - 1
    found = exits.candidates(year)
    parcels = dict(
        restricted(Parcel, request.user, Action.HANDLE)
        .filter(pk__in={c.parcel_id for c in found if c.parcel_id})
        .values_list("pk", "code")
    )
    names = dict(
        Enterprise.objects.filter(pk__in={c.enterprise_id for c in found}).values_list("pk", "name")
    )
    rows = [
        {
            "enterprise": names.get(c.enterprise_id, ""),
            "parcel": parcels[c.parcel_id],
            "trigger": ExitCase.Trigger(c.trigger).label,
            "facts": c.facts,
            "open": reverse("lifecycle:exit_new")
            + "?"
            + urlencode(
                {"parcel_code": parcels[c.parcel_id], "trigger": c.trigger, "facts": c.facts}
            ),
        }
        for c in found
        if c.parcel_id in parcels  # outside the user's streets: not theirs to verify
    ]
    return render(
        request,
        "lifecycle/exits/candidates.html",
        {"rows": rows, "year": year, "years": range(today.year - 5, today.year + 1)},
    )


@requires(Action.HANDLE)
@require_http_methods(["GET", "POST"])
def exit_new(request):
    if not may_take(request.user, exits, "open"):
        return render(request, "lifecycle/exits/refused.html", {"reason": REFUSED_ROLE}, status=403)
    # a candidate's link fills the form; the officer verifies and confirms
    initial = {k: request.GET[k] for k in ("parcel_code", "trigger", "facts") if k in request.GET}
    form = OpenCaseForm(
        request.POST if request.method == "POST" else None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parcel = d["parcel_code"]
        try:
            case = exits.open_case(
                enterprise=d["enterprise_obj"],
                parcel=parcel,
                trigger=d["trigger"],
                facts=d["facts"],
                verified_on=d["verified_on"],
                actor=request.user,
                actor_name=actor_name(request.user),
                assigned_to=request.user,
                issue_notice=True,
            )
        except LifecycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已立案，约谈期限 {case.interview_due}；约谈通知书已生成。")
            return redirect("lifecycle:exit_detail", pk=case.pk)
    return render(request, "lifecycle/exits/new.html", {"form": form})


@requires(Action.VIEW)
@require_safe
def exit_detail(request, pk):
    case = get_object_or_404(
        restricted(ExitCase, request.user).select_related(
            "enterprise", "parcel", "jurisdiction", "assigned_to"
        ),
        pk=pk,
    )
    return render(
        request,
        "lifecycle/exits/detail.html",
        {
            "case": case,
            "timeline": exits.timeline(case),
            "next": exits.next_deadline(case, dt.date.today()),
            **ExitStepView.offered(request.user, case),
            "clawbacks": list(case.clawbacks.all()),
            "flags": (case.deadline_flags or {}).values(),
        },
    )


def _transition(action: str):
    def run(case, form, user):
        who = {"actor": user, "actor_name": actor_name(user)}
        exits.transition(case, action, **who, issue_notice=True, **form.service_kwargs())

    return run


STEPS = {
    action: Step(spec.label, (Action.HANDLE,), FORMS[action], _transition(action))
    for action, spec in exits.TRANSITIONS.items()
}


class ExitStepView(CaseStepView):
    """One step of the proceedings (``services.exits.TRANSITIONS``); a notice is issued."""

    model = ExitCase
    steps = STEPS
    service = exits
    template_name = "lifecycle/exits/step.html"
    success_route = "lifecycle:exit_detail"
    select_related = ("enterprise", "parcel")
    refused_role = REFUSED_ROLE

    def status_label(self) -> str:
        return self.object.get_state_display()

    def success_message(self) -> str:
        spec = exits.TRANSITIONS[self.step_name]
        done = super().success_message()
        return done + (f"{spec.document}已生成，可在办理记录中下载。" if spec.notice else "")

    def get_context_data(self, **context):
        return {**super().get_context_data(**context), "spec": exits.TRANSITIONS[self.step_name]}


@requires(Action.VIEW)
@require_safe
def exit_document(request, pk):
    """A step's stored document, to those who may view its case (404 otherwise)."""
    step = get_object_or_404(
        ExitStep.objects.filter(case__in=restricted(ExitCase, request.user)), pk=pk
    )
    if step.notice_id is not None:  # a notice on the case's file (一地一档)
        notice = step.notice
        if notice.withdrawn_at is not None:  # withdrawn (撤回): kept, no longer served
            raise Http404
        return FileResponse(
            notice.file.open("rb"),
            as_attachment=True,
            filename=notice.original_name,
            content_type=notice.content_type,
        )
    if not step.document_file:  # stored before notices were Documents
        raise Http404
    name = step.document_file.name.rsplit("/", 1)[-1]
    return FileResponse(step.document_file.open("rb"), as_attachment=True, filename=name)


def document_url(step: ExitStep) -> str:
    return reverse("lifecycle:exit_document", args=[step.pk])


urlpatterns = [
    path("exits/", exit_list, name="exit_list"),
    path("exits/new/", exit_new, name="exit_new"),
    path("exits/candidates/", exit_candidates, name="exit_candidates"),
    path("exits/<int:pk>/", exit_detail, name="exit_detail"),
    path("exits/documents/<int:pk>/", exit_document, name="exit_document"),
    path("exits/<int:pk>/<slug:step>/", ExitStepView.as_view(), name="exit_step"),
]
