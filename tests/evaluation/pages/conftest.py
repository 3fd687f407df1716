"""The web tests' world (tests/web/conftest.py) for the evaluation pages, with REVIEW parcels."""

import pytest

from tests.evaluation.pages.review_world import add_review_parcels
from tests.web.conftest import (  # noqa: F401 - fixtures
    fast_password_hashing,
    login,
    world,
)
from tests.web.test_browser import browser, page  # noqa: F401 - fixtures of the browser tests


@pytest.fixture
def reviews(world, media):  # noqa: F811 - the imported fixture
    return add_review_parcels(world)
