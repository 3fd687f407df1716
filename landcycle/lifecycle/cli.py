"""Subcommands: calendar, due, stockland, renewal, agreements, exit. Handlers parse and print;
the work is in ``landcycle.lifecycle.services``."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from landcycle.core.commands import CommandError, setup_django


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _years(text: str) -> tuple[int, int]:
    try:
        start, _, end = text.partition("-")
        return int(start), int(end or start)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not YYYY-YYYY") from None


def register(subparsers) -> None:
    p = subparsers.add_parser("calendar", help="official holidays and working days (节假日)")
    sub = p.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    q = sub.add_parser("seed", help="add the years chinese-calendar knows")
    q.set_defaults(handler=_calendar_seed)
    q = sub.add_parser("years", help="list the known years")
    q.set_defaults(handler=_calendar_years)
    q = sub.add_parser("add-year", help="add a year from a CSV: 日期,类型(放假|调休上班),名称")
    q.add_argument("year", type=int)
    q.add_argument("file", type=Path)
    q.add_argument("--source", default="", help="e.g. 国办发明电〔2026〕X号")
    q.add_argument("--replace", action="store_true", help="overwrite a known year")
    q.set_defaults(handler=_calendar_add_year)
    q = sub.add_parser("deadline", help="START + N days / working days / months")
    q.add_argument("start", type=_date)
    q.add_argument("n", type=int)
    q.add_argument(
        "--unit", choices=["working_days", "days", "months", "years"], default="working_days"
    )
    q.set_defaults(handler=_calendar_deadline)

    p = subparsers.add_parser("due", help="deadlines due or late (待办期限)")
    p.add_argument("--date", type=_date, help="as of (default today)")
    p.add_argument("--user", help="a username: that user's scope (default everything)")
    p.add_argument("--jurisdiction", help="a jurisdiction name: it and below")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--email", "--mail", action="store_true", help="e-mail each user their digest (Django mail)"
    )
    p.add_argument("--url", default="", help="the site's inbox address, ending each e-mail")
    p.set_defaults(handler=_due)

    p = subparsers.add_parser("stockland", help="stock land (存量土地): identify, disposal rate")
    sub = p.add_subparsers(dest="stockland_command", metavar="ACTION", required=True)
    q = sub.add_parser("identify", help="identify unsupplied/idle/low-efficiency land, open cases")
    q.add_argument("--date", type=_date)
    q.add_argument("--jurisdiction")
    q.add_argument("--policy", help="evaluation policy of the low-efficiency classes")
    q.set_defaults(handler=_stock_identify)
    q = sub.add_parser("rate", help="disposal rate against the target")
    q.add_argument("--date", type=_date)
    q.add_argument("--jurisdiction")
    q.set_defaults(handler=_stock_rate)

    p = subparsers.add_parser("renewal", help="renewal targets and progress (seeds/002)")
    sub = p.add_subparsers(dest="renewal_command", metavar="ACTION", required=True)
    q = sub.add_parser(
        "import-targets", help="import a street task decomposition table (CSV or xlsx)"
    )
    q.add_argument("file", type=Path)
    q.add_argument("--district", required=True)
    q.add_argument("--years", type=_years, required=True, help="e.g. 2024-2026")
    q.add_argument("--name", help="table name (default: the file name)")
    q.set_defaults(handler=_renewal_import)
    q = sub.add_parser("progress", help="street progress, ranking and reward")
    q.add_argument("--table", help="table name (default: the newest)")
    q.add_argument("--date", type=_date)
    q.set_defaults(handler=_renewal_progress)

    p = subparsers.add_parser("agreements", help="supervision agreements (履约监管协议)")
    sub = p.add_subparsers(dest="agreements_command", metavar="ACTION", required=True)
    q = sub.add_parser("check", help="list every breach in a year")
    q.add_argument("--year", type=int, required=True)
    q.set_defaults(handler=_agreements_check)

    p = subparsers.add_parser("exit", help="exit proceedings (退出机制)")
    sub = p.add_subparsers(dest="exit_command", metavar="ACTION", required=True)
    q = sub.add_parser("candidates", help="possible exit triggers to verify (核实)")
    q.add_argument("--year", type=int, required=True)
    q.set_defaults(handler=_exit_candidates)
    q = sub.add_parser("notice", help="write a case's notice as DOCX")
    q.add_argument("case", type=int)
    q.add_argument("--kind", choices=["interview", "rectification", "exit"], required=True)
    q.add_argument("--output", type=Path, required=True)
    q.set_defaults(handler=_exit_notice)


def _today(args) -> dt.date:
    return getattr(args, "date", None) or dt.date.today()


def _jurisdiction(name: str | None):
    if not name:
        return None
    from landcycle.ledger.models import Jurisdiction

    found = list(Jurisdiction.objects.filter(name=name)[:2])
    if not found:
        raise CommandError(f"no jurisdiction named {name!r}")
    if len(found) > 1:
        raise CommandError(f"more than one jurisdiction is named {name!r}")
    return found[0]


def _calendar_seed(args) -> int:
    setup_django()
    from .services.calendar import seed_from_package

    added = seed_from_package()
    print(f"added {len(added)} years" + (f": {added[0]}–{added[-1]}" if added else ""))
    return 0


def _calendar_years(args) -> int:
    setup_django()
    from .models import CalendarYear

    for row in CalendarYear.objects.all():
        print(f"{row.year}\t{row.source}")
    return 0


def _calendar_add_year(args) -> int:
    setup_django()
    from .services import LifecycleError
    from .services.calendar import add_year_from_file

    try:
        count = add_year_from_file(args.year, args.file, args.source, args.replace)
    except LifecycleError as exc:
        raise CommandError(str(exc)) from None
    print(f"{args.year}: {count} days recorded")
    return 0


def _calendar_deadline(args) -> int:
    setup_django()
    from .rules import Period
    from .services.calendar import load_calendar
    from .workcalendar import CalendarUnknown

    try:
        print(load_calendar().add_period(args.start, Period(args.n, args.unit)).isoformat())
    except CalendarUnknown as exc:
        raise CommandError(str(exc)) from None
    return 0


def _due(args) -> int:
    setup_django()
    from .services.due import digest_text, inbox, send_digests

    today = _today(args)
    if args.email:
        print(f"sent {send_digests(today, inbox_url=args.url)} digests")
        return 0
    who = None
    if args.user:
        from django.contrib.auth import get_user_model

        who = get_user_model().objects.filter(username=args.user).first()
        if who is None:
            raise CommandError(f"no user {args.user!r}")
    elif args.jurisdiction:
        who = _jurisdiction(args.jurisdiction)
    box = inbox(who, today)
    if args.format == "json":
        rows = [
            {**dataclasses.asdict(i), "due": i.due.isoformat() if i.due else None}
            for i in box.items
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print(digest_text(box))
    return 0


def _stock_identify(args) -> int:
    setup_django()
    from landcycle.core.context import changes_by

    from .services.stockland import sync_cases

    with changes_by(source="cli stockland identify"):
        report = sync_cases(
            _today(args), jurisdiction=_jurisdiction(args.jurisdiction), policy_name=args.policy
        )
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.category] = counts.get(f.category, 0) + 1
    run = report.evaluation_run
    print(
        f"evaluation run: {run if run else 'none final (no low-efficiency land from evaluation)'}"
    )
    for category, count in sorted(counts.items()):
        print(f"{category}\t{count}")
    print(
        f"new cases {report.created}, already open {report.already_open}, "
        f"no longer found (to review) {len(report.no_longer_found)}"
    )
    fees = [f for f in report.findings if f.fee_due]
    takes = [f for f in report.findings if f.take_back]
    print(f"idle-land fee due {len(fees)}, may be taken back {len(takes)}")
    return 0


def _stock_rate(args) -> int:
    setup_django()
    from .services.stockland import disposal_rate

    rate = disposal_rate(_today(args), _jurisdiction(args.jurisdiction))
    area = f"{rate.area_rate:.1%}" if rate.area_rate is not None else "—"
    print(
        f"parcels {rate.disposed}/{rate.total}, area {rate.disposed_area_m2 / 10_000:,.2f}/"
        f"{rate.total_area_m2 / 10_000:,.2f} ha = {area} (target {rate.target:.0%}): "
        f"{'met' if rate.meets_target else 'not met'}"
    )
    return 0


def _renewal_import(args) -> int:
    setup_django()
    from .services import LifecycleError
    from .services.renewal import import_task_table, street_totals

    start, end = args.years
    try:
        table = import_task_table(
            args.file,
            district_name=args.district,
            name=args.name or args.file.stem,
            start_year=start,
            end_year=end,
        )
    except LifecycleError as exc:
        raise CommandError(str(exc)) from None
    streets = table.targets.values("street").distinct().count()
    print(
        f"{table.name}: {streets} streets, {table.targets.count()} targets; "
        f"street totals = district totals for {len(street_totals(table)) - 1} additive indicators"
    )
    return 0


def _renewal_progress(args) -> int:
    setup_django()
    from .models import TaskTable
    from .services.renewal import ADDITIVE, progress

    tables = TaskTable.objects.order_by("-imported_at", "-id")
    table = tables.filter(name=args.table).first() if args.table else tables.first()
    if table is None:
        raise CommandError("no task table (landcycle renewal import-targets …)")
    print(f"{table.name} ({table.start_year}–{table.end_year})")
    for item in progress(table, _today(args)):
        parts = [f"{k}={(item.ratio(k) or 0):.0%}" for k in ADDITIVE]
        growth = item.actual.get("tax_per_mu_growth")
        reward = f"{item.reward_10k_cny:,.2f} 万元" if item.reward_10k_cny is not None else "—"
        print(
            f"{item.rank:>2} {item.street}\t{item.completion:.0%}\t{' '.join(parts)}\t"
            f"亩均税增长={growth if growth is not None else '—'}%\t奖励 {reward}"
        )
    return 0


def _agreements_check(args) -> int:
    setup_django()
    from .services.agreements import check_year

    breaches = check_year(args.year)
    for b in breaches:
        print(f"{b.number}\t{b.parcel_code}\t{b.enterprise}\t{b.reason}")
    print(f"{len(breaches)} breaches")
    return 0


def _exit_candidates(args) -> int:
    setup_django()
    from landcycle.ledger.models import Enterprise, Parcel

    from .models import ExitCase
    from .services.exits import candidates

    found = candidates(args.year)
    names = dict(
        Enterprise.objects.filter(pk__in={c.enterprise_id for c in found}).values_list("pk", "name")
    )
    codes = dict(
        Parcel.objects.filter(pk__in={c.parcel_id for c in found}).values_list("pk", "code")
    )
    for c in found:
        print(
            f"{codes.get(c.parcel_id, '—')}\t{names.get(c.enterprise_id, '')}\t"
            f"{ExitCase.Trigger(c.trigger).label}\t{c.facts}"
        )
    print(f"{len(found)} candidates")
    return 0


def _exit_notice(args) -> int:
    setup_django()
    from .models import ExitCase
    from .notices import NoticeError, exit_notice_docx

    case = ExitCase.objects.filter(pk=args.case).first()
    if case is None:
        raise CommandError(f"no exit case {args.case}")
    try:
        data = exit_notice_docx(case, args.kind)
    except NoticeError as exc:
        raise CommandError(str(exc)) from None
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0
