"""Evaluation run pages: distribution, moves since last year, lists, comparison, exports, and\nthe adoption of a zone's policy (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from landcycle.core.permissions import Action, Role, restricted, scope_of
from landcycle.web.cache import per_request
from landcycle.web.decorators import requires
from landcycle.web.formatting import number, rounded
from landcycle.web.navigation import MenuItem
from landcycle.web.tables import Column, Table, export_response, link_pattern, page_of

from .. import display, summaries
from ..models import EvaluationResult, EvaluationRun, ReviewDecision

MENU = [MenuItem("Evaluations", "evaluation:run_list", order=50)]


def _rank(r) -> str:
    """第 N 名 / 共 M: M from the run's ranked results in the parcel's street (once a request)."""
    totals = per_request(("rank_totals", r.run_id), lambda: display.rank_totals(r.run_id))
    return display.rank_text(r.rank_jurisdiction, totals.get(r.jurisdiction_id))


def _class(r) -> str:
    """The class as shown: 待复核 for REVIEW, with the decided class when a decision is in force."""
    shown = display.class_label(r.klass)
    decided = getattr(r, "decided_class", None)
    return f"{shown} → {decided}（复核）" if decided else shown


RESULTS = Table(
    name="results",
    columns=(
        Column("parcel_code", _("Parcel code"), lambda r: r.parcel_code, "parcel_code", link=True),
        Column("holder", _("Right holder"), lambda r: r.holder.name if r.holder else "", None),
        Column("klass", _("Class"), _class, "klass"),
        Column(
            "previous",
            _("Last year"),
            lambda r: display.class_label(r.previous_class),
            "previous_class",
        ),
        Column("score", _("Score"), lambda r: rounded(r.score), "score"),
        Column(
            "output_per_ha",
            display.figure_label("output_10k_cny_per_ha"),
            lambda r: rounded(r.output_10k_cny_per_ha),
            "output_10k_cny_per_ha",
        ),
        Column(
            "tax_per_ha",
            display.figure_label("tax_10k_cny_per_ha"),
            lambda r: rounded(r.tax_10k_cny_per_ha),
            "tax_10k_cny_per_ha",
        ),
        Column("rank", _("Rank in street"), _rank, "rank_jurisdiction"),
        Column("reasons", _("Reasons"), lambda r: r.reasons_zh, None),
        Column("gap", _("Gap to next class"), lambda r: r.gap_zh, None),
    ),
    select_related=("holder",),
    default_order="parcel_code",
)


def _run_and_results(request, pk):
    run = get_object_or_404(restricted(EvaluationRun, request.user), pk=pk)
    decided = ReviewDecision.objects.filter(
        run_id=OuterRef("run_id"),
        parcel_id=OuterRef("parcel_id"),
        status=ReviewDecision.Status.IN_FORCE,
    ).values("decided_class")[:1]
    results = (
        restricted(EvaluationResult, request.user)
        .filter(run=run)
        .annotate(jurisdiction_id=F("parcel__jurisdiction_id"), decided_class=Subquery(decided))
    )
    klass = request.GET.get("class")
    if klass:
        results = results.filter(klass=klass)
    return run, results


@requires(Action.VIEW)
@require_safe
def run_list(request):
    from .. import adoption
    from .. import services as evaluation

    runs = list(restricted(EvaluationRun, request.user).order_by("-year", "-id"))
    is_admin = _is_administrator(request.user)
    return render(
        request,
        "evaluation/run_list.html",
        {
            "runs": runs,
            "what_ifs": adoption.what_if_ids(runs),
            "adoptions": adoption.adoptions(),
            "zones": adoption.zones(),
            "policies": evaluation.available_policies() if is_admin else [],
            "can_adopt": is_admin,
        },
    )


def _is_administrator(user) -> bool:
    return scope_of(user).role == Role.ADMINISTRATOR


@requires(Action.VIEW)
@require_POST
def run_adopt(request):
    """Adopt a zone's policy for a year (administrators only): a confirmation page first, then
    ``adoption.adopt``; a refusal is shown with its (Chinese) reason."""
    from .. import adoption
    from .. import services as evaluation

    if not _is_administrator(request.user):
        raise PermissionDenied
    data = request.POST
    try:
        year = int(data.get("year", ""))
        zone = adoption.find_zone(data.get("zone") or None)
    except ValueError:
        messages.error(request, f"评价年度「{data.get('year', '')}」不是年份")
        return redirect("evaluation:run_list")
    except evaluation.EvaluationError as exc:
        messages.error(request, str(exc))
        return redirect("evaluation:run_list")
    policy, reason = data.get("policy", ""), data.get("reason", "")
    if data.get("confirm") != "yes":
        now = adoption.PolicyBook(year).adopted(zone.pk, year)
        return render(
            request,
            "evaluation/run_adopt_confirm.html",
            {"zone": zone, "year": year, "policy": policy, "reason": reason, "now": now},
        )
    try:
        adoption.adopt(year, policy, reason, zone=zone, user_id=request.user.pk)
    except evaluation.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{zone.name} {year} 年度已采用「{policy}」")
    return redirect("evaluation:run_list")


@requires(Action.VIEW)
@require_safe
def run_detail(request, pk):
    from landcycle.evaluation.adoption import is_what_if
    from landcycle.evaluation.views.runs_workflow import run_context

    run, results = _run_and_results(request, pk)
    all_results = restricted(EvaluationResult, request.user).filter(run=run)
    ordering = RESULTS.ordering(request.GET.get("sort"))
    # Ordered without the annotations (their join to the parcels): no sort key needs them.
    klass = request.GET.get("class")
    listed = all_results.filter(klass=klass) if klass else all_results
    paging = page_of(  # the pager keeps the class and the sort (it lost the sort)
        request,
        listed.order_by(ordering, "pk"),
        load=lambda ids: results.filter(pk__in=ids).select_related("holder").order_by(),
    )
    page = paging["page"]
    runs = restricted(EvaluationRun, request.user).exclude(pk=run.pk).order_by("-year", "-id")
    summary = summaries.run_summary(all_results)
    parcel_link = link_pattern("ledger:parcel_detail")
    return render(
        request,
        "evaluation/run_detail.html",
        {
            "run": run,
            "distribution": summary["distribution"],
            "moves": summary["moves"],
            **paging,
            "table": RESULTS,
            "body": RESULTS.body_html(
                page.object_list,
                [parcel_link.format(r.parcel_id) for r in page.object_list],
                cell=number,
            ),
            "klass": request.GET.get("class", ""),
            "other_runs": runs[:20],
            "can_publish": scope_of(request.user).can(Action.PUBLISH),
            "what_if": is_what_if(run),
            "about": _about(run),
            "review_count": summary["review_count"],
            **run_context(request, run),
        },
    )


def _about(run) -> dict:
    """What the run was made with, explained: the policy (title, version, file hash) and the
    fingerprint of the ledger data it read."""
    from ..review import run_policy

    policy = run_policy(run)
    return {
        "policy_title": getattr(policy, "title_zh", "") or run.policy_name,
        "policy_effective": getattr(policy, "effective", None),
        "hash_short": run.policy_hash[:12],
        "fingerprint_short": run.inputs_fingerprint[:12],
    }


@requires(Action.EXPORT)
@require_safe
def run_export(request, pk, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    run, results = _run_and_results(request, pk)
    return export_response(RESULTS, results.order_by("parcel_code"), fmt)


@requires(Action.VIEW)
@require_safe
def run_compare(request, pk, other):
    runs = restricted(EvaluationRun, request.user)
    first = get_object_or_404(runs, pk=pk)
    second = get_object_or_404(runs, pk=other)
    comparison = summaries.compare_runs(request.user, first, second)
    return render(
        request,
        "evaluation/run_compare.html",
        {"first": first, "second": second, "comparison": comparison},
    )


@requires(Action.PUBLISH)
@require_POST
def run_transition(request, pk, step):
    """Put a draft on public notice (公示), or make a run under notice final (生效)."""
    from .. import services as evaluation

    run = get_object_or_404(restricted(EvaluationRun, request.user, Action.PUBLISH), pk=pk)
    steps = {"publish": evaluation.publish, "finalize": evaluation.finalize}
    if step not in steps:
        raise Http404
    try:
        steps[step](run)
    except evaluation.EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, gettext("Done: %(run)s") % {"run": EvaluationRun.objects.get(pk=pk)}
        )
    return redirect("evaluation:run_detail", pk=pk)


urlpatterns = [
    path("runs/", run_list, name="run_list"),
    path("runs/adopt/", run_adopt, name="run_adopt"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/export.<str:fmt>", run_export, name="run_export"),
    path("runs/<int:pk>/compare/<int:other>/", run_compare, name="run_compare"),
    path("runs/<int:pk>/<str:step>/", run_transition, name="run_transition"),
]
