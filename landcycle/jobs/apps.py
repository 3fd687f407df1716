from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "landcycle.jobs"
    label = "jobs"
    verbose_name = "后台任务 Background jobs"

    def ready(self):
        # Pages of lower apps start background work through web.background.
        from landcycle.web.background import install

        from .services import QueueBackend

        install(QueueBackend())
