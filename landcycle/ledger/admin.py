from django.contrib import admin

from . import models


@admin.register(models.Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a node rewrites its subtree: only `landcycle jurisdictions move` does that.
        return ["parent"] if obj is not None else []


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["uscc", "name", "industry_code", "scale"]
    list_filter = ["scale"]
    search_fields = ["uscc", "name"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id_number"]
    search_fields = ["name"]
    exclude = ["id_number"]  # never shown whole in the admin list or form


@admin.register(models.Parcel)
class ParcelAdmin(admin.ModelAdmin):
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
    list_display = ["parcel", "tenant", "area_m2", "start", "end", "approved"]
    list_filter = ["approved"]
    raw_id_fields = ["parcel", "tenant"]
    list_select_related = ["parcel", "tenant"]


@admin.register(models.IndicatorReport)
class IndicatorReportAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "parcel", "output_10k_cny", "tax_10k_cny"]
    list_filter = ["year"]
    raw_id_fields = ["enterprise", "parcel"]
    list_select_related = ["enterprise", "parcel"]


@admin.register(models.Violation)
class ViolationAdmin(admin.ModelAdmin):
    list_display = ["parcel", "kind", "found_on", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["parcel", "enterprise"]


@admin.register(models.Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["parcel", "indicator", "value", "unit", "year"]
    raw_id_fields = ["parcel", "enterprise"]


admin.site.register(models.Relation, raw_id_fields=["subject", "party_enterprise", "party_person"])
admin.site.register(models.Building, raw_id_fields=["parcel"])
