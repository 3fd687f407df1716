"""Backup and restore of a whole landcycle installation: the database and the stored documents.

A backup is one tar file::

    manifest.json        format, version, database vendor, applied migrations, rows per table,
                         and size + SHA-256 of every member
    database.sqlite3     SQLite: a consistent copy made with SQLite's online backup API
    database-state.sqlite3  SQLite: the same of the state file (sessions, logins, jobs)
    database.dump        PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot)
    documents/…          every file under ``MEDIA_ROOT`` (notices, contracts, photos)

A restore goes only into an empty database (no row in any table the migrations do not fill
themselves), of the same vendor, at the same or an older schema version, and is checked
against the manifest afterwards: the rows of every table and every document's checksum.

We use the databases' own tools (``sqlite3.Connection.backup``, ``pg_dump`` / ``pg_restore``)
rather than Django's ``dumpdata``: they copy a million rows in seconds, keep sequences, indexes
and exact types, and are what a database administrator already trusts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections

from .databases import STATE, database_aliases

FORMAT = "landcycle-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
SQLITE_MEMBERS = {"default": SQLITE_MEMBER, STATE: "database-state.sqlite3"}
POSTGRES_MEMBER = "database.dump"
DOCUMENTS = "documents"
# Tables that `migrate` fills by itself: their rows do not make a database "not empty", and
# the restore replaces them with the backup's. Django's own, then data migrations of landcycle
# (the working-day calendar; tests/core/test_backup.py fails when another one appears).
SCHEMA_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
)
SEEDED_TABLES = frozenset({"lifecycle_calendaryear", "lifecycle_holiday"})


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the user (Chinese first)."""


@dataclass
class Summary:
    """What a backup holds or a restore brought back."""

    path: Path
    vendor: str
    tables: dict[str, int] = field(default_factory=dict)  # table → rows
    documents: int = 0
    document_bytes: int = 0
    created_at: str = ""

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# ---------------------------------------------------------------- facts about the database


def vendor() -> str:
    """``"sqlite"`` or ``"postgresql"``; anything else is refused."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库 unsupported database: {connection.vendor}")
    return connection.vendor


def table_counts() -> dict[str, int]:
    """Rows in every table of every database (the ledger's and, on SQLite, the state file's:
    their table names never overlap), by table name."""
    counts = {}
    for alias in database_aliases():
        db = connections[alias]
        with db.cursor() as cursor:
            for name in sorted(db.introspection.table_names(cursor)):
                cursor.execute(f"SELECT COUNT(*) FROM {db.ops.quote_name(name)}")
                counts[name] = counts.get(name, 0) + cursor.fetchone()[0]
    return counts


def applied_migrations() -> dict[str, list[str]]:
    """Applied migrations by app label, sorted (from ``django_migrations``)."""
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this version of landcycle ships."""
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- backup


def backup(target: Path, say=lambda text: None, overwrite: bool = False) -> Summary:
    """Write a backup of the configured database and the documents to ``target`` (a tar file).

    Raises ``BackupError`` when the database tool fails (``pg_dump`` missing or refusing), the
    target cannot be written, or it exists already and ``overwrite`` is not given (an earlier
    backup is never replaced by accident). The file is written under a temporary name and
    renamed at the end, so a failed backup never leaves a file that looks complete.
    """
    target = Path(target)
    kind = vendor()
    if target.exists() and target.is_dir():
        raise BackupError(
            f"目标是一个文件夹 {target} is a folder: give a file name, e.g. backup.tar"
        )
    if target.exists() and not overwrite:
        raise BackupError(
            f"备份文件已存在，未覆盖：{target}；请换一个文件名，或确认要替换时加 --overwrite "
            f"{target} exists: choose another name, or give --overwrite to replace it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="landcycle-backup-") as work:
        work_dir = Path(work)
        say("数据库 database …")
        if kind == "sqlite":
            database_files = []
            for alias in database_aliases():
                database_files.append(work_dir / SQLITE_MEMBERS[alias])
                _sqlite_backup(alias, database_files[-1])
        else:
            database_files = [work_dir / POSTGRES_MEMBER]
            _pg_dump(database_files[0])
        # Counted after the dump: both are taken while nothing else should be writing; the
        # restore compares against these, so a write in between shows as a mismatch, not silently.
        summary = Summary(target, kind, tables=table_counts())
        summary.created_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        documents = _document_files()
        members = {path.name: path for path in database_files}
        for relative, path in documents:
            members[f"{DOCUMENTS}/{relative}"] = path
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": summary.created_at,
            "landcycle": _landcycle_version(),
            "vendor": kind,
            "migrations": applied_migrations(),
            "tables": summary.tables,
            "members": {
                name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members.items()
            },
        }
        say(f"文件 documents: {len(documents)}")
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(dt.datetime.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                for name, path in members.items():
                    archive.add(path, arcname=name, recursive=False)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"无法写入备份文件 cannot write {target}: {exc}") from exc
    summary.documents = len(documents)
    summary.document_bytes = sum(path.stat().st_size for _, path in documents)
    return summary


