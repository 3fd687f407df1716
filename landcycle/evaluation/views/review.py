"""Review decisions (复核结论) on the parcels the engine left to review (待复核): the run's review
queue, one parcel's page with the engine's reasons and figures and the decision form, the second
officer's confirmation, and the evidence download. Rules live in ``evaluation.review``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from landcycle.core.permissions import Action, scope_of
from landcycle.ledger.models import Parcel
from landcycle.web import probes
from landcycle.web.decorators import requires
from landcycle.web.panels import Panel

from .. import display, review
from ..forms.review import ConfirmForm, DecisionForm
from ..models import EvaluationResult, EvaluationRun, ReviewDecision, runs_prefetch
from ..naming import name_references
from ..services import REVIEW_CLASS

PAGE_SIZE = 50
STATUS_FILTERS = {
    "": "全部",
    "undecided": "未复核",
    ReviewDecision.Status.AWAITING: "待确认",
    ReviewDecision.Status.IN_FORCE: "已生效",
    ReviewDecision.Status.FLAGGED: "需重新复核",
}


def _decision_q(status: str | None = None):
    decisions = ReviewDecision.objects.filter(
        run_id=OuterRef("run_id"), parcel_id=OuterRef("parcel_id")
    )
    if status:
        decisions = decisions.filter(status=status)
    return Exists(decisions)


@requires(Action.VIEW)
@require_safe
def review_list(request, pk):
    """The run's REVIEW parcels the user may see, with the engine's reason and the decision."""
    run = get_object_or_404(EvaluationRun.objects.restrict(request.user), pk=pk)
    results = (
        EvaluationResult.objects.restrict(request.user)
        .filter(run=run, klass=REVIEW_CLASS)
        .select_related("holder", "parcel__jurisdiction")
        .order_by("parcel_code")
    )
    status = request.GET.get("status", "")
    if status == "undecided":
        results = results.exclude(_decision_q())
    elif status in STATUS_FILTERS and status:
        results = results.filter(_decision_q(status))
    query = request.GET.get("q", "").strip()
    if query:
        results = results.filter(Q(parcel_code__icontains=query) | Q(holder__name__icontains=query))
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    decisions = {
        d.parcel_id: d
        for d in ReviewDecision.objects.restrict(request.user).filter(
            run=run, parcel_id__in=[r.parcel_id for r in shown]
        )
    }
    reasons = name_references(r.reasons_zh for r in shown)
    counts = dict.fromkeys(ReviewDecision.Status.values, 0)
    for value in (
        ReviewDecision.objects.restrict(request.user)
        .filter(run=run)
        .values_list("status", flat=True)
    ):
        counts[value] += 1
    return render(
        request,
        "evaluation/review_list.html",
        {
            "run": run,
            "rows": [
                (r, reason, decisions.get(r.parcel_id))
                for r, reason in zip(shown, reasons, strict=True)
            ],
            "page": page,
            "status": status,
            "statuses": STATUS_FILTERS,
            "query": query,
            "counts": counts,
            "policy": review.run_policy(run),
        },
    )


def _result_in_scope(request, pk) -> EvaluationResult:
    result = get_object_or_404(
        EvaluationResult.objects.restrict(request.user).select_related(
            "run", "holder", "parcel__jurisdiction"
        ),
        pk=pk,
    )
    if not EvaluationRun.objects.restrict(request.user).filter(pk=result.run_id).exists():
        raise Http404
    return result


@requires(Action.VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def review_parcel(request, pk):
    """One REVIEW parcel of a run (``pk``: the result): the engine's reasons and figures beside
    the decision; evaluators record the decision here (POST)."""
    result = _result_in_scope(request, pk)
    if result.klass != REVIEW_CLASS:
        raise Http404
    run = result.run
    policy = review.run_policy(run)
    scope = scope_of(request.user)
    decision = (
        ReviewDecision.objects.restrict(request.user)
        .filter(run=run, parcel_id=result.parcel_id)
        .first()
    )
    classes = [
        (
            c.key,
            c.label_zh
            if c.label_zh.removesuffix("类").strip() == c.key
            else f"{c.key} · {c.label_zh}",
        )
        for c in policy.classes
    ]
    may_decide = scope.can(Action.EVALUATE) and run.status != run.Status.SUPERSEDED
    may_decide = may_decide and (decision is None or decision.status == decision.Status.FLAGGED)
    form = DecisionForm(classes=classes)
    if request.method == "POST":
        if not scope.can(Action.EVALUATE):
            raise PermissionDenied
        form = DecisionForm(request.POST, request.FILES, classes=classes)
        if form.is_valid():
            try:
                made = review.decide(
                    run,
                    result.parcel_id,
                    form.cleaned_data["decided_class"],
                    form.cleaned_data["reason"],
                    form.cleaned_data["evidence"],
                    request.user,
                )
            except review.ReviewError as exc:
                form.add_error(None, str(exc))
            else:
                if made.status == made.Status.AWAITING:
                    messages.success(
                        request,
                        f"已记录宗地 {made.parcel_code} 的复核结论（{made.decided_class} 类），"
                        "待另一名工作人员确认后生效",
                    )
                else:
                    messages.success(
                        request,
                        f"宗地 {made.parcel_code} 的复核结论已生效：{made.decided_class} 类",
                    )
                return redirect("evaluation:review_parcel", pk=result.pk)
    reasons, gap = name_references([result.reasons_zh, result.gap_zh])
    totals = display.rank_totals(run.pk)
    return render(
        request,
        "evaluation/review_parcel.html",
        {
            "run": run,
            "result": result,
            "policy": policy,
            "reasons": reasons,
            "gap": gap,
            "figures": display.figure_rows(result.indicators),
            "rank": display.rank_text(
                result.rank_jurisdiction, totals.get(result.parcel.jurisdiction_id)
            ),
            "decision": decision,
            "form": form if may_decide else None,
            "confirm_form": ConfirmForm()
            if decision is not None
            and decision.status == decision.Status.AWAITING
            and scope.can(Action.EVALUATE)
            and decision.decided_by_id != request.user.pk
            else None,
            "second_officer": policy.review.second_officer,
        },
    )


@requires(Action.EVALUATE)
@require_POST
def review_confirm(request, pk):
    """A second officer confirms a decision awaiting confirmation (a checkbox must be ticked)."""
    decision = get_object_or_404(
        ReviewDecision.objects.restrict(request.user, Action.EVALUATE), pk=pk
    )
    result = EvaluationResult.objects.filter(
        run_id=decision.run_id, parcel_id=decision.parcel_id
    ).first()
    target = (
        redirect("evaluation:review_parcel", pk=result.pk)
        if result
        else redirect("evaluation:review_list", pk=decision.run_id)
    )
    if not ConfirmForm(request.POST).is_valid():
        messages.error(request, "请勾选确认项后再确认复核结论")
        return target
    try:
        review.confirm(decision, request.user)
    except review.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"宗地 {decision.parcel_code} 的复核结论已确认生效：{decision.decided_class} 类",
        )
    return target


@requires(Action.VIEW)
@require_safe
def review_evidence(request, pk):
    """The decision's evidence, as a download (never served from a public folder)."""
    decision = get_object_or_404(ReviewDecision.objects.restrict(request.user), pk=pk)
    if not EvaluationRun.objects.restrict(request.user).filter(pk=decision.run_id).exists():
        raise Http404
    stored = review.evidence_file(decision)
    if stored is None:
        raise Http404
    response = FileResponse(
        open(stored, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=decision.evidence_name or stored.name,
        content_type=decision.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def decisions_panel(request, parcel) -> dict | None:
    """The parcel card's 复核结论 section: every decision on the parcel in runs the user may see,
    the decided class beside the engine's class and reason (None when there is none)."""
    if not probes.has(parcel, DECISIONS):  # most parcels: no query
        return None
    decisions = list(
        ReviewDecision.objects.restrict(request.user)
        .filter(parcel_id=parcel.pk, run__in=EvaluationRun.objects.restrict(request.user))
        .prefetch_related(runs_prefetch())  # usually none: no join to compile
        .order_by("-run__year", "-run_id")
    )
    if not decisions:
        return None
    results = {
        (r.run_id, r.parcel_id): r
        for r in EvaluationResult.objects.filter(
            run_id__in=[d.run_id for d in decisions], parcel_id=parcel.pk
        ).select_related("run")
    }
    reasons = name_references(
        (results.get((d.run_id, d.parcel_id)) or EvaluationResult()).reasons_zh for d in decisions
    )
    return {
        "rows": [
            (d, results.get((d.run_id, d.parcel_id)), reason)
            for d, reason in zip(decisions, reasons, strict=True)
        ]
    }


DECISIONS = "evaluation.reviewdecision"
PANELS = [
    (Parcel, Panel("review_decisions", "evaluation/panels/review.html", decisions_panel, 150))
]
PROBES = [(Parcel, DECISIONS, lambda pk: ReviewDecision.objects.filter(parcel_id=pk))]

urlpatterns = [
    path("runs/<int:pk>/review/", review_list, name="review_list"),
    path("review/results/<int:pk>/", review_parcel, name="review_parcel"),
    path("review/decisions/<int:pk>/confirm/", review_confirm, name="review_confirm"),
    path("review/decisions/<int:pk>/evidence/", review_evidence, name="review_evidence"),
]
