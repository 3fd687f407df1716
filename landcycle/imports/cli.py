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
        "paths",
        nargs="+",
        metavar="PATH",
        help=".xlsx/.xls/.ods, .csv/.txt or a folder of them, .gpkg/.shp/.geojson, 界址点坐标 .txt, .zip",
    )
    parser.add_argument(
        "--crs",
        type=int,
        default=None,
        metavar="EPSG",
        help="EPSG code of the coordinates given (default: 4490 CGCS2000, or a geodata file's own CRS)",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        default=None,
        help="column profile: the file's own header names (列名方案; see `landcycle profiles list`)",
    )
    parser.add_argument(
        "--street",
        metavar="NAME",
        default=None,
        help="所属街道 for 宗地 rows that give none (e.g. land-market records, which have no street)",
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        default=None,
        help="encoding of CSV / text / shapefile .dbf files when the detected one is wrong "
        "(GBK, GB18030, UTF-8, UTF-16, Big5)",
    )
    parser.set_defaults(handler=import_command)

    profiles = subparsers.add_parser(
        "profiles",
        help="list, show and save column profiles (列名方案)",
        description="A profile maps an officer's own header names to the interchange columns.",
    )
    actions = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every profile available").set_defaults(handler=profiles_list)
    show = actions.add_parser("show", help="the headers a profile accepts")
    show.add_argument("name", metavar="NAME")
    show.set_defaults(handler=profiles_show)
    save = actions.add_parser(
        "save", help="save a profile in the data directory (replaces one of that name)"
    )
    save.add_argument("name", metavar="NAME")
    save.add_argument("--sheet", default="parcels", help="sheet key (default parcels)")
    save.add_argument("--title", default="", help="title shown in lists and the web form")
    save.add_argument(
        "--map",
        dest="mappings",
        action="append",
        default=[],
        metavar="HEADER=KEY[,KEY]",
        help="one header and the column key(s) it fills; repeat for each header",
    )
    save.set_defaults(handler=profiles_save)

    parser = subparsers.add_parser(
        "export",
        help="write the ledger as a workbook (.xlsx) or a folder of CSV files (导出)",
    )
    parser.add_argument("path", metavar="PATH", help="out.xlsx, or a folder for CSV files")
    parser.add_argument("--year", type=int, default=None, help="only this year's indicators")
    parser.set_defaults(handler=export_command)


def import_command(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    crs = args.crs
    if crs is not None:
        _check_crs(crs, CommandError)
    if args.encoding:
        import codecs

        try:
            codecs.lookup(args.encoding)
        except LookupError:
            raise CommandError(f"未知编码 unknown encoding {args.encoding!r}") from None
    setup_django()
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .profiles import ProfileError
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
            result = run_import(
                args.paths,
                crs=crs,
                dry_run=args.dry_run,
                progress=progress,
                profile=args.profile,
                street=args.street,
                encoding=args.encoding,
            )
        except (ProfileError, ImportConflict) as exc:
            raise CommandError(str(exc)) from None
    for problem in result.warnings:
        print(problem.line(), file=sys.stderr)
    if not result.ok:
        for problem in result.errors:
            print(problem.line(), file=sys.stderr)
        raise CommandError(
            f"{result.error_count:,} 个错误，未写入任何数据 error(s); nothing was written"
        )
    for line in summary(result, [Path(p).name for p in args.paths]):
        print(line)
    return 0


def summary(result, names: list[str]) -> list[str]:
    """The import summary in Chinese (English after it): what was written, per sheet."""
    from .schema import SHEETS

    labels = {s.key: s.name for s in SHEETS} | {"geometry": "几何"}
    verb = "试运行，将导入 would import (dry run)" if result.dry_run else "已导入 imported"
    lines = [f"{verb}: {'、'.join(names)}"]
    for sheet, counts in result.counts.items():
        lines.append(
            f"  {labels.get(sheet, sheet)}: 新增 {counts.created}，更新 {counts.updated}，"
            f"未变 {counts.unchanged} ({sheet}: created {counts.created}, "
            f"updated {counts.updated}, unchanged {counts.unchanged})"
        )
    if result.warnings:
        lines.append(f"  警告 {len(result.warnings)} 条 warning(s), see above")
    return lines


def profiles_list(args) -> int:
    from landcycle.core.commands import setup_django

    setup_django(migrate=False)
    from . import profiles

    for profile in profiles.available():
        print(f"{profile.name}\t{profile.sheet}\t{profile.title}\t{profile.path}")
    return 0


def profiles_show(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django(migrate=False)
    from . import profiles

    try:
        profile = profiles.load(args.name)
    except profiles.ProfileError as exc:
        raise CommandError(str(exc)) from None
    print(f"{profile.name}: {profile.title} ({profile.sheet}) {profile.path}")
    for header in profile.accepted():
        unit = profile.unit_for(header)
        extra = f" (默认单位 default unit {unit})" if unit else ""
        print(f"  {header} → {', '.join(profile.keys_for(header))}{extra}")
    unknown = profile.unknown_keys()
    if unknown:
        print(f"  列键尚不存在 keys not (yet) in the sheet: {', '.join(unknown)}")
    return 0


def profiles_save(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django(migrate=False)
    from . import profiles

    columns: dict[str, list[str]] = {}
    for mapping in args.mappings:
        header, sep, keys = mapping.partition("=")
        if not sep or not header.strip() or not keys.strip():
            raise CommandError(f"--map 须为 列名=列键 must be HEADER=KEY: {mapping!r}")
        columns[header.strip()] = [k.strip() for k in keys.split(",") if k.strip()]
    if not columns:
        raise CommandError("至少给一个 --map give at least one --map HEADER=KEY")
    try:
        path = profiles.save(args.name, args.sheet, columns, args.title)
    except profiles.ProfileError as exc:
        raise CommandError(str(exc)) from None
    print(f"已保存列名方案 saved profile {args.name}: {path}")
    return 0


def _check_crs(crs: int, error) -> None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_epsg(crs)
    except CRSError:
        raise error(f"unknown CRS EPSG:{crs}") from None


def export_command(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from .export import export_ledger

    try:
        written = export_ledger(Path(args.path), year=args.year)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"无法写入 cannot write {args.path}: {exc}") from None
    for sheet, rows in written.items():
        print(f"  {sheet}: {rows}")
    print(f"已导出 exported: {args.path}")
    return 0
