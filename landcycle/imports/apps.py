"""The imports app: reading officers' workbooks and geodata into the ledger, and the export."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Registers the import's row rules, its background-job kind and its views' menu entries."""

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
