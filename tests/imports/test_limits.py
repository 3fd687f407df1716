"""Bounded reading (issue 10 point 1): hostile files refused before any reader parses them, by the
CLI (a real subprocess under an address-space limit) and by the web upload; errors capped."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from landcycle.imports import limits
from landcycle.imports.errors import ImportProblem, ProblemList
from landcycle.imports.readers import read_inputs

from . import hostile
from .workbooks import district, write_xlsx

GIB = 1 << 30
# Address space of the CLI subprocess: Polars and the allocator reserve ~1 GiB of address space
# they never touch, so 2 GiB of address space is what ~1 GiB resident needs; the resident
# maximum is asserted on its own.
ADDRESS_SPACE = 2 * GIB
MAX_RSS = GIB
LANDCYCLE = str(Path(sys.executable).with_name("landcycle"))  # the installed entry point


def refused(path: Path) -> str:
    with pytest.raises(limits.Refused) as caught:
        limits.check_file(path)
    return caught.value.problem.line()


# ---------------------------------------------------------------- limits.check_file


def test_far_cell_is_refused_whatever_the_dimension_says(tmp_path):
    for dimension in (None, "A1:C1", "A1:XFD1048576"):
        message = refused(hostile.far_cell(tmp_path / "far.xlsx", dimension))
        assert message.startswith("宗地: 列数过多")
        assert "16,384" in message and "XFD1048576" in message
        assert "LANDCYCLE_IMPORT_MAX_COLUMNS" in message


def test_declared_dimension_alone_does_not_refuse(tmp_path):
    # calamine sizes the grid from the cells, not from <dimension>: a stale one is harmless.
    path = hostile.write(
        tmp_path / "stale.xlsx",
        ['<dimension ref="A1:XFD1048576"/><sheetData>', hostile._header_row(), "</sheetData>"],
    )
    limits.check_file(path)


def test_rows_columns_and_cells_each_have_their_limit(tmp_path, settings):
    path = hostile.million_bad_rows(tmp_path / "rows.xlsx", rows=2_000, extra_columns=3)
    limits.check_file(path)  # 2,001 rows × 6 columns: within the defaults
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 2_000
    message = refused(path)
    assert "行数过多" in message and "2,001" in message and "LANDCYCLE_IMPORT_MAX_ROWS" in message
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 10_000
    settings.LANDCYCLE_IMPORT_MAX_COLUMNS = 5
    message = refused(path)
    assert "列数过多" in message and "F2001" in message
    settings.LANDCYCLE_IMPORT_MAX_COLUMNS = 100
    settings.LANDCYCLE_IMPORT_MAX_CELLS = 12_000
    message = refused(path)
    assert (
        "2,001 行 × 6 列 = 12,006 个单元格" in message and "LANDCYCLE_IMPORT_MAX_CELLS" in message
    )


def test_cells_of_all_sheets_count_together(tmp_path, settings):
    path = hostile.million_bad_rows(tmp_path / "one.xlsx", rows=999)  # 1,000 rows × 3 columns
    settings.LANDCYCLE_IMPORT_MAX_CELLS = 5_000
    limits.check_file(path)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    two = hostile.million_bad_rows(tmp_path / "two.xlsx", rows=999)
    with zipfile.ZipFile(two, "a") as archive:
        archive.writestr("xl/worksheets/sheet2.xml", sheet)
    message = refused(two)
    assert message.startswith("two.xlsx: 工作簿过大") and "6,000" in message


def test_cells_far_down_or_written_without_references_are_seen(tmp_path, settings):
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 1_000
    # Out of order: the last cell's row is not the largest; attributes in another order.
    path = hostile.write(
        tmp_path / "order.xlsx",
        [
            "<sheetData>",
            '<row r="5000"><c t="inlineStr" r="B5000"><is><t>x</t></is></c></row>',
            '<row r="2"><c r="A2"><v>1</v></c></row>',
            "</sheetData>",
        ],
    )
    assert "5,000" in refused(path)
    settings.LANDCYCLE_IMPORT_MAX_COLUMNS = 50
    wide = "".join("<c><v>1</v></c>" for _ in range(60))  # cells without r: next column each
    path = hostile.write(tmp_path / "wide.xlsx", [f"<sheetData><row>{wide}</row></sheetData>"])
    assert "列数过多" in refused(path)


def test_zip_bomb_refused_by_ratio_then_by_inflated_size(tmp_path, settings):
    path = hostile.zip_bomb(tmp_path / "bomb.xlsx", inflated_mb=64)
    assert path.stat().st_size < 200_000
    message = refused(path)
    assert "压缩比异常" in message and "LANDCYCLE_IMPORT_MAX_ZIP_RATIO" in message
    assert "sheet1.xml" in message
    settings.LANDCYCLE_IMPORT_MAX_ZIP_RATIO = 1_000_000
    settings.LANDCYCLE_IMPORT_MAX_INFLATED_MB = 32
    message = refused(path)
    assert "解压后过大" in message and "32 MB" in message
    assert "LANDCYCLE_IMPORT_MAX_INFLATED_MB" in message


def test_declared_sizes_are_not_trusted(tmp_path, settings):
    """A member whose central directory says 1 KB still counts as what it inflates to."""
    settings.LANDCYCLE_IMPORT_MAX_ZIP_RATIO = 1_000_000
    settings.LANDCYCLE_IMPORT_MAX_INFLATED_MB = 16
    path = hostile.zip_bomb(tmp_path / "liar.xlsx", inflated_mb=32)
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    assert size > 32 << 20
    # Written as zip64: 8-byte size fields in the local header and data descriptor, a 4-byte one
    # in the central directory (the one zipfile reads).
    data = path.read_bytes().replace(size.to_bytes(8, "little"), (1024).to_bytes(8, "little"))
    path.write_bytes(data.replace(size.to_bytes(4, "little"), (1024).to_bytes(4, "little")))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1024
    assert "解压后过大" in refused(path)


def test_ods_repeats_count_where_they_hold_values(tmp_path):
    message = refused(hostile.ods_far_value(tmp_path / "far.ods"))
    assert message.startswith("宗地: 列数过多") and "XFD1048576" in message
    # LibreOffice pads rows and columns to the sheet's edge with empty repeats: harmless.
    padded = hostile.ods(
        tmp_path / "padded.ods",
        f"<table:table-row>{hostile.ODS_VALUE}"
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>',
    )
    limits.check_file(padded)
    gap = hostile.ods(
        tmp_path / "gap.ods",
        f"<table:table-row>{hostile.ODS_VALUE}"
        f'<table:table-cell table:number-columns-repeated="1500"/>{hostile.ODS_VALUE}'
        "</table:table-row>",
    )
    assert "1,502" in refused(gap)


def test_xls_far_cell_refused(tmp_path, settings):
    message = refused(hostile.xls_far_cell(tmp_path / "far.xls"))
    assert message.startswith("宗地: 表格过大") and "65,536 行 × 256 列" in message
    limits.check_file(Path(hostile.__file__).parent / "data" / "parcels-excel-2003.xls")
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 1
    assert "行数过多" in refused(Path(hostile.__file__).parent / "data" / "parcels-excel-2003.xls")


@pytest.mark.parametrize("part", ["sheet", "other"])
def test_entity_declarations_refused_before_any_parser(tmp_path, part):
    message = refused(hostile.entity(tmp_path / "entity.xlsx", part=part))
    assert "DOCTYPE/ENTITY" in message and "拒绝读取" in message


def test_csv_rows_and_file_size(tmp_path, settings):
    path = tmp_path / "宗地.csv"
    path.write_text("宗地编号,所属街道,用地面积 (亩)\n" + "P,甲街道,1\n" * 50, encoding="utf-8")
    limits.check_file(path)
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 50
    assert "行数过多" in refused(path) and "51" in refused(path)
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 100
    settings.LANDCYCLE_IMPORT_MAX_COLUMNS = 2
    assert "列数过多" in refused(path)
    settings.LANDCYCLE_IMPORT_MAX_COLUMNS = 100
    settings.LANDCYCLE_IMPORT_MAX_FILE_MB = 0
    assert "文件过大" in refused(path) and "LANDCYCLE_IMPORT_MAX_FILE_MB" in refused(path)


def test_readers_report_the_refusal_as_a_problem(tmp_path):
    inputs = read_inputs([hostile.far_cell(tmp_path / "far.xlsx")])
    assert not inputs.grids and not inputs.sheets
    assert [p.reason[:4] for p in inputs.problems] == ["列数过多"]


@pytest.mark.parametrize("name", ["宗地.csv", "宗地.txt", "宗地.tsv"])
def test_text_readers_refuse_too_many_lines(tmp_path, settings, name):
    settings.LANDCYCLE_IMPORT_MAX_ROWS = 10
    path = tmp_path / name
    path.write_text("宗地编号\t所属街道\n" + "P\t甲街道\n" * 20, encoding="utf-8")
    inputs = read_inputs([path])
    assert not inputs.grids and not inputs.sheets
    assert [p.reason[:4] for p in inputs.problems] == ["行数过多"]


def test_a_valid_district_workbook_passes(tmp_path):
    limits.check_file(write_xlsx(tmp_path / "district.xlsx", district(5)))


# ---------------------------------------------------------------- capped problems


def test_problems_capped_per_column_and_in_all_with_a_count_of_the_rest():
    problems = ProblemList(per_column=3, total=5)
    for row in range(2, 12):
        problems.append(ImportProblem("宗地", row, "面积", "x", "不是数字"))
    problems.append(ImportProblem("宗地", 2, "编号", "", "必填"))
    problems.append(ImportProblem("宗地", 3, "编号", "", "必填"))
    problems.append(ImportProblem("宗地", 4, "编号", "", "必填"))  # total reached
    listed = problems.listed()
    assert [(p.column, p.row) for p in listed] == [
        ("面积", 2),
        ("面积", 3),
        ("面积", 4),
        ("面积", None),
        ("编号", 2),
        ("编号", 3),
        ("编号", None),
    ]
    assert listed[3].more == 7 and "另有 7 行同类错误" in listed[3].reason
    assert listed[6].more == 1
    assert sum(p.count for p in listed) == 13
    copied = ProblemList(problems, per_column=3, total=5)  # validation copies the readers' list
    assert sum(p.count for p in copied.listed()) == 13


# ---------------------------------------------------------------- the CLI, as a subprocess


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory):
    """A scratch SQLite data directory for the subprocesses (never the suite's database)."""
    data = tmp_path_factory.mktemp("cli-data")
    env = {k: v for k, v in os.environ.items() if k != "LANDCYCLE_DATABASE_URL"}
    env["LANDCYCLE_DATA_DIR"] = str(data)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Creates and migrates the database, so the timed runs below do not.
    subprocess.run([LANDCYCLE, "import", str(data / "none.xlsx")], env=env, capture_output=True)
    return env


def run_cli(env, path: Path) -> tuple[subprocess.CompletedProcess, float, int]:
    """``landcycle import PATH`` under the address-space limit: (result, seconds, max RSS bytes)."""

    def bounded():
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            [LANDCYCLE, "import", str(path)], env=env, stdout=out, stderr=err, preexec_fn=bounded
        )
        _pid, status, usage = os.wait4(process.pid, 0)  # this child's own resource usage
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(
            process.args, process.returncode, out.read().decode(), err.read().decode()
        )
    return result, seconds, usage.ru_maxrss * 1024


