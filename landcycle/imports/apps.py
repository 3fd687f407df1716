from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "landcycle.imports"
    label = "imports"
    verbose_name = "导入 Imports"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from .jobs import register as register_jobs

        register_jobs()

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.imports.views")
