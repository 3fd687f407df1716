from rest_framework import serializers

from landcycle.evaluation.models import EvaluationResult, EvaluationRun
from landcycle.ledger import models as ledger
from landcycle.web.permissions import scope_of


class JurisdictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Jurisdiction
        fields = ["id", "name", "kind", "parent", "path"]


class ParcelSerializer(serializers.ModelSerializer):
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    holder_name = serializers.CharField(source="holder.name", read_only=True, default=None)
    # The model's holder_name (土地使用权人 as written) under a name that keeps the API's
    # holder_name (the matched enterprise's name) as it was.
    holder_name_recorded = serializers.CharField(source="holder_name", read_only=True)

    class Meta:
        model = ledger.Parcel
        fields = [
            "id", "code", "name", "jurisdiction", "jurisdiction_name", "land_use",
            "land_use_code", "supply_method", "supply_method_detail", "project_type",
            "registered_area_m2", "computed_area_m2", "holder", "holder_name",
            "holder_name_recorded", "supervision_number", "location", "land_source",
            "price_10k_cny", "term_years", "land_grade", "industry_category", "approved_by",
            "contract_date", "term_start", "term_end", "agreed_delivery",
            "agreed_delivery_precision", "agreed_start", "agreed_start_precision",
            "agreed_completion", "agreed_completion_precision", "agreed_attainment",
            "agreed_attainment_precision", "actual_start", "actual_completion", "far",
            "agreed_far_min", "agreed_far_max", "in_control_line",
            "min_lon", "min_lat", "max_lon", "max_lat",
        ]  # fmt: skip


class ParcelGeometrySerializer(ParcelSerializer):
    class Meta(ParcelSerializer.Meta):
        fields = [*ParcelSerializer.Meta.fields, "geometry_wkt"]


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Enterprise
        fields = ["id", "uscc", "name", "industry_code", "scale", "tags"]


class PersonSerializer(serializers.ModelSerializer):
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = ledger.Person
        fields = ["id", "name", "id_number"]

    def get_id_number(self, person) -> str:
        user = self.context["request"].user
        return person.id_number if scope_of(user).sees_personal_data else person.masked_id_number


class RelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Relation
        fields = ["id", "subject", "party_enterprise", "party_person", "kind", "share_percent"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Building
        fields = ["id", "parcel", "name", "floor_area_m2", "floors", "use", "completed_on"]


class LeaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Lease
        fields = ["id", "parcel", "tenant", "area_m2", "start", "end", "approved"]


class IndicatorReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.IndicatorReport
        fields = [
            "id", "enterprise", "year", "parcel", "output_10k_cny", "revenue_10k_cny",
            "tax_10k_cny", "value_added_10k_cny", "energy_tce", "emissions_t",
            "rd_expense_10k_cny", "employees", "investment_10k_cny", "electricity_kwh",
            "water_t",
        ]  # fmt: skip


class ViolationSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Violation
        fields = [
            "id", "parcel", "enterprise", "kind", "found_on", "status", "refuses_correction",
            "agrees_to_renewal",
        ]  # fmt: skip


class CommitmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ledger.Commitment
        fields = ["id", "parcel", "enterprise", "indicator", "value", "unit", "year"]


class EvaluationRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationRun
        fields = [
            "id", "year", "policy_name", "policy_version", "policy_hash",
            "inputs_fingerprint", "status", "created_at", "parcel_count", "class_counts",
            "previous_run", "corrects", "notice_start", "notice_end", "published_at",
            "finalized_at",
        ]  # fmt: skip


class EvaluationResultSerializer(serializers.ModelSerializer):
    """One parcel's result. ``class`` is the class (A/B/C/D … or REVIEW), as in
    ``landcycle results``; ``klass`` is its deprecated alias, kept for release 0.2 only."""

    def get_fields(self):
        fields = super().get_fields()
        # "class" is a Python keyword: the field is added by name, in the place of the alias.
        renamed = {}
        for name, field in fields.items():
            if name == "klass":
                renamed["class"] = serializers.CharField(
                    source="klass", read_only=True, help_text="评价类别 class (A/B/C/D, REVIEW)"
                )
            renamed[name] = field
        return renamed

    klass = serializers.CharField(
        read_only=True, help_text="Deprecated: use `class` (已弃用，0.3 版删除)"
    )

    class Meta:
        model = EvaluationResult
        fields = [
            "id", "run", "parcel", "parcel_code", "holder", "klass", "score", "rule",
            "reasons_zh", "reasons_en", "gap_zh", "gap_en", "next_class", "previous_class",
            "rank_jurisdiction", "rank_industry", "industry", "indicators",
        ]  # fmt: skip
