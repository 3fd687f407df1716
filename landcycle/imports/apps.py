from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "landcycle.imports"
    label = "imports"
    verbose_name = "导入 Imports"

    def ready(self):
        from .permissions import register_rules

        register_rules()
