from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "landcycle.lifecycle"
    verbose_name = "全生命周期"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import register_rules

        register_rules()
