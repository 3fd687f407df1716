import pytest

from landcycle.core.models import ChangeRecord
from landcycle.ledger import models as ledger


def ledger_snapshot() -> dict:
    """Every ledger record by natural key, references by natural key: comparable across DBs."""

    def rows(queryset, *fields):
        return sorted((tuple(r) for r in queryset.values_list(*fields)), key=repr)

    return {
        "jurisdictions": rows(
            ledger.Jurisdiction.objects, "name", "kind", "parent__name", "boundary__wkt"
        ),
        "enterprises": rows(
            ledger.Enterprise.objects, "uscc", "name", "industry_code", "scale", "tags", "extra"
        ),
        "persons": rows(ledger.Person.objects, "id_number", "name", "extra"),
        "parcels": rows(
            ledger.Parcel.objects,
            *[
                f.attname
                for f in ledger.Parcel._meta.concrete_fields
                if f.attname not in ("id", "jurisdiction_id", "holder_id")
            ],
            "jurisdiction__name",
            "jurisdiction__parent__name",
            "holder__uscc",
        ),
        "buildings": rows(
            ledger.Building.objects,
            "parcel__code",
            "name",
            "floor_area_m2",
            "floors",
            "use",
            "completed_on",
            "extra",
        ),
        "relations": rows(
            ledger.Relation.objects,
            "subject__uscc",
            "party_enterprise__uscc",
            "party_person__id_number",
            "kind",
            "share_percent",
            "extra",
        ),
        "leases": rows(
            ledger.Lease.objects,
            "parcel__code",
            "tenant__uscc",
            "area_m2",
            "start",
            "end",
            "approved",
            "extra",
        ),
        "indicators": rows(
            ledger.IndicatorReport.objects,
            "enterprise__uscc",
            "year",
            "parcel__code",
            *[
                f.attname
                for f in ledger.IndicatorReport._meta.concrete_fields
                if f.attname not in ("id", "enterprise_id", "parcel_id", "year")
            ],
        ),
        "violations": rows(
            ledger.Violation.objects,
            "parcel__code",
            "enterprise__uscc",
            "kind",
            "found_on",
            "status",
            "refuses_correction",
            "agrees_to_renewal",
            "extra",
        ),
        "commitments": rows(
            ledger.Commitment.objects,
            "parcel__code",
            "enterprise__uscc",
            "indicator",
            "value",
            "unit",
            "year",
            "extra",
        ),
    }


@pytest.fixture
def snapshot():
    return ledger_snapshot


@pytest.fixture
def change_count():
    return lambda: ChangeRecord.objects.count()
