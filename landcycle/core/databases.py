"""Where small, frequent writes go: the ``state`` database on SQLite (see settings).

On SQLite one connection writes a file at a time, and an import holds the ledger's write lock
for its whole transaction (all or nothing). Sessions, login attempts, background jobs and their
queue therefore live in a second file, so logging in, starting a job and reporting progress
never wait behind an import. Without a ``state`` database (PostgreSQL) every model stays in
``default``. None of these tables has a foreign key into the ledger (a job keeps a user id).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

from django.conf import settings
from django.db import OperationalError, connections, router

STATE = "state"
# (app label, model name in lower case); model None means every model of the app.
STATE_MODELS = {
    ("sessions", None),
    ("web", "loginattempt"),
    ("jobs", None),
    ("django_tasks_database", None),
}


def has_state_database() -> bool:
    """True when a ``state`` database is configured (SQLite deployments)."""
    return STATE in settings.DATABASES


def is_state_model(app_label: str, model_name: str | None) -> bool:
    """True when the model ``app_label.model_name`` (lower case; None = any model of the app) lives
    in the ``state`` database (STATE_MODELS).
    """
    return (app_label, None) in STATE_MODELS or (app_label, model_name) in STATE_MODELS


class StateRouter:
    """Routes the state models to ``state`` when it exists; no opinion otherwise."""

    def _route(self, model, **hints):
        if has_state_database() and is_state_model(model._meta.app_label, model._meta.model_name):
            return STATE
        return None

    db_for_read = _route
    db_for_write = _route

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if not has_state_database():
            return None
        if model_name is None:  # RunPython/RunSQL: only where the app's tables are
            return (db == STATE) == ((app_label, None) in STATE_MODELS)
        return (db == STATE) == is_state_model(app_label, model_name)


def database_aliases() -> list[str]:
    """Every database to migrate: ``default`` and, on SQLite, ``state``."""
    return ["default", STATE] if has_state_database() else ["default"]


def update_last_login(sender, user, **kwargs):
    """Django's ``update_last_login`` that never makes a login wait for the ledger's write
    lock: on SQLite, while an import writes, the time is not stored (every login is still
    recorded, with its time, in ``LoginAttempt`` in the state database)."""
    from django.utils import timezone

    user.last_login = timezone.now()
    alias = router.db_for_write(type(user))
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        user.save(update_fields=["last_login"])
        return
    with sqlite_pragmas({"busy_timeout": 0}, using=alias):
        try:
            user.save(update_fields=["last_login"])
        except OperationalError:  # locked by a long write: skip, do not wait
            pass


@contextlib.contextmanager
def sqlite_pragmas(values: Mapping[str, int], using: str = "default") -> Iterator[None]:
    """Set integer SQLite PRAGMAs (``{"busy_timeout": ms, "cache_size": -KiB, ...}``) on the
    connection ``using`` for the block, and restore the values they had afterwards (also when
    the block raises). Does nothing on another database (PostgreSQL). Names are ours, never
    user input; a PRAGMA that cannot change in a transaction (temp_store) must be left out by
    the caller when ``connection.in_atomic_block``."""
    connection = connections[using]
    if connection.vendor != "sqlite" or not values:
        yield
        return
    previous = {}
    with connection.cursor() as cursor:
        for name, value in values.items():
            cursor.execute(f"PRAGMA {name}")
            previous[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in previous.items():
                cursor.execute(f"PRAGMA {name} = {value}")


# Rows a bulk write must reach before the SQLite statistics are refreshed (smaller writes
# barely move them); rows sampled per index by the refresh (SQLite's analysis_limit).
ANALYZE_AFTER_ROWS = 10_000
ANALYZE_SAMPLE_ROWS = 1_000


def refresh_statistics(rows_written: int | None = None, using: str = "default") -> bool:
    """Refresh the query planner's statistics after a bulk write of ``rows_written`` rows
    (None: whatever was written, e.g. when a server starts). SQLite keeps none by itself
    (PostgreSQL's autovacuum does): without them it drives an enterprise's results through
    every result of the run instead of the holder index. ``ANALYZE`` with ``analysis_limit``
    samples each index (about 30 ms at 100k parcels). Returns whether it ran; SQLite only."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    if rows_written is not None and rows_written < ANALYZE_AFTER_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {ANALYZE_SAMPLE_ROWS}")
        cursor.execute("ANALYZE")
    return True
