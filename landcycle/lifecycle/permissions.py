"""Row rules of lifecycle cases and lists: a street reaches those in its subtree, an enterprise
its own cases and agreements; the public the published available-land lists and their parcels."""

from __future__ import annotations

from django.db.models import Q

from landcycle.core.permissions import RowRule, publish, register
from landcycle.ledger.models import Parcel
from landcycle.ledger.permissions import (
    in_jurisdictions,
    jurisdictions_in,
    on_parcels_in,
    parcels_in,
)

from . import models as lifecycle


def _in_street(path: str) -> Q:
    return in_jurisdictions(path) | Q(parcel_id__in=parcels_in(path))


def _on_published_available_list() -> Q:
    return Q(
        pk__in=lifecycle.AvailableLandEntry.objects.filter(land_list__status="published").values(
            "parcel_id"
        )
    )


def register_rules() -> None:
    """Register the lifecycle's row rules (called once by ``LifecycleConfig.ready``)."""
    for model in (lifecycle.AdmissionApplication, lifecycle.ExitCase):
        register(
            model,
            RowRule(by_jurisdiction=_in_street, by_enterprise=lambda eid: Q(enterprise_id=eid)),
        )
    register(
        lifecycle.SupervisionAgreement,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=lambda eid: Q(enterprise_id=eid),
        ),
    )
    register(
        lifecycle.StockLandCase,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=lambda eid: Q(parcel__holder_id=eid),
        ),
    )
    register(
        lifecycle.AvailableLandList,
        RowRule(
            by_jurisdiction=in_jurisdictions,
            by_enterprise=lambda eid: Q(status="published"),
            public=lambda: Q(status="published"),
        ),
    )
    register(
        lifecycle.AvailableLandEntry,
        RowRule(
            by_jurisdiction=on_parcels_in,
            by_enterprise=lambda eid: Q(land_list__status="published"),
            public=lambda: Q(land_list__status="published"),
        ),
    )
    # The public sees the parcels of a published available-land list (the portal map).
    publish(Parcel, _on_published_available_list)
    register_renewal_and_project_rules()
    register_document_rules()  # l4: documents (below)


# ---- renewal and the project library (issue 13, helper l3) ----------------------------------

_NOTHING = Q(pk__in=[])


def _renewal_projects_of(enterprise_id: int) -> Q:
    through = lifecycle.RenewalProject.parcels.through
    return Q(
        pk__in=through.objects.filter(parcel__holder_id=enterprise_id).values("renewalproject_id")
    )


def _task_tables_in(path: str) -> Q:
    """A table of the district, or one naming a street of the subtree among its targets."""
    streets = jurisdictions_in(path)
    return Q(district_id__in=streets) | Q(
        pk__in=lifecycle.StreetTarget.objects.filter(street_id__in=streets).values("table_id")
    )


def register_renewal_and_project_rules() -> None:
    """A street reaches the renewal projects, measures and task tables of its streets, the
    projects of the library its subtree leads (or was given); an enterprise the renewal
    projects on its parcels and its own measures, nothing of the library or the tables."""
    register(
        lifecycle.RenewalProject,
        RowRule(
            by_jurisdiction=lambda path: Q(street_id__in=jurisdictions_in(path)),
            by_enterprise=_renewal_projects_of,
        ),
    )
    register(
        lifecycle.EnterpriseMeasure,
        RowRule(
            by_jurisdiction=lambda path: Q(street_id__in=jurisdictions_in(path)),
            by_enterprise=lambda eid: Q(enterprise_id=eid),
        ),
    )
    register(
        lifecycle.TaskTable,
        RowRule(by_jurisdiction=_task_tables_in, by_enterprise=lambda eid: _NOTHING),
    )
    register(
        lifecycle.ProjectLead,
        RowRule(
            by_jurisdiction=lambda path: (
                Q(leading_district_id__in=jurisdictions_in(path))
                | Q(reassigned_to_id__in=jurisdictions_in(path))
            ),
            by_enterprise=lambda eid: _NOTHING,
        ),
    )


# ---- Documents (一地一档; l4) ---------------------------------------------------------------
# A case's document follows its case's rule; a document of the parcel alone follows the parcel
# (for an enterprise: the parcel it holds, not one it rents). Internal papers never reach an
# enterprise. The case rules are read when a query is built, so rules other apps register later
# (renewal, projects) count too; a case model without a rule adds nothing (administrators only).
_DOCUMENT_CASES = {
    "admission": lifecycle.AdmissionApplication,
    "agreement": lifecycle.SupervisionAgreement,
    "exit_case": lifecycle.ExitCase,
    "stockland_case": lifecycle.StockLandCase,
    "available_list": lifecycle.AvailableLandList,
    "renewal_project": lifecycle.RenewalProject,
    "project": lifecycle.ProjectLead,
}


def _documents(parcels: Q, case_rule: str, arg) -> Q:
    from landcycle.core.permissions import RULES

    q = Q(**{f"{name}__isnull": True for name in _DOCUMENT_CASES}) & parcels
    for name, model in _DOCUMENT_CASES.items():
        rule = RULES.get(model)
        if rule is not None:
            cases = model._default_manager.filter(getattr(rule, case_rule)(arg)).values("pk")
            q |= Q(**{f"{name}__in": cases})
    return q


def register_document_rules() -> None:
    """Row rule of ``Document`` (called by ``register_rules``)."""
    register(
        lifecycle.Document,
        RowRule(
            by_jurisdiction=lambda path: _documents(
                Q(parcel_id__in=parcels_in(path)), "by_jurisdiction", path
            ),
            by_enterprise=lambda eid: (
                _documents(Q(parcel__holder_id=eid), "by_enterprise", eid) & Q(internal=False)
            ),
        ),
    )
