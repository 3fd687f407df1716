from django.conf import settings
from django.db import models

from landcycle.core.changelog import ChangeLogged


class AssignedCase(ChangeLogged):
    """A case with an officer in charge (承办人); its due items go to that officer's inbox."""

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="承办人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        abstract = True
