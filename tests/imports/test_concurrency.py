import threading

import openpyxl
import pytest
from django.db import connection, connections

from landcycle.imports.models import ImportBatch
from landcycle.imports.services import CONFLICT, ImportConflict, run_import
from landcycle.ledger.models import Parcel


def parcels_workbook(path, codes):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "宗地"
    sheet.append(["宗地编号", "所属街道", "用地面积 (公顷)"])
    for code in codes:
        sheet.append([code, "甲街道", 1.5])
    book.save(path)
    return path


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_end_in_a_clear_message_and_one_write(tmp_path):
    """Both imports validate against the same ledger; the first to write wins and the other
    ends as a failed batch with a Chinese message (not a raw IntegrityError or lock error)."""
    codes = [f"C-{i:03d}" for i in range(50)]
    first_path = parcels_workbook(tmp_path / "first.xlsx", codes)
    second_path = parcels_workbook(tmp_path / "second.xlsx", codes)
    first_writing, second_done = threading.Event(), threading.Event()
    outcomes, failures = {}, []

    def first_progress(stage, done, total):
        if stage.startswith("写入") and not first_writing.is_set():
            first_writing.set()  # inside its write transaction, nothing written yet
            second_done.wait(timeout=20)

    def run(name, path, progress, before=None):
        try:
            if before is not None:
                before.wait(timeout=60)
            outcomes[name] = run_import([path], progress=progress)
        except Exception as exc:  # a raw database error would land here
            failures.append(exc)
        finally:
            if name == "second":
                second_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("first", first_path, first_progress)),
        threading.Thread(target=run, args=("second", second_path, None, first_writing)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # The loser: a failed batch saying why or, where it could not even store its batch (an
    # in-memory SQLite test database refuses at once instead of waiting), the same message.
    assert all(isinstance(f, ImportConflict) and str(f) == CONFLICT for f in failures), failures
    results = sorted(outcomes.values(), key=lambda r: r.ok)
    assert [r.ok for r in results] == [False, True][len(failures) :]
    winner = results[-1]
    if not failures:
        loser = results[0]
        assert [e.reason[: len(CONFLICT)] for e in loser.errors] == [CONFLICT]
        assert ImportBatch.objects.get(pk=loser.batch.pk).status == ImportBatch.Status.FAILED
    assert CONFLICT.startswith("写入时与同时进行的另一写入")
    assert ImportBatch.objects.get(pk=winner.batch.pk).status == ImportBatch.Status.SUCCEEDED
    assert sorted(Parcel.objects.values_list("code", flat=True)) == codes  # written once


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite connection settings")
@pytest.mark.django_db
def test_import_waits_for_other_writers_for_the_configured_time_then_restores(settings):
    # The import's lock wait and bulk_session share core.databases.sqlite_pragmas.
    from landcycle.imports.services import _waiting_for_other_writers

    settings.LANDCYCLE_IMPORT_LOCK_WAIT = 2.5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        was = cursor.fetchone()[0]
        with _waiting_for_other_writers():
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 2500
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == was
