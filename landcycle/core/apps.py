"""The core app: units, identifiers, the change log and the restrict mechanism (no pages)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Connects the change-log signals and replaces Django's ``update_last_login`` (see databases)."""

    name = "landcycle.core"
    label = "core"
    verbose_name = "基础 Core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import changelog  # noqa: F401  connects the change-log signals
        from .databases import update_last_login

        # Django's receiver would wait behind an import's write lock on SQLite (see databases).
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
