"""Login with lockout: repeated failures for a username, or very many from one address, lock
the login for a while (see ``is_locked``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .models import LoginAttempt


def client_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, which ``TrustedProxyMiddleware`` has already set
    from ``X-Forwarded-For`` when the peer is a trusted proxy (``LANDCYCLE_TRUSTED_PROXIES``)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LANDCYCLE_LOGIN_LOCKOUT_MINUTES)


def is_locked(username: str, address: str | None = None) -> bool:
    """True while the username or the address is locked.

    A username is locked while ``LANDCYCLE_LOGIN_MAX_FAILURES`` failures for it (from any
    address, counted from its last success) lie within the last
    ``LANDCYCLE_LOGIN_LOCKOUT_MINUTES``. An address (an office behind one proxy is one address)
    is locked only for a password-guessing run: ``LANDCYCLE_LOGIN_MAX_FAILURES_PER_ADDRESS``
    failures from it in the window, whatever the usernames. Attempts refused by a lock are not
    recorded, so the lock ends on time; empty usernames are never recorded.
    """
    since = _window_start()
    username = (username or "").strip()
    if username:
        last_success = (
            LoginAttempt.objects.filter(time__gte=since, username=username, succeeded=True)
            .order_by("-time")
            .values_list("time", flat=True)
            .first()
        )
        failures = LoginAttempt.objects.filter(
            time__gte=last_success or since, username=username, succeeded=False
        )
        if failures.count() >= settings.LANDCYCLE_LOGIN_MAX_FAILURES:
            return True
    if not address:
        return False
    from_address = LoginAttempt.objects.filter(time__gte=since, ip_address=address, succeeded=False)
    return from_address.count() >= settings.LANDCYCLE_LOGIN_MAX_FAILURES_PER_ADDRESS


class LockoutModelBackend(ModelBackend):
    """Django's model backend, refusing locked usernames and recording every attempt.

    As the only backend it guards every way in: the login page, the admin, the API token.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """The user for ``username``/``password``, or None; records a LoginAttempt (address, success).
        Raises PermissionDenied while the username or the address is locked out (not recorded).
        """
        if username is None:
            username = kwargs.get("username")
        if username is None or password is None or not str(username).strip():
            return None  # nothing to check and nothing to count
        address = client_address(request)
        if is_locked(username, address):
            raise PermissionDenied("locked")  # not recorded: the lock ends on time
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
