"""Subcommands of the annual evaluation: evaluate, results, policies, runs, publish, finalize,
objection, correct, lists, compare, adopt. Handlers parse and print; the work is in the services."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import unicodedata
from pathlib import Path

from landcycle.core.commands import CommandError, setup_django


def register(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="run the annual evaluation (年度综合评价)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--policy", help="policy name (default beijing-etown-2023)")
    p.set_defaults(handler=_evaluate)

    p = subparsers.add_parser("results", help="one row per parcel of an evaluation")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--policy")
    p.add_argument("--run", type=int, help="a run id (default: the year's newest run)")
    p.add_argument("--format", choices=["csv", "json", "xlsx"])
    p.add_argument("--output", type=Path, help="file to write (default: standard output)")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of reasons")
    p.set_defaults(handler=_results)

    p = subparsers.add_parser("policies", help="list shipped and user policies")
    p.set_defaults(handler=_policies)

    p = subparsers.add_parser("runs", help="list evaluation runs")
    p.add_argument("--year", type=int)
    p.add_argument("--policy")
    p.set_defaults(handler=_runs)

    p = subparsers.add_parser("publish", help="put a draft run on public notice (公示)")
    p.add_argument("run", type=int)
    p.add_argument("--start", type=_date, help="first day of the notice (default today)")
    p.set_defaults(handler=_publish)

    p = subparsers.add_parser("finalize", help="make a run final (after its notice period)")
    p.add_argument("run", type=int)
    p.add_argument(
        "--force",
        action="store_true",
        help="before the notice period ends (recorded); never past unanswered objections",
    )
    p.set_defaults(handler=_finalize)

    p = subparsers.add_parser("objection", help="objections (异议) during the notice")
    sub = p.add_subparsers(dest="objection_command", metavar="ACTION", required=True)
    q = sub.add_parser("add", help="record an objection")
    q.add_argument("run", type=int)
    q.add_argument("--parcel", required=True, help="宗地编号")
    q.add_argument("--by", required=True, help="who raises it")
    q.add_argument("--text", required=True)
    q.add_argument("--uscc", help="the objecting enterprise (default: the parcel's holder)")
    q.add_argument("--on", type=_date, help="date raised (default today)")
    q.set_defaults(handler=_objection_add)
    q = sub.add_parser("answer", help="answer an objection")
    q.add_argument("objection", type=int)
    q.add_argument("--answer", required=True)
    q.add_argument("--by", required=True, help="who answers")
    verdict = q.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--upheld", dest="upheld", action="store_true", help="异议成立")
    verdict.add_argument("--rejected", dest="upheld", action="store_false", help="异议不成立")
    q.add_argument("--on", type=_date)
    q.set_defaults(handler=_objection_answer)
    q = sub.add_parser("list", help="list a run's objections")
    q.add_argument("run", type=int)
    q.set_defaults(handler=_objection_list)

    p = subparsers.add_parser(
        "correct", help="re-run after the ledger was corrected; names the run it corrects"
    )
    p.add_argument("run", type=int)
    p.add_argument("--note", default="", help="why (required for a final run)")
    p.set_defaults(handler=_correct)

    p = subparsers.add_parser("lists", help="lists that follow from the classes (名单)")
    p.add_argument("--run", type=int, help="run id (default: the year's current run)")
    p.add_argument("--year", type=int)
    p.add_argument("--policy", help="a what-if: the final run of another policy")
    p.add_argument("--zone", help="zone whose current run (when there are several)")
    p.add_argument("--output", type=Path, help="directory to write the lists into")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument(
        "--preview", action="store_true", help="allow a run that is not final (marked 预览)"
    )
    p.set_defaults(handler=_lists)

    p = subparsers.add_parser(
        "adopt", help="adopt a zone's policy for a year (采用政策); --list shows adoptions"
    )
    p.add_argument("--year", type=int)
    p.add_argument("--policy", help="policy name")
    p.add_argument("--zone", help="top-level jurisdiction (default: the only one)")
    p.add_argument("--reason", help="why (采用理由, recorded)")
    p.add_argument("--list", action="store_true", help="list adoptions and current runs")
    p.set_defaults(handler=_adopt)

    p = subparsers.add_parser("compare", help="compare two policies on the same year")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--policy", action="append", required=True, help="give it twice")
    p.add_argument("--output", type=Path, help=".xlsx or .csv")
    p.set_defaults(handler=_compare)


# ---------------------------------------------------------------- helpers


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(headers: list[str], rows: list[list], out=None) -> None:
    out = out or sys.stdout
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]

    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))

    print(line(headers).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print(line(row).rstrip(), file=out)


def _context(command: str):
    from landcycle.core.context import changes_by

    try:
        who = getpass.getuser()
    except Exception:  # no login name in some containers
        who = "?"
    return changes_by(source=f"cli {command} ({who})")


def _run_services():
    setup_django()
    from . import services

    return services


def _fail(exc: Exception) -> CommandError:
    return CommandError(str(exc))


# ---------------------------------------------------------------- handlers


def _evaluate(args) -> int:
    services = _run_services()
    try:
        with _context("evaluate"):
            run = services.run_evaluation(args.year, args.policy)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    _print_summary(services, run)
    return 0


def _print_summary(services, run) -> None:
    from .lists import class_summary, year_over_year

    print(
        f"评价批次 run #{run.pk}: {run.year} · {run.policy_name} {run.policy_version}"
        f" · {run.parcel_count} 宗地 · {run.get_status_display()}"
    )
    print(f"inputs {run.inputs_fingerprint[:16]} · policy {run.policy_hash[:16]}")
    print(run_role(run))
    summary = class_summary(run)
    print_table(
        ["类别 class", "宗地 parcels", "占比 share", "面积 (公顷) area ha"],
        [
            [row["class"], row["parcels"], f"{row['share']:.1%}", f"{row['area_ha']:,.2f}"]
            for row in summary.iter_rows(named=True)
        ],
    )
    moves = year_over_year(run)
    if run.previous_run_id and moves.height:
        print(f"与 {run.year - 1} 年 (run #{run.previous_run_id}) 相比 / changes since last year:")
        print_table(
            ["变化 move", "宗地 parcels"],
            [[row["move"], row["parcels"]] for row in moves.iter_rows(named=True)],
        )


def _results(args) -> int:
    services = _run_services()
    from landcycle.core.safe_output import XLSX_FRAME_OPTIONS, csv_safe_frame, open_workbook

    from .lists import results_table

    try:
        run = (
            services.find_run(args.run) if args.run else services.latest_run(args.year, args.policy)
        )
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    if args.run and run.year != args.year:
        raise CommandError(f"run #{run.pk} is of {run.year}, not {args.year}")
    table = results_table(run, lang=args.lang)
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output else "csv")
    if fmt not in ("csv", "json", "xlsx"):
        raise CommandError(f"unknown format {fmt!r}: csv, json or xlsx")
    if fmt == "xlsx" and not args.output:
        raise CommandError("xlsx needs --output FILE")
    if fmt == "csv":
        if args.output:
            csv_safe_frame(table).write_csv(args.output)
        else:
            sys.stdout.write(csv_safe_frame(table).write_csv())
    elif fmt == "json":
        text = table.write_json()
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    else:
        with open_workbook(str(args.output), XLSX_FRAME_OPTIONS) as workbook:
            table.write_excel(workbook, worksheet="评价结果", autofit=True)
    if args.output:
        print(f"{table.height} rows → {args.output}", file=sys.stderr)
    print(f"run #{run.pk}: {run_role(run)}", file=sys.stderr)
    return 0


def _policies(args) -> int:
    services = _run_services()
    rows = []
    for info in services.available_policies():
        origin = "shipped 内置" if info.shipped else "user 用户"
        default = " (default)" if info.name == services.DEFAULT_POLICY else ""
        rows.append(
            [f"{info.name}{default}", info.version, info.kind, origin, info.title_zh, info.path]
        )
    print_table(["name", "version", "kind", "source", "title", "file"], rows)
    return 0


def _runs(args) -> int:
    _run_services()
    from .models import EvaluationRun

    runs = EvaluationRun.objects.all()
    if args.year:
        runs = runs.filter(year=args.year)
    if args.policy:
        runs = runs.filter(policy_name=args.policy)
    from .adoption import what_if_ids

    runs = list(runs.order_by("-year", "-id"))
    what_ifs = what_if_ids(runs)
    rows = []
    for run in runs:
        counts = " ".join(f"{k}:{v}" for k, v in sorted(run.class_counts.items()))
        notice = f"{run.notice_start} – {run.notice_end}" if run.notice_start else ""
        rows.append(
            [
                run.pk,
                run.year,
                run.policy_name,
                "模拟 what-if" if run.pk in what_ifs else "采用 adopted",
                run.status,
                notice,
                f"#{run.corrects_id}" if run.corrects_id else "",
                counts,
                run.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            ]
        )
    print_table(
        ["run", "year", "policy", "用途 role", "status", "公示 notice", "corrects", "classes",
         "created"],
        rows,
    )  # fmt: skip
    return 0


def _publish(args) -> int:
    services = _run_services()
    try:
        with _context("publish"):
            run = services.publish(services.find_run(args.run), start=args.start)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    print(
        f"run #{run.pk} 公示 notice {run.notice_start} – {run.notice_end} ({run.notice_days or 0} 天)"
    )
    return 0


def _finalize(args) -> int:
    services = _run_services()
    try:
        with _context("finalize"):
            run = services.finalize(services.find_run(args.run), force=args.force)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    forced = " (提前 forced)" if run.forced else ""
    print(f"run #{run.pk} final 已生效{forced}")
    return 0


def _objection_add(args) -> int:
    services = _run_services()
    try:
        objection = services.raise_objection(
            services.find_run(args.run),
            args.parcel,
            args.by,
            args.text,
            on=args.on,
            enterprise_uscc=args.uscc,
        )
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    print(f"objection #{objection.pk} recorded on {objection.raised_on}")
    return 0


def _objection_answer(args) -> int:
    services = _run_services()
    try:
        objection = services.answer_objection(
            services.find_objection(args.objection), args.answer, args.by, args.upheld, on=args.on
        )
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    verdict = "成立 upheld" if objection.upheld else "不成立 rejected"
    print(f"objection #{objection.pk} answered: {verdict}")
    return 0


def _objection_list(args) -> int:
    services = _run_services()
    try:
        run = services.find_run(args.run)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    rows = []
    for o in run.objections.select_related("parcel").order_by("id"):
        verdict = "" if o.upheld is None else ("成立" if o.upheld else "不成立")
        rows.append(
            [
                o.pk,
                o.parcel.code,
                o.raised_by,
                o.raised_on,
                o.text,
                verdict,
                o.answered_by,
                f"#{o.correction_id}" if o.correction_id else "",
            ]
        )
    print_table(["id", "宗地", "提出人", "日期", "内容", "结论", "答复人", "更正"], rows)
    return 0


def _correct(args) -> int:
    services = _run_services()
    try:
        with _context("correct"):
            run = services.correct(services.find_run(args.run), note=args.note)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    print(f"run #{run.pk} corrects run #{run.corrects_id}")
    _print_summary(services, run)
    return 0


def _lists(args) -> int:
    services = _run_services()
    from . import lists

    try:
        if args.run:
            run = services.find_run(args.run)
        elif args.year and args.policy:
            run = services.latest_final_run(args.year, args.policy)
            if run is None:
                raise services.EvaluationError(
                    f"no final run of {args.year} with {args.policy} "
                    "(give --run ID --preview for a draft)"
                )
        elif args.year:
            run = _current_run(services, args.year, args.zone)
        else:
            raise services.EvaluationError("give --run ID or --year Y")
        print(run_role(run))
        built = lists.build_lists(run, preview=args.preview)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    for item in built:
        print(f"{item.title_zh} ({item.key}): {item.frame.height}")
    if args.output:
        written = lists.export_lists(built, args.output, fmt=args.format)
        for path in written:
            print(f"→ {path}")
    return 0


def _compare(args) -> int:
    services = _run_services()
    from . import compare

    if len(args.policy) != 2:
        raise CommandError("give --policy exactly twice")
    try:
        result = compare.compare(args.year, *args.policy)
    except (services.EvaluationError, ValueError) as exc:
        raise _fail(exc) from exc
    matrix = result.matrix()
    print(f"{args.year}: {result.first} (rows) → {result.second} (columns)")
    print_table(
        [f"{result.first} \\ {result.second}", *matrix.columns[1:]],
        [list(row) for row in matrix.iter_rows()],
    )
    for cell in result.cells().iter_rows(named=True):
        if cell["first_class"] == cell["second_class"]:
            continue
        codes = cell["parcels"]
        shown = ", ".join(codes[:10]) + (f" … (+{len(codes) - 10})" if len(codes) > 10 else "")
        print(f"{cell['first_class']} → {cell['second_class']} ({cell['count']}): {shown}")
    if args.output:
        try:
            compare.export(result, args.output)
        except ValueError as exc:
            raise _fail(exc) from exc
        print(f"→ {args.output}")
    return 0


def run_role(run) -> str:
    """The line saying whether ``run`` is its year's adopted policy or a what-if (如果…试算)."""
    from .adoption import is_what_if

    if is_what_if(run):
        return (
            f"模拟试算 what-if: 如果 {run.year} 年按「{run.policy_name}」评价…（试算）。"
            "本批次不是采用政策的评价，不改变公示名单、看板、地图、一宗一卡和存量用地认定 / "
            "changes nothing outside its own pages"
        )
    return f"采用政策 adopted policy: {run.policy_name}（{run.year} 年度）"


