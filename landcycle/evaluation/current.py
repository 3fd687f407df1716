"""The current results a user may see: the final runs of each zone's adopted policy (or, before
any is final, the newest run on notice of it). What-if runs never reach here. Used by every page
that shows classes (card, map, dashboard, lists)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from landcycle.core.permissions import restricted, scope_of
from landcycle.web import cache

from .models import EvaluationResult, EvaluationRun

CLASS_COLOURS = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#fc8d59",
    "D": "#d73027",
    "REVIEW": "#7b3294",
}
NO_CLASS_COLOUR = "#888888"


def current(user, year: int | None = None) -> tuple[EvaluationRun | None, Q | None]:
    """(run shown, filter of the results): the current results the user may see.

    The current results are the final runs of the adopted policies
    (``evaluation.services.current_runs``); what-if runs never reach here. Before any is final,
    the newest run the user may see of the policy counted as adopted for its year (a run on
    notice), filter ``run = it``. The run shown is the first zone's. Read once per request.
    """

    def lookup():
        from . import services as evaluation
        from .adoption import current_results_q, what_if_ids

        # Final runs reach every role and the public (``permissions``): no visibility query.
        found = evaluation.current_runs(year)
        if found:
            return found[0].run, current_results_q(found)
        runs = restricted(EvaluationRun, user).exclude(status="superseded")
        if year is not None:
            runs = runs.filter(year=year)
        candidates = list(runs.order_by("-year", "-id")[:20])
        skipped = what_if_ids(candidates)
        run = next((r for r in candidates if r.pk not in skipped), None)
        return run, (Q(run_id=run.pk) if run else None)

    return cache.per_request(("current", getattr(user, "pk", None), scope_of(user), year), lookup)


def current_run(user, year: int | None = None):
    """The run whose classes the pages show (see ``current``)."""
    return current(user, year)[0]


def current_results(user, year: int | None = None) -> QuerySet:
    """The current results (``current``) the user may see; empty without a current run."""
    q = current(user, year)[1]
    results = restricted(EvaluationResult, user)
    return results.filter(q) if q is not None else results.none()


def classes_of(user, parcel_ids=None, run=None) -> dict[int, str]:
    """parcel id → class in the current results (or in ``run``), parcels the user may see."""
    if run is not None:
        results = restricted(EvaluationResult, user).filter(run=run)
    else:
        results = current_results(user)
    if parcel_ids is not None:  # ids or a queryset of pks (kept as a subquery)
        if not isinstance(parcel_ids, QuerySet):
            parcel_ids = list(parcel_ids)
        results = results.filter(parcel_id__in=parcel_ids)
    return dict(results.values_list("parcel_id", "klass"))
