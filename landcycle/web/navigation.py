"""The navigation menu: each app registers its own entries (from its ``AppConfig.ready``), so the
frame's base template never names an app's page.

NetBox keeps its menu in one module above the apps; here apps register into a registry below
them, which keeps the frame free of app imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from landcycle.core.permissions import Action, Scope


@dataclass(frozen=True)
class MenuItem:
    """One entry: a label (Chinese; translated by the template), a URL name, the action a role
    needs to see it, and the order among entries (lower first)."""

    label: str
    url_name: str
    action: Action = Action.VIEW
    order: int = 100


MENU: dict[str, MenuItem] = {}


def register_menu_item(item: MenuItem) -> None:
    """Add (or replace, by URL name) an entry of the menu."""
    MENU[item.url_name] = item


def menu_for(scope: Scope) -> list[dict]:
    """The entries ``scope`` may use, in order: ``[{"label", "url", "url_name"}]``."""
    items = []
    for item in sorted(MENU.values(), key=lambda i: (i.order, i.label)):
        if not scope.can(item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "url_name": item.url_name})
    return items
