"""Public notice (公示) and objections (异议) online.

- ``notice_index`` / ``notice_run`` (no login): runs on notice of the adopted policy, the notice
  period, how to object, and the results with only the fields the policy marks public.
- ``my_results`` (enterprise users, SUBMIT): their own parcels' results on notice, with the
  reasons, and a form to object within the period (reason, evidence).
- ``objection_detail`` / ``objection_answer`` / ``objection_file``: an objection, the officer's
  answer (upheld / rejected, reply), its evidence.
- A parcel-card panel lists the parcel's objections.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, scope_of
from landcycle.ledger.models import Parcel
from landcycle.web import probes
from landcycle.web.decorators import requires
from landcycle.web.generic import Step, StepView
from landcycle.web.navigation import MenuItem
from landcycle.web.panels import Panel
from landcycle.web.tables import paged

from .. import notice, services
from ..forms.objections import AnswerForm, ObjectionForm
from ..models import EvaluationResult, EvaluationRun, Objection

RUN_DETAIL = "evaluation:run_detail"
PAGE_SIZE = 50

MENU = [
    MenuItem(
        "本企业评价结果", "evaluation:my_results", action=Action.SUBMIT, order=54, group="年度评价"
    ),
    MenuItem("评价公示", "evaluation:notice_index", action=Action.VIEW, order=56, group="年度评价"),
]


def _posted(request) -> tuple:
    """(data, files) of a POST, else (None, None): an empty POST is a bound, invalid form."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# ---------------------------------------------------------------- the public notice


@require_safe
def notice_index(request):
    """Every run on public notice (adopted policies only), with its period; no login."""
    runs = notice.public_notice_runs()
    return render(
        request,
        "evaluation/notice/index.html",
        {"runs": [(run, notice.days_left(run)) for run in runs]},
    )


@require_safe
def notice_run(request, pk):
    """One run on notice: period, how to object, results (public fields only), paged and
    searchable by parcel code or holder."""
    run = next((r for r in notice.public_notice_runs() if r.pk == pk), None)
    if run is None:
        raise Http404
    columns = notice.public_columns(run)
    fields = [key for key, _label in columns]
    search = request.GET.get("q", "").strip()
    # The public's rows whoever is signed in: the notice page is the same for everyone.
    if fields:
        found = notice.notice_results(run, notice.PUBLIC, search)
        page = paged(request, found, lambda ids: found.filter(pk__in=ids).order_by())
    else:  # the policy publishes nothing during the notice
        page = Paginator([], PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [notice.public_values(r, fields) for r in page.object_list]
    return render(
        request,
        "evaluation/notice/run.html",
        {
            "run": run,
            "columns": columns,
            "rows": rows,
            "page": page,
            "q": search,
            "days_left": notice.days_left(run),
        },
    )


# ---------------------------------------------------------------- the enterprise's side


@requires(Action.SUBMIT)
@require_safe
def my_results(request):
    """The signed-in enterprise's parcels in runs on notice, with reasons and objections."""
    results = list(notice.objectable_results(request.user))
    objections = {}
    for objection in notice.objections_of(request.user).filter(
        run__status=EvaluationRun.Status.NOTICE
    ):
        objections.setdefault((objection.run_id, objection.parcel_id), []).append(objection)
    rows = [(r, objections.get((r.run_id, r.parcel_id), [])) for r in results]
    return render(
        request,
        "evaluation/notice/my_results.html",
        {
            "rows": rows,
            "past": notice.objections_of(request.user).exclude(
                run__status=EvaluationRun.Status.NOTICE
            ),
        },
    )


@requires(Action.SUBMIT)
@require_http_methods(["GET", "POST"])
def objection_new(request, pk):
    """Object to one result (``pk``: the result) within the notice: reason and evidence."""
    result = get_object_or_404(
        notice.objectable_results(request.user).select_related("parcel"), pk=pk
    )
    form = ObjectionForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            objection = notice.file_objection(
                result.run,
                result.parcel,
                request.user,
                form.cleaned_data["text"],
                form.cleaned_data["attachment"],
            )
        except services.EvaluationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"异议 #{objection.pk} 已提交，答复后将在此显示")
            return redirect("evaluation:objection_detail", pk=objection.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "evaluation/notice/objection_new.html",
        {"result": result, "run": result.run, "form": form},
        status=status,
    )


