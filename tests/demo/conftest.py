import pytest

from landcycle.demo.generator import generate_district


@pytest.fixture(scope="session")
def district():
    """The default demo district (2,000 parcels, seed 2024), generated once per session."""
    return generate_district()
