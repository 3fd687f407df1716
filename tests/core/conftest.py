"""The web tests' world (two streets, enterprises, a user of every role) for the permission tests."""

from tests.web.conftest import fast_password_hashing, world  # noqa: F401 - fixtures
