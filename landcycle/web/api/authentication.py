"""API tokens that expire (``LANDCYCLE_API_TOKEN_DAYS``) and die with a password change."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    """True when ``token`` was issued ``LANDCYCLE_API_TOKEN_DAYS`` days ago or earlier."""
    age = timezone.now() - token.created
    return age >= dt.timedelta(days=settings.LANDCYCLE_API_TOKEN_DAYS)


def fresh_token(user) -> Token:
    """The user's token, a new one if there is none or it has expired."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token, _ = Token.objects.get_or_create(user=user)
    return token


def revoke_tokens(user) -> int:
    """Delete the user's API tokens; returns how many there were."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return deleted


def revoke_on_password_change(sender, instance, created, **kwargs) -> None:
    """post_save of the user model: ``set_password`` (login page, admin, ``changepassword``)
    leaves ``_password`` set until the save; a rehash on login clears it first, so only a real
    change revokes the tokens."""
    if not created and getattr(instance, "_password", None) is not None:
        revoke_tokens(instance)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication refusing (and deleting) expired tokens."""

    def authenticate_credentials(self, key):
        """DRF's token check, plus: an expired token is deleted and refused (AuthenticationFailed)."""
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(
                "令牌已过期 token expired: POST /api/auth/token/ for a new one"
            )
        return user, token
