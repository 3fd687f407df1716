from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "landcycle.jobs"
    label = "jobs"
    verbose_name = "后台任务 Background jobs"
