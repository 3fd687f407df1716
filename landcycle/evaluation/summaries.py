"""Summaries of runs for pages: class distribution, class moves, two runs compared."""

from __future__ import annotations

from django.db.models import Count, F

from landcycle.core.permissions import restricted
from landcycle.web import cache

from .current import CLASS_COLOURS, NO_CLASS_COLOUR
from .models import EvaluationResult


def run_summary(results) -> dict:
    """``{"distribution", "moves", "review_count"}`` of one run's (restricted) results, summed
    once per data version (``web.cache.value``): a run's results never change, and the
    restriction is in the queryset's SQL, which keys the value. Three sums over 100k rows
    otherwise on every view of the run page."""
    from .display import REVIEW_CLASS

    def compute():
        distribution = class_distribution(results)
        return {
            "distribution": distribution,
            "moves": class_moves(results),
            "review_count": sum(r["count"] for r in distribution if r["klass"] == REVIEW_CLASS),
        }

    return cache.value("run_summary", results, cache.data_version(), compute)


def class_distribution(results) -> list[dict]:
    rows = results.values("klass").annotate(count=Count("pk")).order_by("klass")
    from .display import class_label

    return [
        {
            **row,
            "label": class_label(row["klass"]),  # REVIEW → 待复核 (chart legend)
            "colour": CLASS_COLOURS.get(row["klass"], NO_CLASS_COLOUR),
        }
        for row in rows
    ]


def class_moves(results) -> list[dict]:
    """How many parcels moved from each class last year to each class this year."""
    return list(
        results.exclude(previous_class="")
        .exclude(previous_class=F("klass"))
        .values("previous_class", "klass")
        .annotate(count=Count("pk"))
        .order_by("previous_class", "klass")
    )


def compare_runs(user, first, second) -> dict:
    """Cross-tabulation of two runs' classes over the parcels both classified (e.g. two
    policies on the same year's data), and the parcels whose class differs."""
    results = restricted(EvaluationResult, user)
    a = dict(results.filter(run=first).values_list("parcel_id", "klass"))
    b = dict(results.filter(run=second).values_list("parcel_id", "klass"))
    codes = dict(results.filter(run=first).values_list("parcel_id", "parcel_code"))
    common = sorted(set(a) & set(b), key=lambda pid: codes.get(pid, ""))
    classes = sorted({a[p] for p in common} | {b[p] for p in common})
    table = {ka: {kb: 0 for kb in classes} for ka in classes}
    changed = []
    for pid in common:
        table[a[pid]][b[pid]] += 1
        if a[pid] != b[pid]:
            changed.append({"parcel_id": pid, "code": codes.get(pid, ""), "a": a[pid], "b": b[pid]})
    return {
        "classes": classes,
        "rows": [(ka, [table[ka][kb] for kb in classes]) for ka in classes],
        "changed": changed[:500],
        "changed_count": len(changed),
        "common_count": len(common),
        "only_first": len(set(a) - set(b)),
        "only_second": len(set(b) - set(a)),
    }
