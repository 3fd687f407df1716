"""``landcycle demo [--no-serve] [--parcels N] [--seed S] [--output DIR]``."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="build a demo district (Beilun) in the database, evaluate it and serve the web app",
    )
    parser.add_argument("--no-serve", action="store_true", help="stop after evaluating")
    parser.add_argument("--parcels", type=int, default=2000, help="number of parcels (2000)")
    parser.add_argument("--seed", type=int, default=2024, help="random seed (2024)")
    parser.add_argument(
        "--output", type=Path, default=None, help="folder for the workbook (<data dir>/demo)"
    )
    parser.add_argument(
        "--csv",
        action="store_true",
        help="write a folder of CSV files instead of the workbook (faster for large districts)",
    )
    parser.add_argument("--policy", default=None, help="the policy Beilun adopts (zhejiang-mujun)")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to serve on (8000)")
    parser.set_defaults(handler=handle_demo)


def handle_demo(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    if args.parcels < 20:
        raise CommandError(f"--parcels must be at least 20, got {args.parcels}")
    setup_django()
    from landcycle.evaluation.services import EvaluationError

    from .services import DemoError, build_demo, summary_lines

    try:
        result = build_demo(
            parcels=args.parcels,
            seed=args.seed,
            output=args.output,
            policy_name=args.policy,
            csv=args.csv,
            say=lambda text: print(text, flush=True),
        )
    except (DemoError, EvaluationError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    for line in summary_lines(result):
        print(line)
    if args.no_serve:
        return 0
    from landcycle.web.cli import handle_serve

    args.threads = getattr(args, "threads", 16)
    args.demo = True  # serves on the data directory's own random key (see settings)
    return handle_serve(args)
