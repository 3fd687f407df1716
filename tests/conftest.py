import pytest
from hypothesis import HealthCheck, settings

# Shared, noisy machines: no per-example deadline and no "too slow" health check; speed is
# measured in benchmarks/, not in tests.
settings.register_profile(
    "landcycle", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("landcycle")


@pytest.fixture
def change_context():
    from landcycle.core.context import changes_by

    with changes_by(source="test"):
        yield
