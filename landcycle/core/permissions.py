"""The one restriction mechanism: every page, export and API endpoint filters through here.

``Model.objects.restrict(user, action)`` (or ``restrict(queryset, user, action)``) returns the rows
``user`` may ``action``, in the manner of NetBox's ``RestrictedQuerySet.restrict``. What a role may
do is the table ``ROLE_ACTIONS``; which rows a scoped role reaches is a ``RowRule`` per model that
the app owning the model registers (``<app>/permissions.py``, imported by its ``AppConfig.ready``).

This module sits at the bottom of the layers and imports no app: the user's scope is read by a
loader that the accounts frame (``landcycle.web.permissions``) installs, the way NetBox's
authentication backend fills the permission cache its querysets read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db import models
from django.db.models import Model, Q, QuerySet


class Action(StrEnum):
    """What a user may do with rows (the restrict mechanism's actions); roles get them by
    ``ROLE_ACTIONS``.
    """

    VIEW = "view"
    EXPORT = "export"
    CHANGE = "change"
    IMPORT = "import"
    EVALUATE = "evaluate"
    PUBLISH = "publish"
    # Work a lifecycle case: record a step, a finding, a disposal's progress.
    HANDLE = "handle"
    # An enterprise submits its own application or the material a step asks for.
    SUBMIT = "submit"


class Role(models.TextChoices):
    """A user's role (角色): administrator, evaluation officer, street officer, department reader,
    enterprise user; stored on the web Profile.
    """

    ADMINISTRATOR = "administrator", "管理员"
    EVALUATION_OFFICER = "evaluation_officer", "评价专员"
    STREET_OFFICER = "street_officer", "街道/镇干部"
    DEPARTMENT_READER = "department_reader", "部门查阅"
    ENTERPRISE_USER = "enterprise_user", "企业用户"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMINISTRATOR: frozenset(Action),
    Role.EVALUATION_OFFICER: frozenset(Action) - {Action.SUBMIT},
    # Street officers patrol their streets: they record inspections and disposal progress.
    Role.STREET_OFFICER: frozenset({Action.VIEW, Action.EXPORT, Action.HANDLE}),
    Role.DEPARTMENT_READER: frozenset({Action.VIEW, Action.EXPORT}),
    Role.ENTERPRISE_USER: frozenset({Action.VIEW, Action.EXPORT, Action.SUBMIT}),
}
# Roles that see whole resident ID numbers and other personal data.
PERSONAL_DATA_ROLES = frozenset({Role.ADMINISTRATOR, Role.EVALUATION_OFFICER})
# Roles that see the whole zone (no row filter).
ZONE_WIDE_ROLES = frozenset({Role.ADMINISTRATOR, Role.EVALUATION_OFFICER, Role.DEPARTMENT_READER})
# Roles that see evaluation runs before they are published.
UNPUBLISHED_ROLES = frozenset({Role.ADMINISTRATOR, Role.EVALUATION_OFFICER})


@dataclass(frozen=True)
class Scope:
    """What one user is, for one request."""

    role: Role | None
    jurisdiction_path: str | None = None
    enterprise_id: int | None = None

    @property
    def actions(self) -> frozenset[Action]:
        """The actions the role may take (``ROLE_ACTIONS``); none without a role."""
        return ROLE_ACTIONS.get(self.role, frozenset()) if self.role else frozenset()

    @property
    def zone_wide(self) -> bool:
        """True for roles that see the whole zone without a row filter (ZONE_WIDE_ROLES)."""
        return self.role in ZONE_WIDE_ROLES

    @property
    def sees_personal_data(self) -> bool:
        """True for roles that see whole resident ID numbers and other personal data."""
        return self.role in PERSONAL_DATA_ROLES

    @property
    def sees_unpublished(self) -> bool:
        """True for roles that see evaluation runs before they are published."""
        return self.role in UNPUBLISHED_ROLES

    def can(self, action: Action | str) -> bool:
        """True when the role may take ``action`` (an Action or its value; another text is a ValueError)."""
        return Action(action) in self.actions


NO_SCOPE = Scope(role=None)
SCOPE_ATTR = "_landcycle_scope"
_loader: list[Callable[[object], Scope]] = []


def install_scope_loader(loader: Callable[[object], Scope]) -> None:
    """Install the function that reads an authenticated user's scope (the accounts frame does)."""
    _loader[:] = [loader]


def scope_of(user) -> Scope:
    """The user's scope, read once per user object (one per request); ``NO_SCOPE`` for the
    anonymous, inactive, or before a loader is installed."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, SCOPE_ATTR, None)
    if cached is not None:
        return cached
    scope = _loader[0](user) if _loader else NO_SCOPE
    setattr(user, SCOPE_ATTR, scope)
    return scope


@dataclass(frozen=True)
class RowRule:
    """How a scoped role reaches rows of one model: a Q for a jurisdiction path prefix, a Q
    for an enterprise id, and optionally a Q that hides unpublished rows."""

    by_jurisdiction: Callable[[str], Q]
    by_enterprise: Callable[[int], Q]
    published: Q | None = None
    # What the public (anonymous users, the portal) may view; None = nothing.
    public: Callable[[], Q] | None = None


RULES: dict[type[Model], RowRule] = {}


def register(model: type[Model], rule: RowRule) -> None:
    """Register the row rule of ``model`` (once, by the app that owns the model)."""
    RULES[model] = rule


def publish(model: type[Model], public: Callable[[], Q]) -> None:
    """Let the public view the rows of ``model`` that ``public()`` selects. For an upper app
    that decides what of a lower app's model is public (the available-land list → parcels);
    raises KeyError when the model has no rule yet."""
    RULES[model] = replace(RULES[model], public=public)


def restrict(queryset: QuerySet, user, action: Action | str = Action.VIEW) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may ``action``; none if the model has no rule
    (models without one are for administrators only)."""
    scope = scope_of(user)
    rule = RULES.get(queryset.model)
    if scope.role is None:
        if Action(action) == Action.VIEW and rule is not None and rule.public is not None:
            return queryset.filter(rule.public())
        return queryset.none()
    if not scope.can(action):
        return queryset.none()
    if rule is None:
        return queryset if scope.role == Role.ADMINISTRATOR else queryset.none()
    if rule.published is not None and not scope.sees_unpublished:
        queryset = queryset.filter(rule.published)
    if scope.zone_wide:
        return queryset
    if scope.role == Role.STREET_OFFICER and scope.jurisdiction_path:
        return queryset.filter(rule.by_jurisdiction(scope.jurisdiction_path))
    if scope.role == Role.ENTERPRISE_USER and scope.enterprise_id:
        return queryset.filter(rule.by_enterprise(scope.enterprise_id))
    return queryset.none()


def permits(user, action: Action | str, obj: Model) -> bool:
    """Whether ``user`` may ``action`` the stored row ``obj`` (``restrict`` on that row). No
    query where the answer needs no row: a zone-wide role without a publication filter."""
    scope = scope_of(user)
    rule = RULES.get(type(obj))
    if (
        scope.zone_wide
        and scope.can(action)
        and rule is not None
        and (rule.published is None or scope.sees_unpublished)
    ):
        return True
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def restricted(model: type[Model], user, action: Action | str = Action.VIEW) -> QuerySet:
    """All rows of ``model`` that ``user`` may ``action``."""
    return restrict(model._default_manager.all(), user, action)


class RestrictedQuerySet(QuerySet):
    """``Model.objects.restrict(user, action)``: the one way pages, forms, filters and the API
    reach rows."""

    def restrict(self, user, action: Action | str = Action.VIEW) -> QuerySet:
        """The rows ``user`` may ``action`` (``permissions.restrict`` on this queryset)."""
        return restrict(self, user, action)
