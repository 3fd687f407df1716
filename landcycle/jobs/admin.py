"""Background jobs and their queue in the admin: for inspection only (the jobs service and the
worker write them)."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from landcycle.core.governed_admin import GovernedAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(GovernedAdmin):
    """Background jobs (后台任务) in the admin, read-only: jobs are written by ``jobs.services``."""

    service = "landcycle.jobs.services"
    list_display = ["created_at", "kind", "state", "stage", "user_id", "dry_run", "batch_id"]
    list_filter = ["kind", "state", "dry_run", "interrupted"]
    search_fields = ["stage", "failure"]


# The queue's own admin is read-only already; shown as governed like every record a service
# writes, so the admin registry test classifies it with the others.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class QueueAdmin(GovernedAdmin, DBTaskResultAdmin):
    """The task queue's results (django-tasks), read-only like every record a service writes."""

    service = "landcycle.jobs.services"
