"""The overview pages (map, portal) are tried in the web tests' world; chromium for the
browser tests."""

from tests.web.conftest import (  # noqa: F401 - fixtures for the page tests
    client_for,
    fast_password_hashing,
    world,
)
from tests.web.test_browser import browser, page  # noqa: F401 - chromium for the browser tests
