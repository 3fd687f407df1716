"""Backup and restore: the real commands on a real database of the vendor the suite runs on.

The round trip builds a small demo district (ledger, runs, results, cases of every workflow,
users, change log), attaches a stored document, backs it up, restores into a second, empty
database and compares every table row by row and every document byte by byte.
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from landcycle.core import backup
from landcycle.lifecycle.models import Document

REPO = Path(__file__).resolve().parents[2]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

# Stores a generated notice with an exit step, as the exit service's notices are stored.
ATTACH = """
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "landcycle.settings")
import django; django.setup()
from django.core.files.base import ContentFile
from landcycle.lifecycle.models.exits import ExitStep
step = ExitStep.objects.order_by("pk").first()
step.document_file.save("整改通知书.docx", ContentFile("限期整改通知书 第1号".encode()), save=True)
print(step.document_file.name)
"""


def _landcycle(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [_bin(), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"landcycle {args} failed: {done.stdout}\n{done.stderr}")
    return done


def _bin() -> str:
    return str(Path(sys.executable).with_name("landcycle"))


def _python(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


class Databases:
    """Fresh, empty databases of the suite's vendor, each with its own data directory."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.created: list[str] = []

    def new(self, label: str) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        data_dir = self.tmp_path / label
        data_dir.mkdir()
        env["LANDCYCLE_DATA_DIR"] = str(data_dir)
        if ON_POSTGRES:
            name = f"lc_backup_{label}_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{name}"')
            self.created.append(name)
            db = settings.DATABASES["default"]
            env["LANDCYCLE_DATABASE_URL"] = (
                f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{name}"
            )
        else:
            env.pop("LANDCYCLE_DATABASE_URL", None)
        return env

    def _admin(self, sql: str) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def databases(tmp_path):
    made = Databases(tmp_path)
    yield made
    if ON_POSTGRES:
        made.drop_all()


@pytest.mark.slow
def test_round_trip_brings_everything_back_identical(databases, tmp_path):
    source = databases.new("source")
    _landcycle(source, "demo", "--no-serve", "--parcels", "40")
    document = _python(source, "-c", ATTACH).strip()
    before = json.loads(_python(source, "-m", "tests.dbdump"))
    # The demo fills every part the backup must carry.
    for table in (
        "ledger_parcel",
        "ledger_enterprise",
        "evaluation_evaluationrun",
        "evaluation_evaluationresult",
        "lifecycle_exitcase",
        "lifecycle_admissionapplication",
        "core_changerecord",
        "auth_user",
    ):
        assert before["tables"][table], table
    # the attached document (a notice stored on its step, as before notices were Documents),
    # the exit notices the demo generated (DOCX Documents of kind 通知书, one per notice step)
    # and the demo's own documents (一地一档: agreements, site photos)
    assert document in before["documents"]
    columns = [f.attname for f in Document._meta.concrete_fields]
    notices = [
        ast.literal_eval(row[columns.index("file")])
        for row in before["tables"]["lifecycle_document"]
        if ast.literal_eval(row[columns.index("kind")]) == "notice"
    ]
    assert notices and all(name in before["documents"] for name in notices)
    assert len(before["documents"]) > len(notices) + 1

    archive = tmp_path / "backup.tar"
    done = _landcycle(source, "backup", str(archive))
    assert "已备份" in done.stdout

    target = databases.new("target")
    done = _landcycle(target, "restore", str(archive))
    assert "已恢复" in done.stdout and "已核对" in done.stdout
    after = json.loads(_python(target, "-m", "tests.dbdump"))
    assert after["documents"] == before["documents"]
    assert after["tables"].keys() == before["tables"].keys()
    for table, rows in before["tables"].items():
        assert after["tables"][table] == rows, table

    # A second restore into the now filled database is refused and changes nothing.
    again = _landcycle(target, "restore", str(archive), check=False)
    assert again.returncode == 1
    assert "目标数据库不是空的" in again.stderr
    assert "Traceback" not in again.stderr
    assert json.loads(_python(target, "-m", "tests.dbdump")) == after


