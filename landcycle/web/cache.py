"""Per-process caches keyed on the ledger's data version.

Every ledger write leaves a change record (single saves by signal, imports by ``record_bulk``),
so the highest change-record id is a cheap version of the ledger: one indexed ``MAX`` per
request. Whatever is cached here is keyed on that version (and expires after ``MAX_AGE_S`` as a
safety net for writes that bypass the change log), so a write shows on the next request.
Cached values are derived from already restricted querysets, keyed on their SQL, so the
restriction stays the only gate.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections import OrderedDict

from django.db.models import Max, QuerySet

MAX_AGE_S = 60.0  # also bounds staleness after writes that skip the change log
MAX_ENTRIES = 32  # sorted id lists kept per process (100k ids = 0.8 MB each)

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[int, float, object]] = OrderedDict()


def data_version() -> int:
    """The highest change-record id (0 for an empty log)."""
    from landcycle.core.models import ChangeRecord

    return ChangeRecord.objects.aggregate(v=Max("pk"))["v"] or 0


_computing: dict[tuple, threading.Lock] = {}


def _fresh(key: tuple, version: int):
    hit = _entries.get(key)
    if hit is not None and hit[0] == version and time.monotonic() - hit[1] < MAX_AGE_S:
        _entries.move_to_end(key)
        return hit
    return None


def _remember(key: tuple, version: int, compute):
    with _lock:
        hit = _fresh(key, version)
        if hit is not None:
            return hit[2]
        key_lock = _computing.setdefault(key, threading.Lock())
    # One thread computes a missing value; the others wait for it instead of all sorting the
    # same 100k rows at once (a cold cache under 20 clients).
    with key_lock:
        with _lock:
            hit = _fresh(key, version)
        if hit is not None:
            return hit[2]
        started = time.monotonic()
        value = compute()
        with _lock:
            _entries[key] = (version, started, value)
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
            _computing.pop(key, None)
    return value


def _sql_key(queryset: QuerySet) -> tuple:
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(map(repr, params)))


def ordered_ids(queryset: QuerySet, version: int) -> list:
    """The queryset's ids in its order, computed once per data version.

    A list sorted by a joined column (street, holder) sorts every row on each request; paging
    through a cached id list costs a slice.
    """
    ids = queryset.values_list("pk", flat=True)

    def compute():
        values = list(ids)
        try:  # 8 bytes an id instead of a Python int object each
            return array("q", values)
        except TypeError:  # not integer keys
            return values

    return _remember(("ids", *_sql_key(ids)), version, compute)


def value(name: str, queryset: QuerySet, version: int, compute):
    """``compute()`` once per data version for this (restricted) queryset."""
    return _remember((name, *_sql_key(queryset)), version, compute)


def clear() -> None:
    with _lock:
        _entries.clear()
        _computing.clear()