def assert_refused(result, seconds, rss, words, limit_seconds):
    print(f"{seconds:.1f} s, max RSS {rss / (1 << 20):.0f} MiB")
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "panicked" not in result.stderr
    assert words in result.stderr
    assert "未写入任何数据" in result.stderr
    assert len(result.stderr) < 100_000  # errors capped, not a line per bad cell
    assert seconds < limit_seconds
    assert rss < MAX_RSS


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hostile.far_cell, "列数过多"),
        (hostile.zip_bomb, "压缩比异常"),
        (hostile.entity, "DOCTYPE/ENTITY"),
        (hostile.xls_far_cell, "表格过大"),
        (hostile.ods_far_value, "列数过多"),
    ],
    ids=["far-cell", "zip-bomb", "entity", "xls-far-cell", "ods-far-value"],
)
def test_cli_refuses_hostile_workbooks(cli_env, tmp_path, build, words):
    suffix = {"xls_far_cell": ".xls", "ods_far_value": ".ods"}.get(build.__name__, ".xlsx")
    path = build(tmp_path / f"hostile{suffix}")
    assert path.stat().st_size < 2 << 20
    assert_refused(*run_cli(cli_env, path), words, limit_seconds=60)


@pytest.mark.slow
def test_cli_million_bad_rows_bounded(cli_env, tmp_path):
    path = hostile.million_bad_rows(tmp_path / "million.xlsx")
    result, seconds, rss = run_cli(cli_env, path)
    assert_refused(result, seconds, rss, "另有 1,048,475 行同类错误", limit_seconds=180)
    assert "1,048,575 个错误" in result.stderr


