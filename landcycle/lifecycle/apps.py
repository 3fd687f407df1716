from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "landcycle.lifecycle"
    verbose_name = "全生命周期"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.lifecycle.views")
