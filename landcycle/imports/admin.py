"""Import batches are written by the import service only: read-only here."""

from django.contrib import admin

from landcycle.core.governed_admin import GovernedAdmin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(GovernedAdmin):
    """Import batches (导入批次) in the admin, read-only: batches are written by the import service."""

    service = "landcycle.imports.services"
    list_display = ["started_at", "user", "status", "dry_run", "files", "error_count"]
    list_filter = ["status", "dry_run"]

    def get_queryset(self, request):
        # The lists load only on a batch's own page (they can be large in old batches).
        """The batches without their problem lists (``ImportBatch.listing``): those load on a
        batch's page."""
        return ImportBatch.listing(super().get_queryset(request))