def _archive(tmp_path: Path, manifest: dict, members: dict[str, bytes] | None = None) -> Path:
    path = tmp_path / "made.tar"
    with tarfile.open(path, "w") as archive:
        for name, data in {
            "manifest.json": json.dumps(manifest).encode(),
            **(members or {}),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes) -> dict:
    from django.db import connection

    return {
        "format": backup.FORMAT,
        "version": backup.FORMAT_VERSION,
        "vendor": connection.vendor,
        "migrations": {},
        "tables": {},
        "members": {},
    } | changes


@pytest.mark.django_db
def test_fresh_database_holds_only_tables_migrations_fill():
    # A new data migration must be added to SEEDED_TABLES, or restore refuses every database.
    filled = {name for name, rows in backup.table_counts().items() if rows}
    assert filled <= backup.SCHEMA_TABLES | backup.SEEDED_TABLES


@pytest.mark.django_db
@pytest.mark.parametrize(
    "manifest, members, message",
    [
        ({"format": "other"}, None, "不是 landcycle 备份文件"),
        ({"version": backup.FORMAT_VERSION + 1}, None, "比本程序新"),
        ({"vendor": "oracle"}, None, "只能恢复到同类数据库"),
        ({"migrations": {"ledger": ["9999_from_the_future"]}}, None, "更新版本"),
        (
            {"members": {"../escape.txt": {"size": 1, "sha256": "0"}}},
            {"../escape.txt": b"x"},
            "不安全的路径",
        ),
        (
            {"members": {"documents/a.txt": {"size": 1, "sha256": "0" * 64}}},
            {"documents/a.txt": b"x"},
            "校验不符",
        ),
        ({"members": {"documents/b.txt": {"size": 1, "sha256": "0"}}}, None, "备份不完整"),
    ],
)
def test_restore_refuses_bad_backups_and_writes_nothing(tmp_path, manifest, members, message):
    from landcycle.ledger.models import Jurisdiction

    Jurisdiction.objects.all().delete()  # an empty database, as restore requires
    path = _archive(tmp_path, _manifest(**manifest), members)
    counts = backup.table_counts()
    with pytest.raises(backup.BackupError, match=message):
        backup.restore(path)
    assert backup.table_counts() == counts
    assert not (Path(settings.MEDIA_ROOT) / "a.txt").exists()


@pytest.mark.django_db
def test_restore_refuses_a_database_with_data(tmp_path):
    from tests.factories import ParcelFactory

    ParcelFactory()
    path = _archive(tmp_path, _manifest())
    with pytest.raises(backup.BackupError, match="目标数据库不是空的.*ledger_parcel"):
        backup.restore(path)


def test_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "x.tar"
    path.write_bytes(b"PK\x03\x04 not a tar")
    with pytest.raises(backup.BackupError, match="不是 landcycle 备份文件"):
        backup.read_manifest(path)
    with pytest.raises(backup.BackupError, match="备份文件不存在"):
        backup.read_manifest(tmp_path / "missing.tar")


@pytest.mark.django_db
def test_an_existing_backup_file_is_never_replaced_by_accident(tmp_path, monkeypatch):
    # The database copy itself is the round trip's business (a real database, in a process of
    # its own); here it is a stand-in file.
    monkeypatch.setattr(backup, "_sqlite_backup", lambda alias, path: Path(path).write_bytes(b"db"))
    monkeypatch.setattr(backup, "_pg_dump", lambda path: Path(path).write_bytes(b"db"))
    earlier = tmp_path / "landcycle-2026-11-28.tar"
    earlier.write_bytes(b"yesterday's backup")
    with pytest.raises(backup.BackupError, match="备份文件已存在，未覆盖"):
        backup.backup(earlier)
    assert earlier.read_bytes() == b"yesterday's backup"
    summary = backup.backup(earlier, overwrite=True)
    assert backup.read_manifest(summary.path)["format"] == backup.FORMAT
