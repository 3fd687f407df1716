"""Accounts side of the restriction mechanism: reads a user's scope from their ``Profile``.

The mechanism itself (actions, roles, row rules, ``restrict``) is ``landcycle.core.permissions``;
each app registers the row rules of its own models in ``<app>/permissions.py``. This module
installs the scope loader and re-exports the names pages use.
"""

from __future__ import annotations

from landcycle.core.permissions import (  # noqa: F401  (re-exported for pages and tests)
    NO_SCOPE,
    PERSONAL_DATA_ROLES,
    ROLE_ACTIONS,
    RULES,
    SCOPE_ATTR,
    UNPUBLISHED_ROLES,
    ZONE_WIDE_ROLES,
    Action,
    Role,
    RowRule,
    Scope,
    install_scope_loader,
    publish,
    register,
    restrict,
    restricted,
    scope_of,
)

from .models import Profile

_PROFILE_CACHE = "landcycle_profile"  # Profile.user's related_name: the cache of user.<it>


def load_scope(user) -> Scope:
    """The scope of an authenticated, active user: their Profile's role, jurisdiction path and
    enterprise; a superuser without a profile is an administrator; anyone else has none."""
    if _PROFILE_CACHE in user._state.fields_cache:  # loaded with the user (auth.get_user)
        profile = user._state.fields_cache[_PROFILE_CACHE]
    else:
        profile = (
            Profile.objects.filter(user_id=user.pk)
            .select_related("jurisdiction")
            .only("role", "enterprise_id", "jurisdiction__path")
            .first()
        )
    if profile is not None:
        return Scope(
            role=Role(profile.role),
            jurisdiction_path=profile.jurisdiction.path if profile.jurisdiction else None,
            enterprise_id=profile.enterprise_id,
        )
    if user.is_superuser:
        return Scope(role=Role.ADMINISTRATOR)
    return NO_SCOPE


install_scope_loader(load_scope)


def forget_scope(user) -> None:
    """Drop the scope remembered on a user object (after changing its profile in-process)."""
    if hasattr(user, SCOPE_ATTR):
        delattr(user, SCOPE_ATTR)
    state = getattr(user, "_state", None)
    if state is not None:
        state.fields_cache.pop(_PROFILE_CACHE, None)


def masked_id(person, user) -> str:
    """The person's ID number as this user may see it (whole for personal-data roles)."""
    return person.id_number if scope_of(user).sees_personal_data else person.masked_id_number
