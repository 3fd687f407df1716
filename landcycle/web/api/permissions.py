"""The API's role check: the user's role must allow the request's action."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from landcycle.web.permissions import Action, scope_of


class RoleActionPermission(BasePermission):
    """Reads need the view action, writes the change action; rows are cut by ``restrict``."""

    def has_permission(self, request, view):
        """True when the role may VIEW (safe methods) or CHANGE (any other method)."""
        action = Action.VIEW if request.method in SAFE_METHODS else Action.CHANGE
        return scope_of(request.user).can(action)
