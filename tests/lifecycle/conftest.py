import datetime as dt

import pytest


@pytest.fixture
def calendar(db):
    """The holiday table as the migration seeded it (chinese-calendar's years)."""
    from landcycle.lifecycle.services.calendar import load_calendar, seed_from_package

    seed_from_package()  # a no-op after the data migration; needed under --nomigrations
    return load_calendar()


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
