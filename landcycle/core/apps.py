from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "landcycle.core"
    label = "core"
    verbose_name = "基础 Core"

    def ready(self):
        from . import changelog  # noqa: F401  connects the change-log signals
