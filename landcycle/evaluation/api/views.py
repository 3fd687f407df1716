"""The evaluation's API: runs and results, read-only, each cut by ``restrict``."""

import django_filters

from landcycle.core.permissions import restrict
from landcycle.web.api.views import RestrictedViewSet

from ..models import EvaluationResult, EvaluationRun
from . import serializers


class EvaluationRunViewSet(RestrictedViewSet):
    """Runs: roles that do not evaluate see only published ones (公示中, 已生效)."""

    serializer_class = serializers.EvaluationRunSerializer
    filterset_fields = ["year", "policy_name", "status"]

    def get_queryset(self):
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
        return restrict(
            EvaluationResult.objects.order_by("run_id", "parcel_code"), self.request.user
        )


ROUTES = [
    ("evaluation-runs", EvaluationRunViewSet, "evaluationrun"),
    ("evaluation-results", EvaluationResultViewSet, "evaluationresult"),
]
