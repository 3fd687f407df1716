"""What the pages show, computed from restricted querysets (one query per table)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.text import Truncator

from landcycle.core.models import ChangeRecord
from landcycle.core.units import HECTARE, SQUARE_METRE, WAN_YUAN, YI_YUAN, convert
from landcycle.evaluation.models import EvaluationResult, EvaluationRun
from landcycle.ledger import models as ledger

from . import cache
from .permissions import restrict, restricted, scope_of

CLASS_COLOURS = {
    "A": "#1a9850",
    "B": "#91cf60",
    "C": "#fc8d59",
    "D": "#d73027",
    "REVIEW": "#7b3294",
}
NO_CLASS_COLOUR = "#888888"


def m2_to_ha(value: float | None) -> float | None:
    return None if value is None else convert(value, SQUARE_METRE, HECTARE)


def current(user, year: int | None = None) -> tuple[EvaluationRun | None, Q | None]:
    """(run shown, filter of the results): the current results the user may see.

    The current results are the final runs of the adopted policies
    (``evaluation.services.current_runs``); what-if runs never reach here. Before any is final,
    the newest run the user may see of the policy counted as adopted for its year (a run on
    notice), filter ``run = it``. The run shown is the first zone's. Read once per request.
    """

    def lookup():
        from landcycle.evaluation import services as evaluation
        from landcycle.evaluation.adoption import current_results_q, what_if_ids

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


def parcel_card(user, parcel: ledger.Parcel) -> dict:
    """Everything the parcel card (一宗一卡) shows, each part cut by the same restriction."""
    scope = scope_of(user)
    # Model.objects.filter rather than parcel.leases: a related manager is a class built per access.
    tenants = restrict(
        ledger.Lease.objects.filter(parcel_id=parcel.pk).select_related("tenant"), user
    ).order_by("start")
    buildings = restrict(ledger.Building.objects.filter(parcel_id=parcel.pk), user).order_by("name")
    reports = (
        restrict(ledger.IndicatorReport.objects.filter(parcel=parcel), user)
        | restrict(
            ledger.IndicatorReport.objects.filter(
                parcel__isnull=True, enterprise_id=parcel.holder_id
            ),
            user,
        )
    ).order_by("year")
    history = defaultdict(lambda: {"output": 0.0, "tax": 0.0})
    for report in reports:
        history[report.year]["output"] += report.output_10k_cny or 0.0
        history[report.year]["tax"] += report.tax_10k_cny or 0.0
    area_ha = m2_to_ha(parcel.registered_area_m2) or None
    chart = {
        "years": sorted(history),
        "output_per_ha": [
            round(history[y]["output"] / area_ha, 1) if area_ha else None for y in sorted(history)
        ],
        "tax_per_ha": [
            round(history[y]["tax"] / area_ha, 1) if area_ha else None for y in sorted(history)
        ],
    }
    from landcycle.evaluation.adoption import what_if_ids

    evaluations = list(
        restrict(EvaluationResult.objects.filter(parcel_id=parcel.pk), user)
        .select_related("run")
        .order_by("-run__year", "-run_id")
    )
    # What-if runs (another policy than the adopted one) stay on their own pages.
    what_ifs = what_if_ids({r.run for r in evaluations})
    evaluations = [r for r in evaluations if r.run_id not in what_ifs]
    now = current_results(user).filter(parcel_id=parcel.pk).select_related("run").first()
    changes = restrict(
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(ledger.Parcel), object_id=parcel.pk
        ),
        user,
    ).select_related("user")[:50]
    return {
        "parcel": parcel,
        "area_ha": area_ha,
        "tenants": list(tenants),
        "buildings": list(buildings),
        "reports": list(reports),
        "chart": chart,
        "evaluations": evaluations,
        "current": now,
        "commitments": list(
            restrict(ledger.Commitment.objects.filter(parcel_id=parcel.pk), user).order_by("year")
        ),
        "violations": list(
            restrict(ledger.Violation.objects.filter(parcel_id=parcel.pk), user).order_by(
                "-found_on"
            )
        ),
        "changes": [_with_diff(c) for c in changes],
        "geometry": _geometry(parcel.geometry_wkt),
        "sees_personal_data": scope.sees_personal_data,
    }


def enterprise_graph(user, enterprise: ledger.Enterprise) -> dict:
    """The enterprise, its responsible persons and related enterprises, and those persons'
    other enterprises (地—企—责任人—责任人关联企业), as ECharts graph nodes and links."""
    relations = restrict(ledger.Relation.objects.all(), user).select_related(
        "subject", "party_enterprise", "party_person"
    )
    direct = list(relations.filter(Q(subject=enterprise) | Q(party_enterprise=enterprise)))
    person_ids = {r.party_person_id for r in direct if r.party_person_id}
    second = list(relations.filter(party_person_id__in=person_ids).exclude(subject=enterprise))
    parcels = list(
        restrict(ledger.Parcel.objects.filter(holder_id=enterprise.pk), user).values("pk", "code")
    )
    sees = scope_of(user).sees_personal_data
    nodes: dict[str, dict] = {}
    links = []

    def add_enterprise(e, category):
        nodes.setdefault(f"e{e.pk}", {"id": f"e{e.pk}", "name": e.name, "category": category})

    def add_person(p):
        shown = p.id_number if sees else p.masked_id_number
        nodes.setdefault(f"p{p.pk}", {"id": f"p{p.pk}", "name": f"{p.name} {shown}", "category": 2})

    add_enterprise(enterprise, 0)
    for parcel in parcels:
        nodes[f"l{parcel['pk']}"] = {
            "id": f"l{parcel['pk']}",
            "name": parcel["code"],
            "category": 3,
        }
        links.append({"source": f"l{parcel['pk']}", "target": f"e{enterprise.pk}", "label": "产权"})
    for r in direct + second:
        add_enterprise(r.subject, 0 if r.subject_id == enterprise.pk else 1)
        if r.party_person_id:
            add_person(r.party_person)
            source = f"p{r.party_person_id}"
        else:
            add_enterprise(r.party_enterprise, 0 if r.party_enterprise_id == enterprise.pk else 1)
            source = f"e{r.party_enterprise_id}"
        links.append(
            {"source": source, "target": f"e{r.subject_id}", "label": r.get_kind_display()}
        )
    return {
        "nodes": list(nodes.values()),
        "links": links,
        "categories": [{"name": n} for n in ("本企业", "关联企业", "责任人", "宗地")],
    }


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


# ---- evaluation runs ----------------------------------------------------------------------


def class_distribution(results) -> list[dict]:
    rows = results.values("klass").annotate(count=Count("pk")).order_by("klass")
    return [{**row, "colour": CLASS_COLOURS.get(row["klass"], NO_CLASS_COLOUR)} for row in rows]


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


def _with_diff(record: ChangeRecord) -> ChangeRecord:
    """Attach ``diff``: field → (before, after) for the fields that changed, and ``diff_text``,
    the card's cell ("field: before → after; …", values cut to 40 characters) built here
    rather than by a template loop with two filters per field (an import's record lists
    every field)."""
    before, after = record.before or {}, record.after or {}
    record.diff = {
        key: (before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
    record.diff_text = "; ".join(
        f"{key}: {_short(old)} → {_short(new)}" for key, (old, new) in record.diff.items()
    )
    return record


def _short(value, length: int = 40) -> str:
    """``value|default_if_none:""|truncatechars:length`` as the template filters give it."""
    text = "" if value is None else str(value)
    return text if len(text) <= length else Truncator(text).chars(length)


def _geometry(wkt: str) -> dict | None:
    if not wkt:
        return None
    from .mapdata import simplified

    return simplified(wkt, 20)
