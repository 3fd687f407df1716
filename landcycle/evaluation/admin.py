"""Read-only admin: runs and results change only through the services (never edited by hand)."""

from django.contrib import admin

from landcycle.core.governed_admin import GovernedAdmin

from . import models


class _ReadOnly(GovernedAdmin):
    service = "landcycle.evaluation.services"


@admin.register(models.EvaluationRun)
class EvaluationRunAdmin(_ReadOnly):
    list_display = [
        "id",
        "year",
        "policy_name",
        "policy_version",
        "status",
        "parcel_count",
        "notice_start",
        "notice_end",
        "corrects",
        "created_at",
    ]
    list_filter = ["status", "year", "policy_name"]


@admin.register(models.EvaluationResult)
class EvaluationResultAdmin(_ReadOnly):
    list_display = ["parcel_code", "run", "klass", "previous_class", "score", "rule"]
    list_filter = ["klass"]
    search_fields = ["parcel_code"]
    list_select_related = ["run"]
    show_full_result_count = False  # a million rows: no COUNT(*) on every page


@admin.register(models.Objection)
class ObjectionAdmin(_ReadOnly):
    list_display = ["id", "run", "parcel", "raised_by", "raised_on", "upheld", "answered_by"]
    list_filter = ["upheld"]


@admin.register(models.ReviewDecision)
class ReviewDecisionAdmin(_ReadOnly):
    service = "landcycle.evaluation.review"
    list_display = ["parcel_code", "run", "engine_class", "decided_class", "status", "decided_at"]
    list_filter = ["status", "decided_class"]
    search_fields = ["parcel_code"]
