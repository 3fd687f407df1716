"""Status codes of the permission matrix, shared by ``test_permission_matrix`` and the apps'
``tests/<app>/matrix_*.py`` row files (one code per role, in the order of ``ROLES``)."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

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


# Namespaces whose routes are not ours to check.
FOREIGN_NAMESPACES = (None, "admin")


def url_patterns():
    """(qualified name, parameter names) of every named route in our namespaces."""
    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace not in FOREIGN_NAMESPACES:
                found.add((f"{namespace}:{p.name}", tuple(sorted(p.pattern.regex.groupindex))))

    walk(get_resolver().url_patterns, None)
    return sorted(found)


def _app_row_files():
    """The apps' row files ``tests/<app>/matrix_*.py``: each has ``ROWS`` (as ``MATRIX``) and may
    have ``QUERIES``, ``KWARGS``, ``OBJECT_KEYS``, ``CHANGES_STATE`` and ``objects(world)`` →
    ``{"own": {key: obj}, "other": {key: obj}}`` (called inside a test, with the database)."""
    tests_root = Path(__file__).resolve().parents[1]
    for path in sorted(tests_root.rglob("matrix_*.py")):
        dotted = ".".join(path.relative_to(tests_root.parent).with_suffix("").parts)
        yield importlib.import_module(dotted)


ROW_FILES = list(_app_row_files())
# Route parameters other than pk filled per route: route → {name: value}.
KWARGS: dict[str, dict[str, object]] = {}
# Route → key of the object its pk names in the own/other dicts (default: from the route name).
OBJECT_KEYS: dict[str, str] = {}
for _rows in ROW_FILES:
    KWARGS.update(getattr(_rows, "KWARGS", {}))
    OBJECT_KEYS.update(getattr(_rows, "OBJECT_KEYS", {}))


def app_objects(world) -> list[dict]:
    """The own and other objects every row file names, as a list of dicts (key → object)."""
    found = []
    for rows in ROW_FILES:
        if hasattr(rows, "objects"):
            extra = rows.objects(world)
            found += [extra.get("own", {}), extra.get("other", {})]
    return found
