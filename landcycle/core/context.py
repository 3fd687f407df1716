"""Who is changing the ledger right now, and why (set by the web middleware or the CLI)."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeContext:
    user_id: int | None = None
    source: str = ""  # e.g. "web", "cli import demo.xlsx", "demo"


_NOBODY = ChangeContext()
_current: ContextVar[ChangeContext | None] = ContextVar("landcycle_change_context", default=None)


def current() -> ChangeContext:
    return _current.get() or _NOBODY


@contextlib.contextmanager
def changes_by(user_id: int | None = None, source: str = ""):
    token = _current.set(ChangeContext(user_id=user_id, source=source))
    try:
        yield
    finally:
        _current.reset(token)