def _current_run(services, year: int, zone_name: str | None):
    """The year's current run (of the adopted policy) for the zone, or the only one."""
    from .adoption import find_zone

    zone = find_zone(zone_name) if zone_name else None
    found = services.current_runs(year, zone)
    if not found:
        raise services.EvaluationError(
            f"{year} 年度还没有采用政策的生效评价 / no final run of the adopted policy for {year}"
            " (give --run ID --preview for a draft)"
        )
    if len({c.run.pk for c in found}) > 1:
        raise services.EvaluationError("各辖区采用的政策不同，请指定 --zone / give --zone")
    return found[0].run


def _adopt(args) -> int:
    services = _run_services()
    from . import adoption

    if args.list:
        return _adoptions(services, adoption)
    missing = [n for n in ("year", "policy", "reason") if not getattr(args, n)]
    if missing:
        raise CommandError("give " + ", ".join(f"--{n}" for n in missing) + " (or --list)")
    try:
        with _context("adopt"):
            zone = adoption.find_zone(args.zone)
            adopted = adoption.adopt(args.year, args.policy, args.reason, zone=zone)
    except services.EvaluationError as exc:
        raise _fail(exc) from exc
    print(
        f"{zone.name} {adopted.year} 年度采用政策 adopted: {adopted.policy_name}"
        f"（{adopted.reason}）"
    )
    return 0


def _adoptions(services, adoption) -> int:
    rows = [
        [
            a.zone.name,
            a.year,
            a.policy_name,
            a.reason,
            a.adopted_by.get_username() if a.adopted_by else a.source,
            a.adopted_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        ]
        for a in adoption.adoptions()
    ]
    print_table(
        ["辖区 zone", "年度 year", "政策 policy", "理由 reason", "采用人 by", "时间 at"], rows
    )
    for c in services.current_runs():
        name = c.zone.name if c.zone else "—"
        basis = "已采用" if c.adopted else "未采用，沿用首个生效政策 fallback"
        print(
            f"当前结果 current: {name} {c.run.year} · {c.run.policy_name} run #{c.run.pk} ({basis})"
        )
    return 0