def _landcycle_version() -> str:
    from landcycle import __version__

    return __version__


def _document_files() -> list[tuple[str, Path]]:
    root = media_root()
    if not root.is_dir():
        return []
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def _sqlite_copy(source: Path | str, target: Path | str, journal_mode: str) -> None:
    """Copy the SQLite file ``source`` into ``target`` with SQLite's online backup API (a
    consistent snapshot; readers and writers of ``source`` may go on), then set the copy's
    journal mode (DELETE: one file to ship, no -wal/-shm sidecars; WAL: as the app runs it)."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
            writer.execute(f"PRAGMA journal_mode={journal_mode}")
        finally:
            writer.close()
    finally:
        reader.close()


def _sqlite_backup(alias: str, target: Path) -> None:
    _sqlite_copy(connections[alias].settings_dict["NAME"], target, "DELETE")


def _pg_program(name: str) -> str:
    configured = os.environ.get(f"LANDCYCLE_{name.upper()}")
    program = configured or shutil.which(name)
    if not program:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian: apt-get install postgresql-client-15）"
            f"或设置 LANDCYCLE_{name.upper()} — {name} not found"
        )
    return program


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump / pg_restore (password not on argv)."""
    db = connection.settings_dict
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what}失败 failed: {' / '.join(detail[-3:])}")


def _pg_dump(target: Path) -> None:
    args, env = _pg_environment()
    command = [
        _pg_program("pg_dump"),
        *args,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        "--file",
        str(target),
        connection.settings_dict["NAME"],
    ]
    _run(command, env, "pg_dump 导出 ")


# ---------------------------------------------------------------- restore


