from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """Pages that combine the apps: dashboard, officers' map, public portal."""

    name = "landcycle.overview"
    label = "overview"
    verbose_name = "总览 Overview"

    def ready(self):
        from landcycle.web.navigation import register_app_views

        register_app_views("landcycle.overview.views")
