from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "landcycle.ledger"
    label = "ledger"
    verbose_name = "台账 Ledger"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.ledger.views")
