"""Per-process caches keyed on the ledger's data version.

Every ledger write leaves a change record (single saves by signal, imports by ``record_bulk``),
so the highest change-record id is a cheap version of the ledger: one indexed ``MAX`` per
request. Whatever is cached here is keyed on that version (and expires after ``MAX_AGE_S`` as a
safety net for writes that bypass the change log), so a write shows on the next request.
Cached values are derived from already restricted querysets, keyed on their SQL, so the
restriction stays the only gate.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import threading
import time
from array import array
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.db import connections, router
from django.db.models import QuerySet

MAX_AGE_S = 60.0  # also bounds staleness after writes that skip the change log
# Values kept per process: by count, and the sorted id lists also by their bytes (100k ids are
# 0.8 MB). A page mix of one district already keys ~35 values (six parcel-list orders, five of
# the run page, filter choices, sums…): 32 made the LRU drop sorts that were sorted again.
MAX_ENTRIES = 256
MAX_ID_BYTES = 64 * 2**20

_lock = threading.Lock()
_entries: OrderedDict[tuple, tuple[int, float, object]] = OrderedDict()


# ---- one request's memo ---------------------------------------------------------------------
# Values read several times while answering one request (the data version, the current run)
# are read once: ``RequestMemoMiddleware`` opens a memo for each request, dropped at its end.
# Outside a request (commands, tests calling services directly) nothing is remembered.
_request_memo: ContextVar[dict | None] = ContextVar("landcycle_request_memo", default=None)


@contextmanager
def request_scope():
    """Context manager: a fresh per-request memo (``per_request``) for the block, dropped after it."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def per_request(key, compute):
    """``compute()`` once per request for ``key`` (every time outside a request)."""
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def in_request() -> bool:
    """Whether a reading request's memo is open (see ``RequestMemoMiddleware``)."""
    return _request_memo.get() is not None


def forget_request_memo() -> None:
    """Drop what this request has remembered (after a write within the request)."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


def data_version() -> int:
    """The highest change-record id (0 for an empty log), read once per request."""
    return per_request(("data_version",), _read_data_version)


def _read_data_version() -> int:
    # The ORM's aggregate() compiles the same one-line SQL on every request; this is it.
    from landcycle.core.models import ChangeRecord

    meta = ChangeRecord._meta
    connection = connections[router.db_for_read(ChangeRecord)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}")
        (version,) = cursor.fetchone()
    return version or 0


_computing: dict[tuple, threading.Lock] = {}


def _fresh(key: tuple, version: int):
    hit = _entries.get(key)
    if hit is not None and hit[0] == version and time.monotonic() - hit[1] < MAX_AGE_S:
        _entries.move_to_end(key)
        return hit
    return None


def _remember(key: tuple, version: int, compute, share: bool = True):
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
        value = _shared_or_computed(key, version, compute) if share else compute()
        with _lock:
            _entries[key] = (version, started, value)
            _entries.move_to_end(key)
            _evict()
            _computing.pop(key, None)
    return value


def _id_bytes(value) -> int:
    return value.itemsize * len(value) if isinstance(value, array) else 0


def _evict() -> None:
    """Drop the least recently used values beyond MAX_ENTRIES or MAX_ID_BYTES (under _lock)."""
    held = sum(_id_bytes(entry[2]) for entry in _entries.values())
    while _entries and (len(_entries) > MAX_ENTRIES or held > MAX_ID_BYTES):
        _key, (_version, _started, value) = _entries.popitem(last=False)
        held -= _id_bytes(value)


def _sql_key(queryset: QuerySet) -> tuple:
    sql, params = queryset.query.sql_with_params()
    return (queryset.db, sql, tuple(map(repr, params)))


def ordered_ids(queryset: QuerySet, version: int) -> list:
    """The queryset's ids in its order, computed once per data version.

    A list sorted by a joined column (street, holder) sorts every row on each request; paging
    through a cached id list costs a slice.
    """
    ids = queryset.values_list("pk", flat=True)
    key = ("ids", *_sql_key(ids))

    def compute():
        shared = _shared_file(key, version)
        if shared is not None and (known := _read_ids(shared)) is not None:
            return known  # another worker of this server sorted them
        values = list(ids)
        try:  # 8 bytes an id instead of a Python int object each
            values = array("q", values)
        except TypeError:  # not integer keys
            return values
        if shared is not None:
            _write_ids(shared, values)
        return values

    return _remember(key, version, compute, share=False)  # shared as an array, below


# ---- shared by the workers of one server -----------------------------------------------------
# ``landcycle serve --workers N`` makes a directory before it forks (``SHARED_DIR_ENV``); a
# worker that sorts ids leaves them there for the others, so each order is sorted once per data
# version, not once per worker. Without the variable (tests, commands) nothing is shared.
SHARED_DIR_ENV = "LANDCYCLE_WORKERS_CACHE_DIR"


def _shared_file(key: tuple, version: int, suffix: str = ".ids") -> Path | None:
    directory = os.environ.get(SHARED_DIR_ENV)
    if not directory:
        return None
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return Path(directory) / f"{digest}-{version}{suffix}"


def _shared_or_computed(key: tuple, version: int, compute):
    """A value another worker of this server computed for ``key`` and ``version`` (a pickle in
    the server's own directory, made by ``landcycle serve`` with mode 0700: only this server's
    processes write there), else ``compute()``, left there for the others. A sum over 100k rows
    (the run page's, the lists', the dashboard's) is then paid once per server, not per worker.
    A key whose repr differs between processes simply never meets its twin."""
    path = _shared_file(key, version, ".pkl")
    if path is not None:
        try:
            if time.time() - path.stat().st_mtime < MAX_AGE_S:
                return _loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    value = compute()
    if path is not None:
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return value  # not picklable: this worker keeps it alone
        _write_atomically(path, payload)
    return value


def _loads(payload: bytes):
    """``pickle.loads`` with the cyclic garbage collector paused: a value of tens of thousands
    of objects (an inbox) otherwise triggers collections while it loads, 25–85 ms instead of
    15. The collector's previous state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)  # written by this server's own workers (0700)
    finally:
        if enabled:
            gc.enable()


def _write_atomically(path: Path, payload: bytes) -> None:
    try:
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(payload)
        os.replace(tmp, path)  # readers see the whole file or none
        for old in [*path.parent.glob("*.ids"), *path.parent.glob("*.pkl")]:  # past versions
            if time.time() - old.stat().st_mtime > 2 * MAX_AGE_S:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def _read_ids(path: Path) -> array | None:
    try:
        age = time.time() - path.stat().st_mtime
        if age > MAX_AGE_S:
            return None
        values = array("q")
        values.frombytes(path.read_bytes())
        return values
    except (OSError, ValueError):
        return None


def _write_ids(path: Path, values: array) -> None:
    _write_atomically(path, values.tobytes())


def remember(key: tuple, compute):
    """``compute()`` once per data version (``data_version``) for ``key``: a hashable tuple
    naming the value and all else it depends on besides the ledger (the user's scope, the
    current runs…). Values are shared by the threads of the process: never change them."""
    return _remember(("remember", *key), data_version(), compute)


def value(name: str, queryset: QuerySet, version: int, compute):
    """``compute()`` once per data version for this (restricted) queryset."""
    return _remember((name, *_sql_key(queryset)), version, compute)


def clear() -> None:
    """Forget every cached value in this process (the tests do, between cases)."""
    with _lock:
        _entries.clear()
        _computing.clear()
