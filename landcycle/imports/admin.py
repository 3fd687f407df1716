from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "status", "dry_run", "files", "error_count"]
    list_filter = ["status", "dry_run"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def get_queryset(self, request):
        # The lists load only on a batch's own page (they can be large in old batches).
        return ImportBatch.listing(super().get_queryset(request))
