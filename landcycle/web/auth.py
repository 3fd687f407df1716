"""Login with lockout: repeated failures for a username or from an address lock the login."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import LoginAttempt


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LANDCYCLE_LOGIN_LOCKOUT_MINUTES)


def is_locked(username: str, address: str | None = None) -> bool:
    """True when the username (or the address) has too many recent failures.

    Failures count from the last success of that username within the window.
    """
    since = _window_start()
    recent = LoginAttempt.objects.filter(time__gte=since)
    last_success = (
        recent.filter(username=username, succeeded=True).order_by("-time").values("time").first()
    )
    if last_success:
        since = last_success["time"]
    limit = settings.LANDCYCLE_LOGIN_MAX_FAILURES
    failures = LoginAttempt.objects.filter(time__gte=since, succeeded=False)
    if failures.filter(username=username).count() >= limit:
        return True
    # An address trying many usernames is locked too (with more room for shared offices).
    return bool(address) and (
        LoginAttempt.objects.filter(
            time__gte=_window_start(), succeeded=False, ip_address=address
        ).count()
        >= limit * 4
    )


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked usernames and recording every attempt.

    As the only backend it guards every way in: the login page, the admin, the API token.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None:
            return None
        address = client_address(request)
        if is_locked(username, address):
            LoginAttempt.objects.create(username=username, ip_address=address, succeeded=False)
            raise PermissionDenied("locked")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        LoginAttempt.objects.create(
            username=username, ip_address=address, succeeded=user is not None
        )
        return user

    def get_user(self, user_id):
        """The session's user with its profile and the profile's jurisdiction in one query
        (``scope_of`` reads the scope from them instead of a second query)."""
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "landcycle_profile__jurisdiction"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
