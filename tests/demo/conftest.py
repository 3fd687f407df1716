import pytest

from landcycle.demo.generator import generate_district


@pytest.fixture(scope="session")
def district():
    """The default demo district (2,000 parcels, seed 2024), generated once per session."""
    return generate_district()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo creates users; the production hasher costs ~0.6 s a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
