"""The ledger in Django's admin (for administrators; officers use the pages)."""

from django.contrib import admin

from . import models


@admin.register(models.Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    """Jurisdictions (行政区划); the parent of a stored node is read-only (moves go through
    ``landcycle jurisdictions move``, which rewrites the subtree's paths).
    """

    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a node rewrites its subtree: only `landcycle jurisdictions move` does that.
        return ["parent"] if obj is not None else []


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Enterprises (企业) by USCC, name, GB/T 4754 industry code and scale."""

    list_display = ["uscc", "name", "industry_code", "scale"]
    list_filter = ["scale"]
    search_fields = ["uscc", "name"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    """Persons (责任人); the resident ID number is shown masked and never edited here."""

    list_display = ["name", "masked_id_number"]
    search_fields = ["name"]
    exclude = ["id_number"]  # never shown whole in the admin list or form


@admin.register(models.Parcel)
class ParcelAdmin(admin.ModelAdmin):
    """Parcels (宗地) with street, project type, registered and computed area (m²) and holder."""

    list_display = [
        "code",
        "name",
        "jurisdiction",
        "project_type",
        "registered_area_m2",
        "computed_area_m2",
        "holder",
    ]
    list_filter = ["jurisdiction", "project_type", "supply_method"]
    search_fields = ["code", "name", "holder__name"]
    raw_id_fields = ["holder"]
    list_select_related = ["jurisdiction", "holder"]


@admin.register(models.Lease)
class LeaseAdmin(admin.ModelAdmin):
    """Leases (租赁) of parcels to tenants: area (m²), dates, approval."""

    list_display = ["parcel", "tenant", "area_m2", "start", "end", "approved"]
    list_filter = ["approved"]
    raw_id_fields = ["parcel", "tenant"]
    list_select_related = ["parcel", "tenant"]


@admin.register(models.IndicatorReport)
class IndicatorReportAdmin(admin.ModelAdmin):
    """Yearly indicator reports (年度指标) of enterprises: output and tax in 万元 (10k CNY)."""

    list_display = ["enterprise", "year", "parcel", "output_10k_cny", "tax_10k_cny"]
    list_filter = ["year"]
    raw_id_fields = ["enterprise", "parcel"]
    list_select_related = ["enterprise", "parcel"]


@admin.register(models.Violation)
class ViolationAdmin(admin.ModelAdmin):
    """Violations (违规事项) found on parcels, by kind and rectification status."""

    list_display = ["parcel", "kind", "found_on", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["parcel", "enterprise"]


@admin.register(models.Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Commitments (承诺) of a parcel's enterprise: indicator, value, unit, year."""

    list_display = ["parcel", "indicator", "value", "unit", "year"]
    raw_id_fields = ["parcel", "enterprise"]


admin.site.register(models.Relation, raw_id_fields=["subject", "party_enterprise", "party_person"])
admin.site.register(models.Building, raw_id_fields=["parcel"])
