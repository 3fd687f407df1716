"""The evaluation's section of the parcel card: the current class (the adopted policy's final run)
and every run's result the user may see; what-if runs stay on their own pages."""

from __future__ import annotations

from landcycle.core.permissions import restrict
from landcycle.ledger.models import Parcel
from landcycle.web.panels import Panel

from ..adoption import what_if_ids
from ..current import current_results
from ..models import EvaluationResult


def parcel_evaluations(request, parcel: Parcel) -> dict:
    """``{"evaluations": [results, newest first], "current": result | None}`` for the card."""
    user = request.user
    evaluations = list(
        restrict(EvaluationResult.objects.filter(parcel_id=parcel.pk), user)
        .select_related("run")
        .order_by("-run__year", "-run_id")
    )
    what_ifs = what_if_ids({r.run for r in evaluations})
    evaluations = [r for r in evaluations if r.run_id not in what_ifs]
    current = current_results(user).filter(parcel_id=parcel.pk).select_related("run").first()
    return {"evaluations": evaluations, "current": current}


PANELS = [
    (
        Parcel,
        Panel(
            "evaluations",
            "evaluation/panels/parcel_evaluations.html",
            parcel_evaluations,
            order=10,
        ),
    )
]
