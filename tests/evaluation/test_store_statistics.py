"""Storing a run refreshes SQLite's planner statistics (an enterprise's results by holder)."""

import pytest
from django.db import connection

from landcycle.core import databases
from landcycle.evaluation import services
from tests.core.test_statistics import _stat_tables, sqlite_only
from tests.evaluation.conftest import YEAR

pytestmark = pytest.mark.django_db


@sqlite_only
def test_an_evaluation_of_many_parcels_refreshes_them(etown, monkeypatch):
    monkeypatch.setattr(databases, "ANALYZE_AFTER_ROWS", 1)  # the fixture's five parcels count
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    services.run_evaluation(YEAR)
    assert "evaluation_evaluationresult" in _stat_tables()
