"""REST API: read-only viewsets over the ledger and evaluation, each cut by ``restrict``."""

import django_filters
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from landcycle.evaluation.models import EvaluationResult
from landcycle.ledger import models as ledger
from landcycle.web.api.authentication import fresh_token
from landcycle.web.auth import client_address, is_locked
from landcycle.web.filtersets import EnterpriseFilterSet, ParcelFilterSet
from landcycle.web.permissions import Action, restrict

from . import serializers


class RestrictedViewSet(viewsets.ReadOnlyModelViewSet):
    """Every row comes through ``restrict(queryset, user, action)``."""

    action_name = Action.VIEW

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, self.action_name)


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


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (same lockout as the login page)."""

    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": drf_serializers.CharField(), "password": drf_serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": drf_serializers.CharField()}),
    )
    def post(self, request):
        username = str(request.data.get("username", ""))
        user = authenticate(request, username=username, password=request.data.get("password"))
        if user is None and is_locked(username, client_address(request)):
            return Response({"detail": "locked"}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response({"detail": "invalid credentials"}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"token": fresh_token(user).key})


class EvaluationRunViewSet(RestrictedViewSet):
    """Runs: roles that do not evaluate see only published ones (公示中, 已生效)."""

    serializer_class = serializers.EvaluationRunSerializer
    filterset_fields = ["year", "policy_name", "status"]

    def get_queryset(self):
        from landcycle.evaluation.models import EvaluationRun

        return restrict(EvaluationRun.objects.order_by("-year", "-id"), self.request.user)


class EvaluationResultFilterSet(django_filters.FilterSet):
    # ?klass= is the deprecated alias of ?class= (added below: a keyword), until 0.3.
    klass = django_filters.CharFilter(field_name="klass", help_text="Deprecated: use class")

    class Meta:
        model = EvaluationResult
        fields = ["run", "parcel", "holder"]


EvaluationResultFilterSet.base_filters["class"] = django_filters.CharFilter(
    field_name="klass", help_text="评价类别 class (A/B/C/D, REVIEW)"
)


class EvaluationResultViewSet(RestrictedViewSet):
    serializer_class = serializers.EvaluationResultSerializer
    filterset_class = EvaluationResultFilterSet

    def get_queryset(self):
        from landcycle.evaluation.models import EvaluationResult

        return restrict(
            EvaluationResult.objects.order_by("run_id", "parcel_code"), self.request.user
        )
