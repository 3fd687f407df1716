"""``landcycle backup FILE`` and ``landcycle restore FILE``: the whole installation in one file."""

from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="back up the database and the stored documents into one file (备份)",
        description="SQLite: online backup (the app may keep running); PostgreSQL: pg_dump "
        "(custom format); plus every stored document. Restore with `landcycle restore FILE`.",
    )
    parser.add_argument(
        "file", type=Path, help="the backup file to write, e.g. landcycle-2026-11-29.tar"
    )
    parser.set_defaults(handler=handle_backup)

    parser = subparsers.add_parser(
        "restore",
        help="restore a backup into an empty database (恢复)",
        description="Restores into the configured database only when it is empty and of the "
        "same kind (SQLite or PostgreSQL); checks every table's rows and every document.",
    )
    parser.add_argument("file", type=Path, help="a file written by `landcycle backup`")
    parser.set_defaults(handler=handle_restore)


def _size(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 1e5 else f"{count / 1e3:.1f} kB"


def handle_backup(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from .backup import BackupError, backup

    try:
        summary = backup(args.file, say=lambda text: print(text, flush=True))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"已备份 backed up: {summary.path} ({_size(summary.path.stat().st_size)}) — "
        f"{summary.vendor}, {summary.rows:,} 行 rows in {len(summary.tables)} 张表 tables, "
        f"{summary.documents} 个文件 documents ({_size(summary.document_bytes)})"
    )
    return 0


def handle_restore(args) -> int:
    from landcycle.core.commands import CommandError, setup_django

    setup_django()
    from .backup import BackupError, restore

    try:
        summary = restore(args.file, say=lambda text: print(text, flush=True))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"已恢复 restored: {summary.path} (备份于 made {summary.created_at}) — "
        f"{summary.rows:,} 行 rows in {len(summary.tables)} 张表 tables, "
        f"{summary.documents} 个文件 documents; 已核对 verified"
    )
    return 0
