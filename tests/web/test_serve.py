import signal
import subprocess
import time
import urllib.request

import pytest
from django.contrib.auth import authenticate

from landcycle.demo.users import create_demo_users
from landcycle.web.models import Profile, Role
from tests.processes import (
    answers,
    children,
    command_line,
    environment,
    free_port,
    landcycle,
    stop,
    wait_until,
)


def start_server(tmp_path, workers: int, port: int) -> subprocess.Popen:
    return landcycle(
        environment(tmp_path),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_landcycle_serve_serves_ui_portal_api_and_static(tmp_path, workers):
    port = free_port()
    server = start_server(tmp_path, workers, port)
    base = f"http://127.0.0.1:{port}"
    try:
        # migrating a fresh database first can take a while
        wait_until(lambda: answers(f"{base}/portal/"), 120, 0.2, "the server")
        portal = urllib.request.urlopen(f"{base}/portal/")
        assert portal.status == 200 and portal.headers["Server"] == "gunicorn"
        schema = urllib.request.urlopen(f"{base}/api/schema/").read()
        assert b"openapi" in schema
        leaflet = urllib.request.urlopen(f"{base}/static/vendor/leaflet/leaflet.js")
        assert leaflet.status == 200 and int(leaflet.headers["Content-Length"]) > 100_000
        officers = urllib.request.urlopen(f"{base}/")  # redirected to the login page
        assert officers.url.endswith("/login/?next=/")
        for _ in range(20):  # every worker answers
            assert urllib.request.urlopen(f"{base}/portal/").status == 200
    finally:
        stop(server)
    assert server.returncode is not None  # the workers stop with the server


def _processes(server: subprocess.Popen) -> tuple[int, list[int], int]:
    """(gunicorn master, its HTTP workers, the job worker) under ``landcycle serve``."""
    kids = children(server.pid)
    master = next((p for p in kids if "gunicorn" in command_line(p)), 0)
    job_worker = next((p for p in kids if "landcycle.cli worker" in command_line(p)), 0)
    return master, children(master) if master else [], job_worker


def test_serve_restarts_killed_http_and_job_workers(tmp_path):
    port = free_port()
    server = start_server(tmp_path, 2, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}/portal/"), 120, 0.2, "the server")
        wait_until(lambda: len(_processes(server)[1]) == 2, 60, 0.2, "two HTTP workers")
        master, workers, job_worker = _processes(server)
        for victim in workers:  # each HTTP worker in turn, as a crash would
            os_kill(victim)
            for _ in range(10):  # the other one (then a new one) keeps answering
                assert answers(f"{base}/portal/")
            wait_until(
                lambda victim=victim: len(set(_processes(server)[1]) - {victim}) == 2,
                60,
                0.2,
                "the HTTP worker to be replaced",
            )
        os_kill(master)  # even the gunicorn master: the supervisor starts another
        wait_until(lambda: answers(f"{base}/portal/"), 60, 0.2, "a new gunicorn")
        os_kill(job_worker)
        wait_until(
            lambda: _processes(server)[2] not in (0, job_worker), 30, 0.2, "a new job worker"
        )
        master_now, workers_now, job_worker_now = _processes(server)
        assert master_now != master
        assert answers(f"{base}/portal/")
    finally:
        stop(server)
    assert server.returncode is not None
    for pid in (master_now, *workers_now, job_worker_now):  # no child left behind
        assert not command_line(pid)


def os_kill(pid: int) -> None:
    import os

    os.kill(pid, signal.SIGKILL)
    time.sleep(0.05)


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
