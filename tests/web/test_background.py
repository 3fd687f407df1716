"""Background imports with real processes on SQLite: a worker killed mid-import, logins while an
import writes. Each runs ``landcycle`` in a fresh data directory (never the test database)."""

import http.cookiejar
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import xlsxwriter
from django.urls import reverse

from landcycle.jobs.models import Job
from landcycle.jobs.services import INTERRUPTED
from tests.processes import (
    answers,
    django,
    environment,
    free_port,
    landcycle,
    stop,
    wait_until,
)
from tests.web.conftest import client_for

PASSWORD = "pw-background-1"


def parcels_upload(data_dir: Path, count: int) -> Path:
    folder = data_dir / "uploads" / "u1"
    folder.mkdir(parents=True)
    path = folder / "parcels.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("宗地")
    sheet.write_row(0, 0, ["宗地编号", "所属街道", "用地面积 (公顷)"])
    for i in range(count):
        sheet.write_row(i + 1, 0, [f"T-{i:06d}", "甲街道", 1.5])
    book.close()
    return path


def queue_import(env, path: Path) -> str:
    return django(
        env,
        "from pathlib import Path\n"
        "from landcycle.imports.jobs import start_import\n"
        f"result = start_import([Path({str(path)!r})], None, dry_run=False).pk.hex",
    )


def job_row(data_dir: Path, job_id: str) -> dict:
    state = data_dir / "landcycle-state.sqlite3"  # beside the ledger (core.databases)
    with sqlite3.connect(state if state.exists() else data_dir / "landcycle.sqlite3", 30) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM jobs_job WHERE id = ?", [job_id]).fetchone()
    return dict(row) if row else {}


def ledger(data_dir: Path, sql: str):
    with sqlite3.connect(data_dir / "landcycle.sqlite3", timeout=30) as db:
        return db.execute(sql).fetchall()


def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_works(tmp_path):
    data = tmp_path / "data"
    env = environment(data)
    path = parcels_upload(data, 20_000)
    job_id = queue_import(env, path)
    worker = landcycle(env, "worker", stdout=subprocess.DEVNULL)
    try:  # killed while it writes the parcels (its progress is visible meanwhile)
        wait_until(
            lambda: job_row(data, job_id)["stage"].startswith("写入 writing 宗地"),
            120,
            0.01,
            "the import to write",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop(worker)
    assert job_row(data, job_id)["state"] == "running"
    assert ledger(data, "SELECT count(*) FROM ledger_parcel") == [(0,)]  # nothing partial
    assert ledger(data, "SELECT status FROM imports_importbatch") == [("running",)]

    subprocess.run(
        [*worker.args[:3], "worker", "--batch"], env=env, check=True, timeout=120,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    row = job_row(data, job_id)
    assert row["state"] == "failed" and row["interrupted"] and row["failure"] == INTERRUPTED
    assert ledger(data, "SELECT status FROM imports_importbatch") == [("failed",)]
    assert path.exists()  # kept for the retry
    with sqlite3.connect(data / "landcycle-state.sqlite3") as db:  # the queue's row too
        statuses = db.execute("SELECT status FROM django_tasks_database_dbtaskresult").fetchall()
    assert statuses == [("FAILED",)]

    retry_id = django(
        env,
        "from landcycle.jobs.models import Job\n"
        "from landcycle.jobs.services import follow\n"
        f"result = follow(Job.objects.get(pk={job_id!r}), dry_run=False).pk.hex",
    )
    subprocess.run(
        [*worker.args[:3], "worker", "--batch"], env=env, check=True, timeout=300,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    assert job_row(data, retry_id)["state"] == "succeeded"
    assert ledger(data, "SELECT count(*), sum(registered_area_m2) FROM ledger_parcel") == [
        (20_000, 20_000 * 15_000.0)
    ]
    assert sorted(ledger(data, "SELECT status FROM imports_importbatch")) == [
        ("failed",),
        ("succeeded",),
    ]
    assert not path.exists()  # the upload went with the commit


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def log_in(self, username: str) -> bool:
        page = self.opener.open(f"{self.base}/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/login/", data=data, headers={"Referer": self.base}
        )
        response = self.opener.open(request, timeout=60)  # follows the redirect
        return response.status == 200 and "/login/" not in response.geturl()


def test_logins_work_while_an_import_writes_on_sqlite(tmp_path):
    """SQLite has one writer per file: the import's transaction holds the ledger's lock for
    seconds. Logins (session, login attempt, last login) must not wait for it; with a 2 s busy
    timeout they would fail here if they did."""
    data = tmp_path / "data"
    env = environment(data, LANDCYCLE_SQLITE_BUSY_TIMEOUT="2")
    path = parcels_upload(data, 40_000)
    django(
        env,
        "from django.contrib.auth.models import User\n"
        "from landcycle.web.models import Profile, Role\n"
        "for n in range(4):\n"
        f"    user = User.objects.create_user(f'officer{{n}}', password={PASSWORD!r})\n"
        "    Profile.objects.create(user=user, role=Role.EVALUATION_OFFICER)\n"
        "result = True",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = landcycle(
        env, "serve", "--port", str(port), "--workers", "1", stdout=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: answers(f"{base}/portal/"), 120, 0.2, "the server")
        job_id = queue_import(env, path)
        wait_until(
            lambda: job_row(data, job_id).get("stage", "").startswith("写入"),
            180,
            0.02,
            "the import to write",
        )
        outcomes, errors = [], []

        def keep_logging_in(n: int) -> None:
            while job_row(data, job_id)["state"] == "running":
                started = time.monotonic()
                try:
                    outcomes.append((Browser(base).log_in(f"officer{n}"), started))
                except Exception as exc:  # noqa: BLE001 - an HTTP 500 or a timeout
                    errors.append(exc)

        threads = [threading.Thread(target=keep_logging_in, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        row = job_row(data, job_id)
    finally:
        stop(server)
    assert row["state"] == "succeeded", row
    assert not errors, errors[:3]
    assert len(outcomes) >= 4 and all(ok for ok, _ in outcomes)
    assert ledger(data, "SELECT count(*) FROM ledger_parcel") == [(40_000,)]


@pytest.mark.django_db
def test_an_interrupted_job_stops_polling_and_offers_a_retry(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    upload = tmp_path / "uploads" / "u1" / "p.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"x")
    officer = world.users["evaluation_officer"]
    running = Job.objects.create(user_id=officer.pk, paths=[str(upload)], state="running")
    client = client_for(officer)
    url = reverse("imports:import_job", args=[running.pk])
    assert "hx-trigger" in client.get(url).content.decode()  # polls while it runs
    Job.objects.filter(pk=running.pk).update(state="failed", failure=INTERRUPTED, interrupted=True)
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page and "任务中断" in page
    assert reverse("imports:import_retry", args=[running.pk]) in page
    assert client_for(world.users["administrator"]).get(url).status_code == 404
