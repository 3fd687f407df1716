"""The planner's statistics are refreshed after bulk writes on SQLite (which keeps none itself)."""

import pytest
from django.db import connection

from landcycle.core import databases
from landcycle.core.databases import refresh_statistics

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's autovacuum keeps its statistics"
)


def _stat_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@sqlite_only
def test_small_writes_leave_statistics_and_bulk_writes_refresh_them():
    from tests.factories import ParcelFactory

    ParcelFactory.create_batch(3)
    assert refresh_statistics(databases.ANALYZE_AFTER_ROWS - 1) is False
    assert refresh_statistics(databases.ANALYZE_AFTER_ROWS) is True
    assert "ledger_parcel" in _stat_tables()


def test_postgresql_is_left_to_autovacuum():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite")
    assert refresh_statistics(10**6) is False
