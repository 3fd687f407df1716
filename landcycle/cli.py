"""The ``landcycle`` command. Each feature package contributes its subcommands.

A subcommand module has ``register(subparsers)`` which adds parsers whose ``handler`` default is
a function taking the parsed arguments and returning an exit status. Errors meant for the user
are raised as ``CommandError`` and printed as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from landcycle.core.commands import CommandError, setup_django  # noqa: F401  (re-exported)

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
