"""The ``landcycle`` command. Each feature package contributes its subcommands.

A subcommand module has ``register(subparsers)`` which adds parsers whose ``handler`` default is
a function taking the parsed arguments and returning an exit status. Errors meant for the user
are raised as ``CommandError`` and printed as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = [
    "landcycle.ledger.cli",
    "landcycle.imports.cli",
    "landcycle.evaluation.cli",
    "landcycle.demo.cli",
    "landcycle.web.cli",
    "landcycle.lifecycle.cli",
    "landcycle.core.cli",
    "landcycle.core.backup_cli",
    "landcycle.jobs.cli",
]


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landcycle",
        description="Industrial land over its whole life (产业用地全生命周期管理).",
    )
    parser.add_argument("--version", action="version", version=f"landcycle {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _version() -> str:
    from landcycle import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"landcycle {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"landcycle {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    # Run through the package module so handlers and this entry share one CommandError class.
    from landcycle.cli import main as package_main

    sys.exit(package_main())
