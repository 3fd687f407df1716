"""The navigation menu: each app registers its own entries (from its ``AppConfig.ready``), so the
frame's base template never names an app's page.

NetBox keeps its menu in one module above the apps; here apps register into a registry below
them, which keeps the frame free of app imports.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from html import escape

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from landcycle.core.permissions import Action, Scope


@dataclass(frozen=True)
class MenuItem:
    """One entry: a label (Chinese; translated by the template), a URL name, the action a role
    needs to see it, and the order among entries (lower first)."""

    label: str
    url_name: str
    action: Action = Action.VIEW
    order: int = 100
    # A drop-down the entry sits in ("全生命周期"); empty = on the bar itself.
    group: str = ""


MENU: dict[str, MenuItem] = {}
# The menu of each set of actions, built once per process: every page renders it (and each card
# panel's template again), and it depends only on the role's actions, the registry and the URLs.
_built: dict[tuple, list[dict]] = {}
_lock = threading.Lock()


# The menu's HTML per set of actions and language: pieces of text, and the URL names where
# ``aria-current`` goes on the current page (the template loop with a translation per entry
# cost ~0.5 ms of every page).
_html: dict[tuple, list[str | tuple[str]]] = {}
CURRENT = ' aria-current="page"'


def register_menu_item(item: MenuItem) -> None:
    """Add (or replace, by URL name) an entry of the menu."""
    with _lock:
        MENU[item.url_name] = item
        _built.clear()
        _html.clear()


def _menu_key(scope: Scope) -> tuple:
    return (scope.actions, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def menu_for(scope: Scope) -> list[dict]:
    """The entries ``scope`` may use, in order: ``[{"label", "url", "url_name", "items"}]``;
    a group is one entry whose ``items`` are its entries (and whose ``url`` is empty). Shared
    between requests: read it, never change it."""
    key = _menu_key(scope)
    menu = _built.get(key)
    if menu is None:
        menu = _build(scope)
        with _lock:
            _built[key] = menu
    return menu


def menu_html(scope: Scope, view_name: str = "") -> SafeString:
    """The menu of ``scope`` as the header's links, labels translated to the active language and
    escaped; a group is a ``<details>`` drop-down. The entry whose URL name is ``view_name`` (the
    page being shown) carries ``aria-current="page"``. Built once per set of actions and
    language."""
    key = (*_menu_key(scope), get_language())
    pieces = _html.get(key)
    if pieces is None:
        pieces = _pieces(menu_for(scope))
        with _lock:
            _html[key] = pieces
    out = [
        piece if isinstance(piece, str) else (CURRENT if piece[0] == view_name else "")
        for piece in pieces
    ]
    return mark_safe("".join(out))  # noqa: S308 - labels and URLs are escaped in _pieces


def _pieces(menu: list[dict]) -> list[str | tuple[str]]:
    def link(entry) -> list:
        label = escape(gettext(entry["label"]))
        return [f'<a href="{escape(entry["url"])}"', (entry["url_name"],), f">{label}</a>"]

    pieces: list[str | tuple[str]] = []
    for entry in menu:
        if entry["items"]:
            summary = escape(gettext(entry["label"]))
            pieces.append(f'<details class="menu-group"><summary>{summary}</summary><div>')
            for sub in entry["items"]:
                pieces += link(sub)
            pieces.append("</div></details>\n")
        else:
            pieces += [*link(entry), "\n"]
    return pieces


def _build(scope: Scope) -> list[dict]:
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for item in sorted(MENU.values(), key=lambda i: (i.order, i.label)):
        if not scope.can(item.action):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entry = {"label": item.label, "url": url, "url_name": item.url_name, "items": []}
        if not item.group:
            items.append(entry)
        elif item.group in groups:
            groups[item.group]["items"].append(entry)
        else:
            groups[item.group] = {"label": item.group, "url": "", "url_name": "", "items": [entry]}
            items.append(groups[item.group])
    return items


def register_app_views(package: str) -> None:
    """Register what ``package`` (an app's ``views`` module, or each module of its ``views``
    package) declares: ``MENU`` (MenuItems), ``PANELS`` ((model, Panel) pairs) and ``PROBES``
    ((model, tag, rows) triples, ``web.probes``). Called from the app's ``ready``, so a new page
    module needs no edit of a shared file."""
    import importlib
    import pkgutil

    from .panels import register_panel
    from .probes import register_probe

    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.iter_modules(getattr(root, "__path__", [])):
        modules.append(importlib.import_module(f"{package}.{info.name}"))
    for module in modules:
        for entry in getattr(module, "MENU", ()):
            register_menu_item(entry)
        for model, panel in getattr(module, "PANELS", ()):
            register_panel(model, panel)
        for model, tag, rows in getattr(module, "PROBES", ()):
            register_probe(model, tag, rows)
