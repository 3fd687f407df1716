"""The dashboard: parcels, area and output by class and by street, and the trend over the years
(combines the ledger and the current evaluation results)."""

from __future__ import annotations

from django.db.models import Count, F, Sum, Value
from django.db.models.functions import Coalesce

from landcycle.core.permissions import restricted
from landcycle.core.units import HECTARE, SQUARE_METRE, WAN_YUAN, YI_YUAN, convert, m2_to_ha
from landcycle.evaluation.current import (
    CLASS_COLOURS,
    NO_CLASS_COLOUR,
    current_results,
    current_run,
)
from landcycle.ledger import models as ledger


def dashboard(user) -> dict:
    """Parcels, area and output by class and by street, and the trend over the years."""
    parcels = restricted(ledger.Parcel, user)
    by_street = list(
        parcels.values("jurisdiction__name")
        .annotate(count=Count("pk"), area=Sum("registered_area_m2"))
        .order_by("jurisdiction__name")
    )
    for row in by_street:
        row["area_ha"] = round(m2_to_ha(row["area"] or 0.0), 2)
    run = current_run(user)
    by_class = []
    if run is not None:
        results = current_results(user)
        # Output attributed to each parcel by the run (万元), a column of the results; a policy
        # that gives only the per-hectare figure (zhejiang-mujun) gives it × the parcel's area.
        ha_per_m2 = convert(1.0, SQUARE_METRE, HECTARE)
        per_ha = F("output_10k_cny_per_ha") * F("area_m2") * Value(ha_per_m2)
        output = Sum(Coalesce("output_10k_cny", per_ha))
        by_class = list(
            results.values("klass")
            .annotate(count=Count("pk"), area=Sum("parcel__registered_area_m2"), output=output)
            .order_by("klass")
        )
        for row in by_class:
            row["area_ha"] = round(m2_to_ha(row["area"] or 0.0), 2)
            row["output_100m_cny"] = round(convert(row["output"] or 0.0, WAN_YUAN, YI_YUAN), 2)
            row["colour"] = CLASS_COLOURS.get(row["klass"], NO_CLASS_COLOUR)
        street_output = dict(
            results.values("parcel__jurisdiction__name")
            .annotate(output=output)
            .values_list("parcel__jurisdiction__name", "output")
        )
        for row in by_street:
            value = street_output.get(row["jurisdiction__name"]) or 0.0
            row["output_100m_cny"] = round(convert(value, WAN_YUAN, YI_YUAN), 2)
    trend = list(
        restricted(ledger.IndicatorReport, user)
        .values("year")
        .annotate(output=Sum("output_10k_cny"), tax=Sum("tax_10k_cny"))
        .order_by("year")
    )
    totals = parcels.aggregate(count=Count("pk"), area=Sum("registered_area_m2"))
    return {
        "run": run,
        "total_count": totals["count"] or 0,
        "total_area_ha": round(m2_to_ha(totals["area"] or 0.0), 2),
        "by_street": by_street,
        "by_class": by_class,
        "trend": {
            "years": [r["year"] for r in trend],
            # 万元 in the ledger, 亿元 on the chart
            "output": [round(convert(r["output"] or 0.0, WAN_YUAN, YI_YUAN), 2) for r in trend],
            "tax": [round(convert(r["tax"] or 0.0, WAN_YUAN, YI_YUAN), 2) for r in trend],
        },
    }