# ---------------------------------------------------------------- the web upload


@pytest.fixture
def officer_client(db):
    from django.test import Client

    from landcycle.web.models import Role
    from tests.web.factories import user_with_role

    client = Client()
    client.force_login(user_with_role("limits_officer", Role.EVALUATION_OFFICER))
    return client


def upload(client, path: Path):
    with path.open("rb") as handle:
        return client.post(reverse("imports:import"), {"workbook": handle}, follow=True)


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (hostile.far_cell, "列数过多"),
        (hostile.zip_bomb, "压缩比异常"),
        (hostile.entity, "DOCTYPE/ENTITY"),
    ],
    ids=["far-cell", "zip-bomb", "entity"],
)
def test_web_upload_refuses_hostile_workbooks(officer_client, tmp_path, settings, build, words):
    from landcycle.imports.models import ImportBatch

    # Through pytest-django's settings (override_settings beside it leaked into later tests).
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    response = upload(officer_client, build(tmp_path / "hostile.xlsx"))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ImportBatch.objects.exists()  # refused before any job
    uploads = Path(settings.DATA_DIR) / "uploads"
    assert not any(p.is_file() for p in uploads.rglob("*.xlsx"))  # the upload is not kept
    assert officer_client.get(reverse("imports:import")).status_code == 200  # still answering


