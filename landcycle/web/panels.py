"""Panels of an object's card contributed by other apps (NetBox's template extensions, simply).

The ledger's parcel card knows nothing of evaluation or lifecycle; those apps register a panel
for ``Parcel`` (or ``Enterprise``) with a template and a function that returns its context for
one object and one user (``None`` = nothing to show). The card renders the panels in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    """A card section: ``template`` rendered with ``context(request, obj)``; ``order`` sorts."""

    name: str
    template: str
    context: Callable[[object, Model], dict | None]
    order: int = 100


PANELS: dict[type[Model], dict[str, Panel]] = {}


def register_panel(model: type[Model], panel: Panel) -> None:
    """Add (or replace, by name) a panel on the cards of ``model``."""
    PANELS.setdefault(model, {})[panel.name] = panel


def render_panels(request, obj: Model) -> list[str]:
    """The HTML of every panel registered for ``type(obj)`` that has something to show, in order."""
    html = []
    for panel in sorted(PANELS.get(type(obj), {}).values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, obj)
        if context is not None:
            html.append(render_to_string(panel.template, context, request=request))
    return html
