from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "landcycle.imports"
    label = "imports"
    verbose_name = "导入 Imports"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from landcycle.core.permissions import Action
        from landcycle.web.navigation import MenuItem, register_menu_item

        register_menu_item(MenuItem("Import", "web:import", action=Action.IMPORT, order=90))
