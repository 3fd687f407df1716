"""Template context of every page: the user's role label and the navigation menu."""

from .navigation import menu_for
from .permissions import Action, scope_of


def role(request):
    """The user's role label and what the navigation may offer."""
    scope = scope_of(getattr(request, "user", None))
    return {
        "role_label": scope.role.label if scope.role else "",
        "can_import": scope.can(Action.IMPORT),
        "menu": menu_for(scope) if scope.role else [],
    }