# ---------------------------------------------------------------- objections


def _objection(request, pk, action=Action.VIEW) -> Objection:
    rows = Objection.objects.restrict(request.user, action).select_related(
        "run", "parcel", "enterprise", "correction"
    )
    return get_object_or_404(rows, pk=pk)


@requires(Action.VIEW)
@require_safe
def objection_detail(request, pk):
    objection = _objection(request, pk)
    result = (
        EvaluationResult.objects.restrict(request.user)
        .filter(run=objection.run, parcel=objection.parcel)
        .first()
    )
    can_answer = (
        scope_of(request.user).can(Action.PUBLISH)
        and not objection.answered
        and objection.run.status == EvaluationRun.Status.NOTICE
    )
    return render(
        request,
        "evaluation/notice/objection_detail.html",
        {
            "objection": objection,
            "result": result,
            "can_answer": can_answer,
            "can_correct": scope_of(request.user).can(Action.PUBLISH)
            and objection.upheld
            and objection.correction_id is None
            and objection.run.status == EvaluationRun.Status.NOTICE,
            "run_detail": RUN_DETAIL,
        },
    )


class ObjectionAnswer(StepView):
    """The officer's answer: upheld (the run is then corrected) or rejected, with a reply."""

    model = Objection
    steps = {
        "answer": Step("答复异议", (Action.PUBLISH,), AnswerForm,
            lambda objection, form, user: notice.answer(
                objection, user, form.cleaned_data["upheld"], form.cleaned_data["reply"])),
    }  # fmt: skip
    template_name = "evaluation/notice/objection_answer.html"
    context_object_name = "objection"
    success_route = "evaluation:objection_detail"
    refusal = services.EvaluationError
    invalid_status = 400
    select_related = ("run", "parcel", "enterprise", "correction")

    def success_message(self) -> str:
        objection = self.result
        return f"异议 #{objection.pk} 已答复：{'成立' if objection.upheld else '不成立'}"


@requires(Action.VIEW)
@require_safe
def objection_file(request, pk):
    """The objection's evidence, to those who may view the objection."""
    objection = _objection(request, pk)
    if not objection.attachment:
        raise Http404
    try:
        handle = objection.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=objection.attachment_name)


# ---------------------------------------------------------------- the parcel card


def _parcel_objections(request, parcel):
    if not probes.has(parcel, OBJECTIONS):  # most parcels: no query
        return None
    rows = list(notice.objections_of(request.user, parcel=parcel))
    return {"objections": rows} if rows else None


OBJECTIONS = "evaluation.objection"
PROBES = [(Parcel, OBJECTIONS, lambda pk: Objection.objects.filter(parcel_id=pk))]


PANELS = [
    (
        Parcel,
        Panel("objections", "evaluation/panels/objections.html", _parcel_objections, order=160),
    ),
]


urlpatterns = [
    path("notice/", notice_index, name="notice_index"),
    path("notice/<int:pk>/", notice_run, name="notice_run"),
    path("notice/mine/", my_results, name="my_results"),
    path("notice/results/<int:pk>/object/", objection_new, name="objection_new"),
    path("objections/<int:pk>/", objection_detail, name="objection_detail"),
    path(
        "objections/<int:pk>/answer/",
        ObjectionAnswer.as_view(),
        {"step": "answer"},
        name="objection_answer",
    ),
    path("objections/<int:pk>/file/", objection_file, name="objection_file"),
]
