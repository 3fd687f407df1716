"""The ledger's API: read-only viewsets, each cut by ``restrict``."""

from landcycle.ledger import models as ledger
from landcycle.web.api.filters import allow_listing
from landcycle.web.api.views import RestrictedViewSet

from ..filtersets import EnterpriseFilterSet, ParcelFilterSet
from . import serializers

# Few enough to list as options of the browsable API's filters (after restriction).
allow_listing(ledger.Jurisdiction)


class JurisdictionViewSet(RestrictedViewSet):
    """``/api/jurisdictions/``: the restricted tree, by path; filters kind, parent."""

    queryset = ledger.Jurisdiction.objects.order_by("path")
    serializer_class = serializers.JurisdictionSerializer
    filterset_fields = ["kind", "parent"]


class ParcelViewSet(RestrictedViewSet):
    """``/api/parcels/``: restricted parcels by code (ParcelFilterSet); the detail adds the geometry."""

    queryset = ledger.Parcel.objects.select_related("jurisdiction", "holder").order_by("code")
    filterset_class = ParcelFilterSet
    ordering_fields = ["code", "registered_area_m2", "far"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ParcelGeometrySerializer
        return serializers.ParcelSerializer


class EnterpriseViewSet(RestrictedViewSet):
    """``/api/enterprises/``: restricted enterprises by USCC (EnterpriseFilterSet)."""

    queryset = ledger.Enterprise.objects.order_by("uscc")
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["uscc", "name"]


class PersonViewSet(RestrictedViewSet):
    """``/api/persons/``: restricted persons; ID numbers masked by role."""

    queryset = ledger.Person.objects.order_by("pk")
    serializer_class = serializers.PersonSerializer


class RelationViewSet(RestrictedViewSet):
    """``/api/relations/``: restricted relations; filters subject, party, kind."""

    queryset = ledger.Relation.objects.order_by("pk")
    serializer_class = serializers.RelationSerializer
    filterset_fields = ["subject", "party_enterprise", "party_person", "kind"]


class BuildingViewSet(RestrictedViewSet):
    """``/api/buildings/``: restricted buildings; filter parcel."""

    queryset = ledger.Building.objects.order_by("pk")
    serializer_class = serializers.BuildingSerializer
    filterset_fields = ["parcel"]


class LeaseViewSet(RestrictedViewSet):
    """``/api/leases/``: restricted leases; filters parcel, tenant, approved."""

    queryset = ledger.Lease.objects.order_by("pk")
    serializer_class = serializers.LeaseSerializer
    filterset_fields = ["parcel", "tenant", "approved"]


class IndicatorReportViewSet(RestrictedViewSet):
    """``/api/indicator-reports/``: restricted reports by year; filters enterprise, parcel, year."""

    queryset = ledger.IndicatorReport.objects.order_by("year", "pk")
    serializer_class = serializers.IndicatorReportSerializer
    filterset_fields = ["enterprise", "parcel", "year"]


class ViolationViewSet(RestrictedViewSet):
    """``/api/violations/``: restricted violations; filters parcel, enterprise, kind, status."""

    queryset = ledger.Violation.objects.order_by("pk")
    serializer_class = serializers.ViolationSerializer
    filterset_fields = ["parcel", "enterprise", "kind", "status"]


class CommitmentViewSet(RestrictedViewSet):
    """``/api/commitments/``: restricted commitments; filters parcel, enterprise, year."""

    queryset = ledger.Commitment.objects.order_by("pk")
    serializer_class = serializers.CommitmentSerializer
    filterset_fields = ["parcel", "enterprise", "year"]


ROUTES = [
    ("jurisdictions", JurisdictionViewSet, "jurisdiction"),
    ("parcels", ParcelViewSet, "parcel"),
    ("enterprises", EnterpriseViewSet, "enterprise"),
    ("persons", PersonViewSet, "person"),
    ("relations", RelationViewSet, "relation"),
    ("buildings", BuildingViewSet, "building"),
    ("leases", LeaseViewSet, "lease"),
    ("indicator-reports", IndicatorReportViewSet, "indicatorreport"),
    ("violations", ViolationViewSet, "violation"),
    ("commitments", CommitmentViewSet, "commitment"),
]
