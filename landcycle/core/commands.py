"""What every subcommand module needs from the ``landcycle`` command: the one-line error and
Django's set-up. Kept in the frame so apps' command modules need not import the command itself."""

from __future__ import annotations

import os


class CommandError(Exception):
    """A failure to report to the user in one line (exit status 1 unless given)."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def setup_django(migrate: bool = True) -> None:
    """Configure Django and bring the database schema up to date (quietly, only if needed)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor

        from landcycle.core.databases import database_aliases

        for alias in database_aliases():  # on SQLite also the state file (core.databases)
            executor = MigrationExecutor(connections[alias])
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                call_command("migrate", database=alias, interactive=False, verbosity=0)
