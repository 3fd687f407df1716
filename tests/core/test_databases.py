import pytest
from django.db import connection

from landcycle.core.databases import sqlite_pragmas

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite PRAGMAs")


def pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return int(cursor.fetchone()[0])


@sqlite_only
def test_pragmas_are_set_for_the_block_and_restored_after_it():
    was_timeout, was_cache = pragma("busy_timeout"), pragma("cache_size")
    with sqlite_pragmas({"busy_timeout": was_timeout + 1234, "cache_size": -4096}):
        assert pragma("busy_timeout") == was_timeout + 1234
        assert pragma("cache_size") == -4096
    assert (pragma("busy_timeout"), pragma("cache_size")) == (was_timeout, was_cache)


@sqlite_only
def test_pragmas_are_restored_when_the_block_raises():
    was = pragma("busy_timeout")
    with pytest.raises(RuntimeError), sqlite_pragmas({"busy_timeout": was + 7}):
        raise RuntimeError
    assert pragma("busy_timeout") == was


@pytest.mark.skipif(connection.vendor == "sqlite", reason="another database")
def test_pragmas_do_nothing_on_another_database():
    with sqlite_pragmas({"busy_timeout": 5}):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone()[0] == 1
