"""Serializers of the ledger's API."""

from rest_framework import serializers

from landcycle.core.permissions import scope_of
from landcycle.ledger import models as ledger


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
