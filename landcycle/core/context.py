"""Who is changing the ledger right now, and why (set by the web middleware or the CLI)."""

from __future__ import annotations

import contextlib
import getpass
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeContext:
    """Who makes the current changes (user id and name copied), from where (``source``), and the
    operation (an import batch, an evaluation run …) each change record links to.
    """

    user_id: int | None = None
    source: str = ""  # e.g. "web POST /imports/", "cli import demo.xlsx", "demo"
    # The actor's name as it reads at the time of the change (kept when the user is deleted).
    user_name: str = ""
    # The operation the change belongs to (an import batch, an evaluation run …): a model
    # instance, linked from each change record without core knowing the model.
    operation: object | None = None


_NOBODY = ChangeContext()
_current: ContextVar[ChangeContext | None] = ContextVar("landcycle_change_context", default=None)


def current() -> ChangeContext:
    """The ChangeContext in force (set by ``changes_by``); an anonymous empty one outside any."""
    return _current.get() or _NOBODY


def command_line_user() -> str:
    """The operating-system account running a command, as "命令行 <name>"."""
    try:
        return f"命令行 {getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "命令行"


@contextlib.contextmanager
def changes_by(
    user_id: int | None = None,
    source: str = "",
    user_name: str | None = None,
    operation: object | None = None,
):
    """Attribute the changes made inside to a user (or, with no user, to the command line's
    account) and optionally to an operation (a model instance, e.g. an ``ImportBatch``).
    Nested calls inherit the operation and the user of the enclosing one unless given."""
    outer = current()
    if user_id is None and user_name is None:
        user_id, user_name = outer.user_id, outer.user_name or None
    if user_name is None:
        user_name = _name_of(user_id) if user_id is not None else command_line_user()
    context = ChangeContext(
        user_id=user_id,
        source=source or outer.source,
        user_name=user_name,
        operation=operation if operation is not None else outer.operation,
    )
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def _name_of(user_id: int) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model()._base_manager.filter(pk=user_id).first()
    if user is None:
        return ""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()