def read_manifest(source: Path) -> dict:
    """The manifest of a backup file; ``BackupError`` when the file is no landcycle backup."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在 backup file not found: {source}")
    try:
        with tarfile.open(source, "r:*") as archive:
            member = archive.getmember(MANIFEST)
            manifest = json.loads(archive.extractfile(member).read())
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError) as exc:
        raise BackupError(
            f"不是 landcycle 备份文件 not a landcycle backup: {source} ({exc})"
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不是 landcycle 备份文件 not a landcycle backup: {source}")
    if manifest.get("version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.get('version')} 比本程序新，请升级 landcycle"
            " — the backup was made by a newer landcycle"
        )
    return manifest


def restore(source: Path, say=lambda text: None) -> Summary:
    """Restore a backup made by ``backup`` into the configured, empty database.

    Refused (``BackupError``, nothing changed) when: the file is not a landcycle backup or is
    damaged (a member's checksum differs), the database is not empty, the vendor differs, or the
    backup holds migrations this version does not know (made by a newer landcycle). After the
    restore the schema is migrated forward and every table's rows and every document's checksum
    are compared with the manifest.
    """
    source = Path(source)
    manifest = read_manifest(source)
    kind = vendor()
    if manifest["vendor"] != kind:
        raise BackupError(
            f"备份来自 {manifest['vendor']} 数据库，当前是 {kind}：只能恢复到同类数据库"
            f" — a {manifest['vendor']} backup cannot be restored into {kind}"
        )
    newer = {
        (app, name)
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if app in _project_apps()
    } - known_migrations()
    if newer:
        listed = ", ".join(f"{app}.{name}" for app, name in sorted(newer))
        raise BackupError(
            f"备份来自更新版本的 landcycle（未知迁移 {listed}），请先升级 — made by a newer version"
        )
    _require_empty()
    with tempfile.TemporaryDirectory(prefix="landcycle-restore-") as work:
        work_dir = Path(work)
        _extract(source, manifest, work_dir)
        say("数据库 database …")
        if kind == "sqlite":
            for alias in database_aliases():
                member = work_dir / SQLITE_MEMBERS[alias]
                if alias == "default" or member.is_file():  # older backups: no state file
                    _sqlite_restore(alias, member)
        else:
            _pg_restore(work_dir / POSTGRES_MEMBER)
        documents = _restore_documents(work_dir / DOCUMENTS)
    say("迁移与核对 migrate and verify …")
    from django.core.management import call_command

    for alias in database_aliases():
        call_command("migrate", interactive=False, verbosity=0, database=alias)
    counts = table_counts()
    expected = manifest["tables"]
    wrong = {
        name: (rows, counts.get(name))
        for name, rows in expected.items()
        if name not in SCHEMA_TABLES and counts.get(name) != rows
    }
    if wrong:
        listed = ", ".join(f"{n} {a}≠{b}" for n, (a, b) in sorted(wrong.items()))
        raise BackupError(f"恢复后行数与备份不符 rows differ after restore: {listed}")
    summary = Summary(source, kind, tables=expected, created_at=manifest.get("created_at", ""))
    summary.documents = len(documents)
    summary.document_bytes = sum(p.stat().st_size for p in documents)
    return summary


def _project_apps() -> set[str]:
    from django.apps import apps

    return {config.label for config in apps.get_app_configs()}


def _require_empty() -> None:
    filled = {
        name: rows
        for name, rows in table_counts().items()
        if rows and name not in SCHEMA_TABLES | SEEDED_TABLES
    }
    if filled:
        listed = ", ".join(f"{name} ({rows})" for name, rows in sorted(filled.items())[:6])
        more = f" 等 {len(filled)} 张表" if len(filled) > 6 else ""
        raise BackupError(
            f"目标数据库不是空的：{listed}{more}。恢复只写入空数据库，不会覆盖已有数据；"
            "请新建数据库（或新的 LANDCYCLE_DATA_DIR）后再恢复 — the database is not empty"
        )


def _extract(source: Path, manifest: dict, work_dir: Path) -> None:
    """Extract the listed members only, each checked against its size and checksum."""
    listed = manifest.get("members", {})
    with tarfile.open(source, "r:*") as archive:
        for name, facts in listed.items():
            path = PurePosixPath(name)
            if path.is_absolute() or ".." in path.parts or not path.parts:
                raise BackupError(f"备份中有不安全的路径 unsafe path in backup: {name}")
            try:
                member = archive.getmember(name)
            except KeyError as exc:
                raise BackupError(f"备份不完整，缺少 {name} — backup is incomplete") from exc
            if not member.isfile():
                raise BackupError(f"备份中的 {name} 不是普通文件 not a regular file")
            target = work_dir.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as data, target.open("wb") as out:
                shutil.copyfileobj(data, out, 1 << 20)
            if target.stat().st_size != facts["size"] or _sha256(target) != facts["sha256"]:
                raise BackupError(f"备份文件已损坏：{name} 校验不符 — checksum mismatch")


def _sqlite_restore(alias: str, database: Path) -> None:
    """Copy the backup into the configured SQLite database with the online backup API."""
    if not database.is_file():
        raise BackupError("备份中没有 SQLite 数据库 no SQLite database in backup")
    connections[alias].close()
    _sqlite_copy(database, connections[alias].settings_dict["NAME"], "WAL")


def _pg_restore(dump: Path) -> None:
    if not dump.is_file():
        raise BackupError("备份中没有 PostgreSQL 导出 no PostgreSQL dump in backup")
    # The database is empty (checked) but migrated: drop its tables so the dump's schema, of
    # whatever version, is the one restored; `migrate` then brings it forward.
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(name)} CASCADE")
    connection.close()
    args, env = _pg_environment()
    command = [
        _pg_program("pg_restore"),
        *args,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
        connection.settings_dict["NAME"],
        str(dump),
    ]
    _run(command, env, "pg_restore 恢复 ")


def _restore_documents(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    root = media_root()
    written = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = root / path.relative_to(folder)
        if target.exists() and _sha256(target) != _sha256(path):
            raise BackupError(
                f"文件已存在且内容不同 a different file already exists: {target}；请先移走"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        written.append(target)
    return written
