import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from landcycle.imports.jobs import start_import
from landcycle.imports.models import ImportBatch
from landcycle.jobs import services
from landcycle.jobs.cli import run_worker
from landcycle.jobs.models import Job
from landcycle.jobs.tasks import run_job
from landcycle.ledger.models import Parcel
from tests.processes import command_line, wait_until
from tests.web.factories import UserFactory

# The worker closes connections it finds in a transaction (as after a request): no test
# transaction may wrap it.
pytestmark = pytest.mark.django_db(transaction=True)


def upload(settings, tmp_path, rows) -> Path:
    settings.DATA_DIR = tmp_path
    folder = services.upload_root() / "u1"
    folder.mkdir(parents=True)
    path = folder / "parcels.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_queued_import_runs_in_the_worker_and_its_commit_runs_once(settings, tmp_path):
    path = upload(settings, tmp_path, [["NEW-1", "甲街道", 1.5], ["NEW-2", "甲街道", 2]])
    user = UserFactory()
    check = start_import([path], user.pk, dry_run=True)
    assert check.state == Job.State.QUEUED and check.percent == 0
    run_worker(batch=True, interval=0.01)
    check.refresh_from_db()
    assert check.state == Job.State.SUCCEEDED and check.percent == 100 and check.failure == ""
    assert ImportBatch.objects.get(pk=check.batch_id).status == ImportBatch.Status.VALIDATED
    assert not Parcel.objects.exists() and path.exists()  # checked only; kept for the commit

    commit = services.follow(check, dry_run=False)
    assert services.follow(check, dry_run=False) == commit  # a double submit: the same job
    run_job.enqueue(str(commit.pk))  # and a second pick-up by a worker
    run_worker(batch=True, interval=0.01)
    commit.refresh_from_db()
    assert commit.state == Job.State.SUCCEEDED and commit.source_id == check.pk
    assert Job.objects.filter(source=check).count() == 1
    assert ImportBatch.objects.filter(dry_run=False).count() == 1  # ran once
    assert sorted(Parcel.objects.values_list("code", "registered_area_m2")) == [
        ("NEW-1", 15_000),
        ("NEW-2", 20_000),
    ]
    assert not path.exists() and not path.parent.exists()  # the upload is gone
    check.refresh_from_db()
    assert check.uploads_deleted and commit.uploads_deleted
    with pytest.raises(services.JobError):  # a commit of the deleted upload cannot start
        services.follow(Job.objects.create(dry_run=True, paths=[str(path)]), dry_run=False)


def test_a_check_with_errors_deletes_its_upload_at_once(settings, tmp_path):
    path = upload(settings, tmp_path, [["NEW-1", "甲街道", "not a number"]])
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    job = start_import([path], None, dry_run=True)
    assert job.state == Job.State.SUCCEEDED and job.uploads_deleted
    assert ImportBatch.objects.get(pk=job.batch_id).errors[0]["value"] == "not a number"
    assert not path.parent.exists()


def test_uploads_expire_unless_a_job_still_needs_them(settings, tmp_path):
    settings.LANDCYCLE_UPLOAD_RETENTION_HOURS = 24
    path = upload(settings, tmp_path, [["NEW-1", "甲街道", 1]])
    done = Job.objects.create(dry_run=True, paths=[str(path)], state=Job.State.SUCCEEDED)
    stray = services.upload_root() / "stray"  # an upload whose job never started
    stray.mkdir()
    (stray / "x.xlsx").write_bytes(b"id numbers")
    assert services.purge_uploads() == 0 and path.exists() and stray.exists()  # too young
    later = timezone.now() + dt.timedelta(hours=25)
    queued = Job.objects.create(dry_run=False, paths=[str(path)], state=Job.State.QUEUED)
    assert services.purge_uploads(later) == 0 and path.exists()  # the queued commit needs it
    assert not stray.exists()  # expired, and no job knows it
    queued.delete()
    assert services.purge_uploads(later) == 1
    assert not path.exists()
    done.refresh_from_db()
    assert done.uploads_deleted


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_jobs_of_dead_workers_are_failed_with_their_batches(settings, tmp_path):
    host = socket.gethostname()
    batch = ImportBatch.objects.create(files=["p.xlsx"], dry_run=False)
    dead = Job.objects.create(
        paths=["p.xlsx"], state=Job.State.RUNNING, worker=f"{host}:{dead_pid()}", batch_id=batch.pk
    )
    alive_process = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)", "landcycle-worker"]
    )
    try:
        wait_until(lambda: "landcycle-worker" in command_line(alive_process.pid), 10)
        alive = Job.objects.create(state=Job.State.RUNNING, worker=f"{host}:{alive_process.pid}")
        elsewhere = Job.objects.create(state=Job.State.RUNNING, worker="other-host:1")
        reused = Job.objects.create(state=Job.State.RUNNING, worker=f"{host}:{os.getpid()}")
        assert {j.pk for j in services.fail_stale()} == {dead.pk, reused.pk}
        assert services.fail_stale() == []  # nothing twice
    finally:
        alive_process.kill()
        alive_process.wait()
    dead.refresh_from_db()
    assert dead.state == Job.State.FAILED and dead.interrupted and dead.finished
    assert dead.failure.startswith("任务中断")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished_at is not None
    assert batch.errors[0]["reason"].startswith("任务中断")
    for job in (alive, elsewhere):
        job.refresh_from_db()
        assert job.state == Job.State.RUNNING