def test_web_upload_size_limit(officer_client, tmp_path, settings):
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    settings.LANDCYCLE_IMPORT_MAX_FILE_MB = 1
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 600_000)
    response = upload(officer_client, path)
    assert response.status_code == 413
    page = response.content.decode()
    assert "文件过大" in page and "LANDCYCLE_IMPORT_MAX_FILE_MB" in page
    uploads = Path(settings.DATA_DIR) / "uploads"
    assert not uploads.exists() or not any(p.is_file() for p in uploads.rglob("*.csv"))


@pytest.mark.slow
def test_web_million_bad_rows_listed_compactly(officer_client, tmp_path, settings):
    settings.LANDCYCLE_WEB_SYNC_JOBS = True
    from landcycle.imports.models import ImportBatch

    response = upload(officer_client, hostile.million_bad_rows(tmp_path / "million.xlsx"))
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error_count == 1_048_575
    assert len(batch.errors) == 101
    assert batch.errors[-1]["more"] == 1_048_475
    page = response.content.decode()
    assert "另有 1,048,475 行同类错误" in page and "1048575" in page.replace(",", "")
    start = time.perf_counter()
    listing = officer_client.get(reverse("imports:import"))
    assert listing.status_code == 200 and "1048575" in listing.content.decode()
    assert time.perf_counter() - start < 5


def test_import_list_page_never_loads_the_lists(officer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.imports.models import ImportBatch

    big = [{"sheet": "宗地", "row": r, "reason": "x" * 100} for r in range(20_000)]
    ImportBatch.objects.create(files=["a.xlsx"], errors=big, error_count=20_000)
    with CaptureQueriesContext(connection) as queries:
        page = officer_client.get(reverse("imports:import"))
    assert page.status_code == 200 and "20000" in page.content.decode()
    batch_queries = [q["sql"] for q in queries if "imports_importbatch" in q["sql"]]
    assert batch_queries and not any('"errors"' in q for q in batch_queries)


@pytest.mark.django_db(transaction=True)  # SQLite: a schema editor outside a transaction
def test_migration_fills_counts_of_stored_batches():
    from django.apps import apps
    from django.db import connection

    from landcycle.imports.models import ImportBatch

    module = __import__(
        "landcycle.imports.migrations.0002_batch_error_counts", fromlist=["fill_counts"]
    )
    batch = ImportBatch.objects.create(files=["old.xlsx"], errors=[{}, {}, {}], warnings=[{}])
    with connection.schema_editor() as editor:
        module.fill_counts(apps, editor)
    batch.refresh_from_db()
    assert (batch.error_count, batch.warning_count) == (3, 1)
