"""The parcel card (一宗一卡) and the enterprise card's relation graph: the ledger's own facts,
each part cut by the same restriction. Other apps add their sections as panels
(``landcycle.web.panels``)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from landcycle.core.models import ChangeRecord
from landcycle.core.permissions import restrict, scope_of
from landcycle.core.units import m2_to_ha
from landcycle.web import probes
from landcycle.web.history import with_diff
from landcycle.web.maps import simplified

from . import models as ledger

# Parts of the card most parcels have no rows in: asked together first (``web.probes``).
PROBES = [
    (ledger.Parcel, "ledger.lease", lambda pk: ledger.Lease.objects.filter(parcel_id=pk)),
    (ledger.Parcel, "ledger.commitment", lambda pk: ledger.Commitment.objects.filter(parcel_id=pk)),
    (ledger.Parcel, "ledger.violation", lambda pk: ledger.Violation.objects.filter(parcel_id=pk)),
]


def _where_found(parcel: ledger.Parcel, tag: str, rows) -> list:
    """``rows`` (restricted) as a list, or [] without a query where the probe found none."""
    return list(rows) if probes.has(parcel, tag) else []


def parcel_card(user, parcel: ledger.Parcel) -> dict:
    """Everything the parcel card (一宗一卡) shows, each part cut by the same restriction; the
    usually empty parts (leases, commitments, violations) read only where ``web.probes`` found
    rows."""
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
    changes = restrict(
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(ledger.Parcel), object_id=parcel.pk
        ),
        user,
    ).select_related("user")[:50]
    return {
        "parcel": parcel,
        "area_ha": area_ha,
        "tenants": _where_found(parcel, "ledger.lease", tenants),
        "buildings": list(buildings),
        "reports": list(reports),
        "chart": chart,
        "commitments": _where_found(
            parcel,
            "ledger.commitment",
            restrict(ledger.Commitment.objects.filter(parcel_id=parcel.pk), user).order_by("year"),
        ),
        "violations": _where_found(
            parcel,
            "ledger.violation",
            restrict(ledger.Violation.objects.filter(parcel_id=parcel.pk), user).order_by(
                "-found_on"
            ),
        ),
        "changes": [with_diff(c) for c in changes],
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


def _geometry(wkt: str) -> dict | None:
    if not wkt:
        return None
    return simplified(wkt, 20)
