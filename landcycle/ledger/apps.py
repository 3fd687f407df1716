from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "landcycle.ledger"
    label = "ledger"
    verbose_name = "台账 Ledger"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from landcycle.web.navigation import MenuItem, register_menu_item

        register_menu_item(MenuItem("Parcels", "web:parcel_list", order=20))
        register_menu_item(MenuItem("Enterprises", "web:enterprise_list", order=30))
