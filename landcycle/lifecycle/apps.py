from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "landcycle.lifecycle"
    verbose_name = "全生命周期"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import register_rules

        register_rules()

        # The official calendar other apps count working days with is this app's holiday table.
        from landcycle.core.workcalendar import register_source

        from .services.calendar import load_calendar

        register_source(load_calendar)

        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.lifecycle.views")
