"""Helpers of the browser walks (``test_browser_*.py``): a fresh page per role, the menu,
screenshots, and who the change log says made the last change of a record."""

from __future__ import annotations

import os
from pathlib import Path

from django.contrib.contenttypes.models import ContentType

from landcycle.core.models import ChangeRecord
from tests.web.test_browser import log_in

# Set LANDCYCLE_SCREENSHOTS=DIR to keep a screenshot of every page a walk passes through.
SHOTS = os.environ.get("LANDCYCLE_SCREENSHOTS")


class Session:
    """One user's browser context and page; ``close()`` fails the test on a JavaScript error."""

    def __init__(self, browser, base: str, username: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.base = base
        log_in(self.page, base, username)

    def menu(self, label: str, url: str) -> None:
        """Open the 全生命周期 group of the header menu and follow ``label`` to ``url``."""
        self.page.click("header summary:has-text('全生命周期')")
        self.page.click(f"header a:has-text('{label}')")
        self.page.wait_for_url(f"{self.base}{url}")

    def close(self) -> None:
        self.context.close()
        assert not self.errors, self.errors


def shot(page, name: str) -> None:
    """A full-page screenshot ``name``.png in $LANDCYCLE_SCREENSHOTS (nothing when unset)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def changed_by(obj) -> list[tuple[str, str, str]]:
    """``[(username, action, status after)]`` of ``obj``'s change records, oldest first."""
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("time", "id")
    return [
        (r.user.username if r.user else "", r.action, (r.after or {}).get("status", ""))
        for r in records.select_related("user")
    ]
