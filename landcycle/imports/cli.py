"""``landcycle import`` and ``landcycle export``."""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import",
        help="import workbooks, CSV folders and geodata into the ledger (导入)",
        description="Validates everything first; on any error prints each one and writes nothing.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help=".xlsx, CSV folder, .gpkg/.shp/.geojson"
    )
    parser.add_argument(
        "--crs",
        type=int,
        default=None,
        metavar="EPSG",
        help="EPSG code of the coordinates given (default: 4490 CGCS2000, or a geodata file's own CRS)",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    parser.set_defaults(handler=import_command)

    parser = subparsers.add_parser(
        "export",
        help="write the ledger as a workbook (.xlsx) or a folder of CSV files (导出)",
    )
    parser.add_argument("path", metavar="PATH", help="out.xlsx, or a folder for CSV files")
    parser.add_argument("--year", type=int, default=None, help="only this year's indicators")
    parser.set_defaults(handler=export_command)


def import_command(args) -> int:
    from landcycle.cli import CommandError, setup_django

    crs = args.crs
    if crs is not None:
        _check_crs(crs, CommandError)
    setup_django()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .services import ImportConflict, run_import

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
        console=None,
    ) as bar:
        task = bar.add_task("导入 import", total=1)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        try:
            result = run_import(args.paths, crs=crs, dry_run=args.dry_run, progress=progress)
        except ImportConflict as exc:
            raise CommandError(str(exc)) from None
    for problem in result.warnings:
        print(problem.line(), file=sys.stderr)
    if not result.ok:
        for problem in result.errors:
            print(problem.line(), file=sys.stderr)
        raise CommandError(
            f"{len(result.errors)} 个错误，未写入任何数据 error(s); nothing was written"
        )
    verb = "将导入 would import (dry run)" if args.dry_run else "已导入 imported"
    print(f"{verb}: {', '.join(Path(p).name for p in args.paths)}")
    for sheet, counts in result.counts.items():
        print(
            f"  {sheet}: created {counts.created}, updated {counts.updated}, "
            f"unchanged {counts.unchanged}"
        )
    return 0


def _check_crs(crs: int, error) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_epsg(crs)
    except CRSError:
        raise error(f"unknown CRS EPSG:{crs}") from None


def export_command(args) -> int:
    from landcycle.cli import CommandError, setup_django

    setup_django()
    from .export import export_ledger

    try:
        written = export_ledger(Path(args.path), year=args.year)
    except OSError as exc:
        raise CommandError(f"cannot write {args.path}: {exc}") from None
    for sheet, rows in written.items():
        print(f"  {sheet}: {rows}")
    print(f"已导出 exported: {args.path}")
    return 0
