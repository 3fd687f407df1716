import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.contrib.auth import authenticate

from landcycle.web import jobs
from landcycle.web.demo_users import create_demo_users
from landcycle.web.models import Profile, Role


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_landcycle_serve_serves_ui_portal_api_and_static(tmp_path, workers):
    port = free_port()
    env = {**os.environ, "LANDCYCLE_DATA_DIR": str(tmp_path), "LANDCYCLE_SECRET_KEY": "t" * 50}
    env.pop("LANDCYCLE_DATABASE_URL", None)  # a fresh SQLite file, migrated by the command
    server = subprocess.Popen(
        [sys.executable, "-m", "landcycle.cli", "serve", "--port", str(port)]
        + ["--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # migrating a fresh database first can take a while
            try:
                urllib.request.urlopen(f"{base}/portal/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        portal = urllib.request.urlopen(f"{base}/portal/")
        assert portal.status == 200 and portal.headers["Server"] == "landcycle"  # waitress
        schema = urllib.request.urlopen(f"{base}/api/schema/").read()
        assert b"openapi" in schema
        leaflet = urllib.request.urlopen(f"{base}/static/vendor/leaflet/leaflet.js")
        assert leaflet.status == 200 and int(leaflet.headers["Content-Length"]) > 100_000
        officers = urllib.request.urlopen(f"{base}/")  # redirected to the login page
        assert officers.url.endswith("/login/?next=/")
        for _ in range(20):  # every worker answers
            assert urllib.request.urlopen(f"{base}/portal/").status == 200
    finally:
        server.terminate()
        assert server.wait(timeout=20) is not None  # the workers stop with the server


def test_serve_rejects_bad_port(capsys):
    from landcycle.cli import main

    assert main(["serve", "--port", "70000"]) == 1
    assert "--port" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_users_of_every_role_can_log_in(world):
    users = create_demo_users(password="pw-demo-123")
    roles = {u["role"] for u in users}
    assert roles == {r.label for r in Role}
    for entry in users:
        assert authenticate(username=entry["username"], password="pw-demo-123") is not None
    street = Profile.objects.get(user__username="street1")
    assert street.jurisdiction is not None
    assert create_demo_users(password="pw-demo-123") == users  # idempotent


@pytest.mark.django_db(transaction=True)
def test_background_import_thread_reports_progress(world, tmp_path):
    import openpyxl

    workbook = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "宗地"
    book.active.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    book.active.append(["NEW-1", "甲街道", "x"])
    book.save(workbook)
    job = jobs.start([workbook], world.users["evaluation_officer"].pk, dry_run=True)
    for _ in range(200):
        if job.finished:
            break
        time.sleep(0.05)
    assert job.finished and not job.failure and job.percent == 100
    assert jobs.get(job.id, world.users["street_officer"].pk) is None  # not another user's
    assert jobs.get("../../etc/passwd", world.users["evaluation_officer"].pk) is None
    from landcycle.imports.models import ImportBatch

    assert ImportBatch.objects.get(pk=job.batch_id).errors[0]["value"] == "x"
