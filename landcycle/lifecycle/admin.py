from django.contrib import admin

from . import models


@admin.register(models.CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "added_at"]


@admin.register(models.Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(models.AdmissionApplication)
class AdmissionApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "enterprise_name",
        "jurisdiction",
        "industry_field",
        "received_on",
        "assessment_due",
        "status",
        "proposed_class",
        "decision_body",
    ]
    list_filter = ["status", "proposed_class", "industry_field", "jurisdiction"]
    search_fields = ["enterprise_name"]
    raw_id_fields = ["enterprise", "parcel"]
    # state changes go through landcycle.lifecycle.services.admission
    readonly_fields = [
        "status",
        "assessment_due",
        "proposed_class",
        "assessment_reasons",
        "assessed_on",
        "decision_body",
        "decided_on",
        "deadline_flags",
    ]


class ExitStepInline(admin.TabularInline):
    model = models.ExitStep
    extra = 0
    readonly_fields = ["from_state", "to_state", "on", "actor", "actor_name", "late", "recorded_at"]
    fields = [*readonly_fields, "document_title", "document_number", "document_file", "note"]
    can_delete = False


class ClawbackInline(admin.TabularInline):
    model = models.Clawback
    extra = 0


@admin.register(models.ExitCase)
class ExitCaseAdmin(admin.ModelAdmin):
    list_display = [
        "enterprise",
        "parcel",
        "trigger",
        "verified_on",
        "state",
        "interview_due",
        "rectification_due",
        "exit_due",
    ]
    list_filter = ["state", "trigger", "jurisdiction"]
    search_fields = ["enterprise__name", "parcel__code"]
    raw_id_fields = ["enterprise", "parcel"]
    readonly_fields = [
        "state",
        "interview_due",
        "rectification_due",
        "exit_due",
        "closed_on",
        "contract_terminated",
        "deadline_flags",
    ]
    inlines = [ExitStepInline, ClawbackInline]


class AgreementTermInline(admin.TabularInline):
    model = models.AgreementTerm
    extra = 0


@admin.register(models.SupervisionAgreement)
class SupervisionAgreementAdmin(admin.ModelAdmin):
    list_display = ["number", "parcel", "enterprise", "signed_on", "attainment_due", "status"]
    list_filter = ["status"]
    search_fields = ["number", "parcel__code", "enterprise__name"]
    raw_id_fields = ["parcel", "enterprise"]
    inlines = [AgreementTermInline]


@admin.register(models.StockLandCase)
class StockLandCaseAdmin(admin.ModelAdmin):
    list_display = ["parcel", "category", "identified_on", "status", "deadline", "lead_unit"]
    list_filter = ["category", "status"]
    search_fields = ["parcel__code"]
    raw_id_fields = ["parcel"]
    readonly_fields = ["basis", "idle_since", "deadline_flags"]


class AvailableLandEntryInline(admin.TabularInline):
    model = models.AvailableLandEntry
    extra = 0
    raw_id_fields = ["parcel"]


@admin.register(models.AvailableLandList)
class AvailableLandListAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "jurisdiction", "status", "approved_on", "published_on"]
    list_filter = ["status", "year"]
    readonly_fields = ["status", "approved_by", "approved_on", "published_on"]
    inlines = [AvailableLandEntryInline]


class StreetTargetInline(admin.TabularInline):
    model = models.StreetTarget
    extra = 0


@admin.register(models.TaskTable)
class TaskTableAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "start_year", "end_year", "imported_at"]
    inlines = [StreetTargetInline]


@admin.register(models.RenewalProject)
class RenewalProjectAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "street",
        "kind",
        "mode",
        "path",
        "status",
        "land_area_m2",
        "completed_on",
    ]
    list_filter = ["kind", "mode", "path", "status", "street"]
    search_fields = ["name"]
    filter_horizontal = ["parcels"]


@admin.register(models.EnterpriseMeasure)
class EnterpriseMeasureAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "street", "kind", "completed_on"]
    list_filter = ["kind", "street"]
    raw_id_fields = ["enterprise"]


class ProjectProgressInline(admin.TabularInline):
    model = models.ProjectProgress
    extra = 0


@admin.register(models.ProjectLead)
class ProjectLeadAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "total_investment_10k_cny",
        "leading_district",
        "first_talk_on",
        "status",
    ]
    list_filter = ["status", "leading_district"]
    search_fields = ["name", "investor"]
    inlines = [ProjectProgressInline]
