"""The background-job queue: a generic Job record and worker below the apps that use it."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    """The jobs app (no signals or registrations of its own; apps register their kinds)."""

    name = "landcycle.jobs"
    label = "jobs"
    verbose_name = "后台任务 Background jobs"
