from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["started_at", "user", "status", "dry_run", "files"]
    list_filter = ["status", "dry_run"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
