"""The ledger's API: read-only viewsets, each cut by ``restrict``."""

from landcycle.ledger import models as ledger
from landcycle.web.api.filters import allow_listing
from landcycle.web.api.views import RestrictedViewSet

from ..filtersets import EnterpriseFilterSet, ParcelFilterSet
from . import serializers

# Few enough to list as options of the browsable API's filters (after restriction).
allow_listing(ledger.Jurisdiction)


class JurisdictionViewSet(RestrictedViewSet):
    queryset = ledger.Jurisdiction.objects.order_by("path")
    serializer_class = serializers.JurisdictionSerializer
    filterset_fields = ["kind", "parent"]


class ParcelViewSet(RestrictedViewSet):
    queryset = ledger.Parcel.objects.select_related("jurisdiction", "holder").order_by("code")
    filterset_class = ParcelFilterSet
    ordering_fields = ["code", "registered_area_m2", "far"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ParcelGeometrySerializer
        return serializers.ParcelSerializer


class EnterpriseViewSet(RestrictedViewSet):
    queryset = ledger.Enterprise.objects.order_by("uscc")
    serializer_class = serializers.EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["uscc", "name"]


class PersonViewSet(RestrictedViewSet):
    queryset = ledger.Person.objects.order_by("pk")
    serializer_class = serializers.PersonSerializer


class RelationViewSet(RestrictedViewSet):
    queryset = ledger.Relation.objects.order_by("pk")
    serializer_class = serializers.RelationSerializer
    filterset_fields = ["subject", "party_enterprise", "party_person", "kind"]


class BuildingViewSet(RestrictedViewSet):
    queryset = ledger.Building.objects.order_by("pk")
    serializer_class = serializers.BuildingSerializer
    filterset_fields = ["parcel"]


class LeaseViewSet(RestrictedViewSet):
    queryset = ledger.Lease.objects.order_by("pk")
    serializer_class = serializers.LeaseSerializer
    filterset_fields = ["parcel", "tenant", "approved"]


class IndicatorReportViewSet(RestrictedViewSet):
    queryset = ledger.IndicatorReport.objects.order_by("year", "pk")
    serializer_class = serializers.IndicatorReportSerializer
    filterset_fields = ["enterprise", "parcel", "year"]


class ViolationViewSet(RestrictedViewSet):
    queryset = ledger.Violation.objects.order_by("pk")
    serializer_class = serializers.ViolationSerializer
    filterset_fields = ["parcel", "enterprise", "kind", "status"]


class CommitmentViewSet(RestrictedViewSet):
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
