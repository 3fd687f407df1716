"""The evaluation's section of the parcel card: the current class (the adopted policy's final run)
and every run's result the user may see; what-if runs stay on their own pages."""

from __future__ import annotations

from landcycle.core.permissions import restrict
from landcycle.ledger.models import Parcel
from landcycle.web.panels import Panel

from .. import display
from ..adoption import what_if_ids
from ..current import current_result_of
from ..engine.schema import REVIEW
from ..models import EvaluationResult
from ..naming import name_references
from ..review import in_force
from ..texts import write_texts


def parcel_evaluations(request, parcel: Parcel) -> dict:
    """``{"evaluations": [results, newest first], "current": result | None}`` for the card."""
    user = request.user
    every = list(
        restrict(EvaluationResult.objects.filter(parcel_id=parcel.pk), user)
        .select_related("run")
        .defer("run__policy_source")  # the policy's whole text: its hash names it
        .order_by("-run__year", "-run_id")
        .without_texts()  # written below for the results shown only
    )
    # The current result is one of these (same restriction): no query of its own.
    current = current_result_of(user, parcel, every)
    what_ifs = what_if_ids({r.run for r in every})
    evaluations = [r for r in every if r.run_id not in what_ifs]
    shown = list({id(r): r for r in [*evaluations, *([current] if current else [])]}.values())
    write_texts(shown)
    _for_reading(parcel, shown)
    return {"evaluations": evaluations, "current": current}


def _for_reading(parcel: Parcel, results: list) -> None:
    """Set what the card shows of each result: ``shown_class`` (待复核, or the class a review
    decision in force gives), ``rank_shown`` (第 N 名 / 共 M) and ``reasons_named`` (enterprises
    and persons by name). One query per run for the rank totals, one for the decisions."""
    if not results:
        return
    decided = in_force({r.run_id for r in results if r.klass == REVIEW})
    totals = {run_id: display.rank_totals(run_id) for run_id in {r.run_id for r in results}}
    named = name_references(r.reasons_zh for r in results)
    for result, reasons in zip(results, named, strict=True):
        label = display.class_label(result.klass)
        choice = decided.get((result.run_id, result.parcel_id))
        result.shown_class = f"{label} → {choice}（复核）" if choice else label
        result.current_class = choice or result.klass
        result.rank_shown = display.rank_text(
            result.rank_jurisdiction, totals[result.run_id].get(parcel.jurisdiction_id)
        )
        result.reasons_named = reasons


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
