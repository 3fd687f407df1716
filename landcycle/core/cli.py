"""``landcycle uscc-exceptions``: the administrator-kept list of verified USCC exceptions."""

from __future__ import annotations

import getpass


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "uscc-exceptions",
        help="verified credit codes that fail the GB 32100 check (校验码例外名单)",
        description=(
            "Codes genuinely issued but failing the GB 32100 check character. Imports accept "
            "exactly the listed codes; every other code failing the check is refused."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="show the list (code, who, when, why)")
    listing.set_defaults(handler=list_command)
    adding = actions.add_parser("add", help="add a verified code")
    adding.add_argument("code", metavar="CODE")
    adding.add_argument("--reason", required=True, help="how it was verified (核实依据)")
    adding.add_argument("--by", default=None, help="who adds it (default: the login name)")
    adding.set_defaults(handler=add_command)
    removing = actions.add_parser("remove", help="remove a code; imports refuse it again")
    removing.add_argument("code", metavar="CODE")
    removing.add_argument("--reason", required=True, help="why it is removed")
    removing.add_argument("--by", default=None, help="who removes it (default: the login name)")
    removing.set_defaults(handler=remove_command)


def _who(args) -> str:
    if args.by:
        return args.by
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        return "cli"


def list_command(args) -> int:
    from landcycle.core.commands import setup_django

    setup_django()
    from . import uscc_exceptions

    entries = uscc_exceptions.listed()
    if not entries:
        print("例外名单为空 no exceptions listed")
        return 0
    for entry in entries:
        print(f"{entry.code}\t{entry.added_at:%Y-%m-%d %H:%M}\t{entry.added_by}\t{entry.reason}")
    return 0


def add_command(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from . import uscc_exceptions

    try:
        entry = uscc_exceptions.add(args.code, args.reason, added_by=_who(args))
    except uscc_exceptions.ExceptionRefused as exc:
        raise CommandError(str(exc)) from None
    print(f"已加入例外名单 added {entry.code}")
    return 0


def remove_command(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from . import uscc_exceptions

    try:
        uscc_exceptions.remove(args.code, args.reason, removed_by=_who(args))
    except uscc_exceptions.ExceptionRefused as exc:
        raise CommandError(str(exc)) from None
    print(f"已移出例外名单 removed {args.code.strip().upper()}")
    return 0
