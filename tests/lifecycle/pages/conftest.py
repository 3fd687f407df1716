"""The lifecycle pages are tried in the web tests' world (two streets, a user of every role)."""

from tests.web.conftest import (  # noqa: F401 - fixtures for the page tests
    _fresh_web_cache,
    client_for,
    fast_password_hashing,
    world,
)
from tests.web.test_browser import browser, page  # noqa: F401 - chromium for the browser tests
