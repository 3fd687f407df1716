"""Row rules of evaluation runs, results and objections: only published runs (公示中, 已生效)
reach roles that do not evaluate; the public sees final runs' published lists."""

from __future__ import annotations

from django.db.models import Q

from landcycle.core.permissions import RowRule, register
from landcycle.ledger.permissions import on_parcels_in, on_parcels_of

from .models import EvaluationResult, EvaluationRun, Objection, ReviewDecision

PUBLISHED = ("notice", "final")


def register_rules() -> None:
    """Register the evaluation's row rules (called once by ``EvaluationConfig.ready``)."""
    from .disclosure import disclosure

    register(
        EvaluationRun,
        RowRule(
            # Runs are zone-wide summaries; the rows inside them are cut by the result rule.
            by_jurisdiction=lambda path: Q(),
            by_enterprise=lambda eid: Q(),
            published=Q(status__in=PUBLISHED),
            public=lambda: Q(status="final") | Q(status="notice", notice_public=True),
        ),
    )
    register(
        EvaluationResult,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=lambda eid: on_parcels_of(eid) | Q(holder_id=eid),
            published=Q(run__status__in=PUBLISHED),
            # the published lists (the A list): final runs, the classes the disclosure names
            # (a REVIEW parcel by the class decided for it: ``review.in_classes_q``); and during
            # a public notice (公示) the results of the run on notice, whose pages show only the
            # fields its policy marks public (``notice.public_fields``)
            public=lambda: (
                (Q(run__status="final") & _decided_in(disclosure()["a_list"]["classes"]))
                | Q(run__status="notice", run__notice_public=True)
            ),
        ),
    )
    register(
        ReviewDecision,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=on_parcels_of,
            published=Q(run__status__in=PUBLISHED),
        ),
    )
    register(
        Objection,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=lambda eid: Q(enterprise_id=eid),
            # objections are raised on notice; a superseded run was on notice (or final) too,
            # and its objections stay visible with their answers and the correction
            published=Q(run__status__in=(*PUBLISHED, "superseded")),
        ),
    )


def _decided_in(classes) -> Q:
    from .review import in_classes_q

    return in_classes_q(classes)
