import pytest
from hypothesis import HealthCheck, settings

# Shared, noisy machines: no per-example deadline and no "too slow" health check; speed is
# measured in benchmarks/, not in tests.
settings.register_profile(
    "landcycle", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("landcycle")


@pytest.fixture(autouse=True)
def _fresh_web_cache():
    """Each test rolls its database back, so change-record ids (the data version) repeat
    across tests with different data: start every test with an empty per-process cache
    (pages of every app and the current runs keep values there)."""
    from landcycle.web import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded documents, evidence and attachments go to this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "documents"
    return settings.MEDIA_ROOT


@pytest.fixture
def change_context():
    from landcycle.core.context import changes_by

    with changes_by(source="test"):
        yield


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(items):
    """Every database test may use every database: on SQLite sessions, login attempts and
    jobs live in a second file (``landcycle.core.databases``)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DB_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            continue
        if marker is not None and "databases" in marker.kwargs:
            continue
        args = marker.args if marker else ()
        kwargs = {**(marker.kwargs if marker else {}), "databases": "__all__"}
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)
