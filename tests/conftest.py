import pytest


@pytest.fixture
def change_context():
    from landcycle.core.context import changes_by

    with changes_by(source="test"):
        yield
