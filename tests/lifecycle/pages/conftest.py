"""The web tests' world (two streets, enterprises, a user of every role) for the case pages."""

from tests.web.conftest import _fresh_web_cache, fast_password_hashing, world  # noqa: F401
