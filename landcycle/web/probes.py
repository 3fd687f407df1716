"""Which of an object's related tables have rows, all asked in ONE query compiled once per process.

A card has many sections that are usually empty: a parcel's leases, commitments, violations,
review decisions, objections, documents and the cases of each workflow. Asking each table costs
a query the ORM compiles again on every request (~0.3–0.5 ms of CPU each, mostly compiling,
more than the empty answer). Apps register a probe per table on a model: a function from the
object's pk to an unrestricted queryset of the related rows. The frame compiles every probe of
the model into one ``UNION ALL`` of ``(pk, tag)`` once per process and database, with the
object's pk as its only parameter; ``found(obj)`` runs it once per request.

An answer only says where to look, never what to show: each section still reads its rows
through ``restrict`` (a probe's hit may be a row the user must not see), and skips its query
where the probe found nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import CharField, Model, QuerySet, Value

from .cache import per_request

# Stands for the object's pk while a probe is compiled; found again among the parameters.
SENTINEL = -7_305_919_461

PROBES: dict[type[Model], dict[str, Callable[[int], QuerySet]]] = {}
_compiled: dict[tuple[type[Model], str], tuple[str, list, list[int]]] = {}
_lock = threading.Lock()


def register_probe(model: type[Model], tag: str, rows: Callable[[int], QuerySet]) -> None:
    """Add (or replace, by tag) a probe on ``model``: ``rows(pk)`` → the related rows of the
    object ``pk`` as an unrestricted queryset (``Lease.objects.filter(parcel_id=pk)``). Called
    from an app's ``ready()``; ``tag`` names the table in ``found``'s answer."""
    with _lock:
        PROBES.setdefault(model, {})[tag] = rows
        for key in [k for k in _compiled if k[0] is model]:
            del _compiled[key]


def _compile(model: type[Model], alias: str) -> tuple[str, list, list[int]]:
    """(sql, params, positions of the pk among params) of ``model``'s probes as one UNION ALL.
    Raises ImproperlyConfigured for a probe whose SQL does not take the pk as a parameter."""
    parts = []
    for tag, rows in sorted(PROBES[model].items()):
        part = (
            rows(SENTINEL)
            .annotate(probe_tag=Value(tag, CharField()))
            .values_list("pk", "probe_tag")
            .order_by()
        )
        if SENTINEL not in part.query.sql_with_params()[1]:
            raise ImproperlyConfigured(f"probe {tag!r} on {model.__name__} does not filter by pk")
        parts.append(part)
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = union.query.get_compiler(alias).as_sql()
    positions = [i for i, value in enumerate(params) if value == SENTINEL]
    return sql, list(params), positions


def found(obj: Model) -> dict[str, list]:
    """``{tag: [pks of the related rows]}`` for the tags of ``type(obj)``'s probes that found
    rows (unrestricted: where to look, not what to show); one query, read once per request.
    {} when no probe is registered for the model."""
    model = type(obj)
    if not PROBES.get(model):
        return {}
    return per_request(("probes", model, obj.pk), lambda: _run(model, obj.pk))


def _run(model: type[Model], pk) -> dict[str, list]:
    alias = model._default_manager.db
    key = (model, alias)
    with _lock:
        compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compile(model, alias)
        with _lock:
            _compiled[key] = compiled
    sql, params, positions = compiled
    params = list(params)
    for i in positions:
        params[i] = pk
    answer: dict[str, list] = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        for row_pk, tag in cursor.fetchall():
            answer.setdefault(tag, []).append(row_pk)
    return answer


def has(obj: Model, tag: str) -> bool:
    """Whether ``tag``'s probe found rows for ``obj`` (True for a tag no probe answers for, so
    that a section without a probe always reads its rows)."""
    if tag not in PROBES.get(type(obj), {}):
        return True
    return bool(found(obj).get(tag))
