"""Admin for the lifecycle workflows: every case is read-only here.

Each model is created and changed by its service in ``landcycle.lifecycle.services`` (state
machines, deadlines from the working-day calendar, change log); the admin keeps the lists,
search and detail pages for administrators to inspect them. See docs/lifecycle.md.
"""

from django.contrib import admin

from landcycle.core.governed_admin import GovernedAdmin, GovernedInline

from . import models

SERVICES = "landcycle.lifecycle.services"


@admin.register(models.CalendarYear)
class CalendarYearAdmin(GovernedAdmin):
    service = f"{SERVICES}.calendar"
    list_display = ["year", "source", "added_at"]


@admin.register(models.Holiday)
class HolidayAdmin(GovernedAdmin):
    service = f"{SERVICES}.calendar"
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(models.AdmissionApplication)
class AdmissionApplicationAdmin(GovernedAdmin):
    service = f"{SERVICES}.admission"
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


class ExitStepInline(GovernedInline):
    model = models.ExitStep
    fields = [
        "from_state",
        "to_state",
        "on",
        "actor",
        "actor_name",
        "late",
        "recorded_at",
        "document_title",
        "document_number",
        "document_file",
        "notice",
        "note",
    ]


class ClawbackInline(GovernedInline):
    model = models.Clawback


@admin.register(models.ExitCase)
class ExitCaseAdmin(GovernedAdmin):
    service = f"{SERVICES}.exits"
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
    inlines = [ExitStepInline, ClawbackInline]


class AgreementTermInline(GovernedInline):
    model = models.AgreementTerm


@admin.register(models.SupervisionAgreement)
class SupervisionAgreementAdmin(GovernedAdmin):
    service = f"{SERVICES}.agreements"
    list_display = ["number", "parcel", "enterprise", "signed_on", "attainment_due", "status"]
    list_filter = ["status"]
    search_fields = ["number", "parcel__code", "enterprise__name"]
    raw_id_fields = ["parcel", "enterprise"]
    inlines = [AgreementTermInline]


@admin.register(models.StockLandCase)
class StockLandCaseAdmin(GovernedAdmin):
    service = f"{SERVICES}.stockland"
    list_display = ["parcel", "category", "identified_on", "status", "deadline", "lead_unit"]
    list_filter = ["category", "status"]
    search_fields = ["parcel__code"]
    raw_id_fields = ["parcel"]


class AvailableLandEntryInline(GovernedInline):
    model = models.AvailableLandEntry
    raw_id_fields = ["parcel"]


@admin.register(models.AvailableLandList)
class AvailableLandListAdmin(GovernedAdmin):
    service = f"{SERVICES}.available"
    list_display = ["title", "year", "jurisdiction", "status", "approved_on", "published_on"]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    inlines = [AvailableLandEntryInline]


class StreetTargetInline(GovernedInline):
    model = models.StreetTarget


@admin.register(models.TaskTable)
class TaskTableAdmin(GovernedAdmin):
    service = f"{SERVICES}.renewal"
    list_display = ["name", "district", "start_year", "end_year", "imported_at"]
    search_fields = ["name", "source"]
    inlines = [StreetTargetInline]


@admin.register(models.RenewalProject)
class RenewalProjectAdmin(GovernedAdmin):
    service = f"{SERVICES}.renewal"
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
class EnterpriseMeasureAdmin(GovernedAdmin):
    service = f"{SERVICES}.renewal"
    list_display = ["enterprise", "street", "kind", "completed_on"]
    list_filter = ["kind", "street"]
    raw_id_fields = ["enterprise"]


class ProjectProgressInline(GovernedInline):
    model = models.ProjectProgress


@admin.register(models.ProjectLead)
class ProjectLeadAdmin(GovernedAdmin):
    service = f"{SERVICES}.projects"
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
