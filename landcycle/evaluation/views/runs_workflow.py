"""A run's life from the browser: start a run (in the background, with progress), publish it
for public notice (公示), correct it, make it final (生效). Each step is a form with a
confirmation; a refusal is shown on the form with the service's reason (Chinese first).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action
from landcycle.web.decorators import requires
from landcycle.web.generic import Step, StepView
from landcycle.web.navigation import MenuItem

from .. import background, notice, services
from ..adoption import is_what_if
from ..forms.runs import CorrectForm, FinalizeForm, PublishForm, StartRunForm
from ..models import EvaluationRun

Status = EvaluationRun.Status
RUN_DETAIL = "evaluation:run_detail"

MENU = [
    MenuItem(
        "开始评价", "evaluation:run_start", action=Action.EVALUATE, order=52, group="年度评价"
    ),
]


def _run(request, pk, action=Action.PUBLISH) -> EvaluationRun:
    return get_object_or_404(EvaluationRun.objects.restrict(request.user, action), pk=pk)


def _posted(request) -> tuple:
    """(data, files) of a POST, else (None, None): an empty POST is a bound, invalid form."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# ---------------------------------------------------------------- start


@requires(Action.EVALUATE)
@require_http_methods(["GET", "POST"])
def run_start(request):
    """Year and policy → a confirmation saying what the public sees → a background job."""
    form = StartRunForm(*_posted(request)[:1])
    if request.method != "POST" or not form.is_valid():
        return render(request, "evaluation/runs/start.html", {"form": form}, status=_status(form))
    year, policy = form.cleaned_data["year"], form.cleaned_data["policy"]
    if not form.cleaned_data["confirm"]:
        view = notice.public_view(year, policy)
        return render(
            request,
            "evaluation/runs/start_confirm.html",
            {"form": form, "view": view, "year": year, "policy": policy},
        )
    job = background.start_job(
        request.user.pk,
        {"action": "start", "year": year, "policy": policy, "note": form.cleaned_data["note"]},
    )
    return redirect("evaluation:run_job", job_id=job.pk)


@requires(Action.EVALUATE)
@require_safe
def run_job(request, job_id):
    """A run being made: its step and share done (htmx refreshes the card every second)."""
    job = background.find_job(job_id, request.user.pk)
    if job is None:
        raise Http404
    run = None
    if job.result.get("run_id"):
        run = EvaluationRun.objects.restrict(request.user).filter(pk=job.result["run_id"]).first()
    template = (
        "evaluation/runs/_job.html"
        if request.headers.get("HX-Request")
        else "evaluation/runs/job.html"
    )
    return render(request, template, {"job": job, "run": run, "run_detail": RUN_DETAIL})


# ---------------------------------------------------------------- publish, finalize, correct


class RunStepView(StepView):
    """A step of a run on its own page (publish, finalize), confirmed on the form; a refusal
    is shown on the form, a form with errors answers 400."""

    model = EvaluationRun
    context_object_name = "run"
    success_route = RUN_DETAIL
    refusal = services.EvaluationError
    invalid_status = 400

    def case_context(self, form, error):
        return {"what_if": is_what_if(self.object), "run_detail": RUN_DETAIL}


class RunPublish(RunStepView):
    """Put a draft on public notice: the page shows the period it will have and what the
    public will see; POST with the box ticked publishes."""

    steps = {
        "publish": Step("公示", (Action.PUBLISH,), PublishForm,
            lambda run, form, user: services.publish(run, form.cleaned_data["start"] or None)),
    }  # fmt: skip
    template_name = "evaluation/runs/publish.html"

    def success_message(self) -> str:
        run = self.result
        return f"评价批次 #{run.pk} 已公示：{run.notice_start} 至 {run.notice_end}"

    def case_context(self, form, error):
        run, start = self.object, timezone.localdate()
        try:
            end = services.notice_end(start, run.notice_days or 0, run.notice_unit)
        except services.EvaluationError as exc:
            end, period_error = None, str(exc)
        else:
            period_error = ""
        return {
            **super().case_context(form, error),
            "start": start,
            "end": end,
            "period_error": period_error,
            "columns": notice.public_columns(run),
        }


class RunFinalize(RunStepView):
    """Make a run on notice final; before its notice ends only with 提前生效 ticked (recorded)."""

    steps = {
        "finalize": Step("生效", (Action.PUBLISH,), FinalizeForm,
            lambda run, form, user: services.finalize(run, force=form.cleaned_data["force"])),
    }  # fmt: skip
    template_name = "evaluation/runs/finalize.html"

    def success_message(self) -> str:
        return f"评价批次 #{self.result.pk} 已生效"

    def case_context(self, form, error):
        run = self.object
        objections = list(notice.objections_of(self.request.user, run=run))
        return {
            **super().case_context(form, error),
            "final_from": services.final_from(run) if run.notice_start else None,
            "open": [o for o in objections if o.upheld is None],
            "upheld": [o for o in objections if o.upheld and o.correction_id is None],
        }


@requires(Action.PUBLISH)
@require_http_methods(["GET", "POST"])
def run_correct(request, pk):
    """Make a corrected run (in the background) of a run on notice with upheld objections, or
    of a final run with a note saying why."""
    run = _run(request, pk)
    form = CorrectForm(*_posted(request)[:1])
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        try:
            services.correction_objections(run, note)  # refused here, not in the job
        except services.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            job = background.start_job(
                request.user.pk, {"action": "correct", "run_id": run.pk, "note": note}
            )
            return redirect("evaluation:run_job", job_id=job.pk)
    upheld = [
        o
        for o in notice.objections_of(request.user, run=run)
        if o.upheld and o.correction_id is None
    ]
    context = {"run": run, "form": form, "upheld": upheld, "run_detail": RUN_DETAIL}
    return render(request, "evaluation/runs/correct.html", context, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


urlpatterns = [
    path("runs/start/", run_start, name="run_start"),
    path("runs/jobs/<str:job_id>/", run_job, name="run_job"),
    path("runs/<int:pk>/notice/", RunPublish.as_view(), {"step": "publish"}, name="run_publish"),
    path("runs/<int:pk>/final/", RunFinalize.as_view(), {"step": "finalize"}, name="run_finalize"),
    path("runs/<int:pk>/correction/", run_correct, name="run_correct"),
]


def run_context(request, run: EvaluationRun) -> dict:
    """What the run page's steps-and-objections card needs (``evaluation/runs/_workflow.html``)."""
    from landcycle.core.permissions import scope_of

    return {
        "workflow": {
            "can_publish": scope_of(request.user).can(Action.PUBLISH),
            "objections": list(notice.objections_of(request.user, run=run)),
            # objections of the corrected run that this correction settles
            "settled": list(notice.objections_of(request.user).filter(correction=run)),
        },
        "run_detail": RUN_DETAIL,
    }
