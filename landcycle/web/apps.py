from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "landcycle.web"
    label = "web"
    verbose_name = "网页与权限 Web"

    def ready(self):
        from pathlib import Path

        from django.conf import settings

        from . import permissions  # noqa: F401  installs the scope loader

        # WhiteNoise serves collected files from STATIC_ROOT (and app files via finders).
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)

        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .api.authentication import revoke_on_password_change

        post_save.connect(
            revoke_on_password_change, sender=get_user_model(), dispatch_uid="revoke_tokens"
        )
