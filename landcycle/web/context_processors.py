"""Template context of every page: the user's role label and the navigation menu."""

from .navigation import menu_html
from .permissions import Action, scope_of


def role(request):
    """The user's role label and what the navigation may offer: ``menu_html`` (the header's
    links, built only when a template shows them)."""
    scope = scope_of(getattr(request, "user", None))

    def header_links():
        if not scope.role:
            return ""
        match = getattr(request, "resolver_match", None)
        return menu_html(scope, match.view_name if match else "")

    return {
        "role_label": scope.role.label if scope.role else "",
        "can_import": scope.can(Action.IMPORT),
        "menu_html": header_links,
    }
