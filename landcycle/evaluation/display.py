"""Results as an officer reads them: classes (REVIEW → 待复核), figure names with Chinese units,
ranks "第 70 名 / 共 186", numbers without float noise (``web.formatting``)."""

from __future__ import annotations

from django.db.models import Count

from landcycle.web.cache import remember
from landcycle.web.formatting import ha_mu, number

from .engine.schema import REVIEW as REVIEW_CLASS
from .engine.vocabulary import METRICS
from .models import RESULT_FIGURES, EvaluationResult

REVIEW_LABEL = "待复核"
# Figures whose name the vocabulary does not give (stored by older runs or derived on read).
_EXTRA_LABELS = {"score": ("得分", "分")}


def class_label(klass: str | None) -> str:
    """A class as shown: ``REVIEW`` → 待复核, others unchanged ("" for none)."""
    if not klass:
        return ""
    return REVIEW_LABEL if klass == REVIEW_CLASS else str(klass)


def figure_label(name: str) -> str:
    """``output_10k_cny_per_ha`` → ``地均产值（万元/公顷）``; an unknown name is returned as is."""
    if name == "area_m2":
        return "用地面积"
    metric = METRICS.get(name)
    if metric is not None:
        return f"{metric.label_zh}（{metric.unit.label}）"
    if name in _EXTRA_LABELS:
        label, unit = _EXTRA_LABELS[name]
        return f"{label}（{unit}）"
    return name


def figure_rows(indicators: dict) -> list[tuple[str, str]]:
    """A result's figures as (Chinese label with unit, value without noise): the common figures
    first in their order, then the policy's others that the vocabulary names (internal keys such
    as score parts are left out). Area in 公顷 and 亩."""
    rows = []
    seen = set()
    for name in (*RESULT_FIGURES, *sorted(indicators)):
        if name in seen or name not in indicators:
            continue
        seen.add(name)
        value = indicators[name]
        if value is None or isinstance(value, bool | dict | list):
            continue
        if name == "area_m2":
            rows.append(("用地面积", ha_mu(value)))
        elif name in METRICS:
            rows.append((figure_label(name), number(value)))
    return rows


def rank_text(rank: int | None, total: int | None) -> str:
    """``第 70 名 / 共 186`` ("" without a rank; the total left out when unknown)."""
    if rank is None:
        return ""
    return f"第 {rank} 名 / 共 {total}" if total else f"第 {rank} 名"


def rank_totals(run_id: int) -> dict[int, int]:
    """jurisdiction id → number of ranked results of the run in it (the 共 N of the street rank).
    One query per run and ledger data version (``web.cache.remember``): a run's results never
    change, only a parcel moved to another street changes the counts, and that is a ledger
    change; a 100k-parcel run's count costs ~0.1 s, which every card view would pay otherwise."""
    return remember(("evaluation.rank_totals", run_id), lambda: _rank_totals(run_id))


def _rank_totals(run_id: int) -> dict[int, int]:
    rows = (
        EvaluationResult.objects.filter(run_id=run_id, rank_jurisdiction__isnull=False)
        .values("parcel__jurisdiction_id")
        .annotate(n=Count("id"))
    )
    return {r["parcel__jurisdiction_id"]: r["n"] for r in rows}
