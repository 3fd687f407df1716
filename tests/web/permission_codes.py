"""Status codes of the permission matrix, shared by ``test_permission_matrix`` and the apps'
``tests/<app>/matrix_*.py`` row files (one code per role, in the order of ``ROLES``)."""

from __future__ import annotations

ROLES = (
    "administrator",
    "evaluation_officer",
    "street_officer",
    "department_reader",
    "enterprise_user",
    "no_role",
    "anonymous",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Rows of codes, one per role in the order of ROLES.
PAGE = "200 200 200 200 200 403 302"  # signed-in roles with a role; the rest are sent away
PAGE_NO_METHOD = "405 405 405 405 405 403 302"  # the method is refused after the login check
OWN_ONLY = "200 200 404 200 404 403 302"  # the street and the enterprise reach only their own
EVALUATORS_ONLY = "200 200 404 404 404 403 302"  # unpublished runs
API = "200 200 200 200 200 403 403"
API_OWN_ONLY = "200 200 404 200 404 403 403"
API_EVALUATORS_ONLY = "200 200 404 404 404 403 403"
# The API is read-only: roles allowed to change anything hear "no such method", others "no".
API_NO_METHOD = "405 405 403 403 403 403 403"
EVERYONE = "200 200 200 200 200 200 200"
NO_METHOD = "405 405 405 405 405 405 405"
IMPORTERS = "200 200 403 403 403 403 302"
IMPORTERS_NO_METHOD = "405 405 403 403 403 403 302"


def page(get=PAGE, **others):
    """A page answering GET (``get``) and refusing every other method unless given."""
    return {"GET": get, **{m: PAGE_NO_METHOD for m in METHODS[1:]}, **others}


def api(get=API):
    return {"GET": get, **{m: API_NO_METHOD for m in METHODS[1:]}}


def public(get=EVERYONE):
    return {"GET": get, **{m: NO_METHOD for m in METHODS[1:]}}
