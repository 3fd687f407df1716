"""The import service: read → validate everything → write all in one transaction, or nothing.

Used by the ``landcycle import`` command and by the web app (which runs it in the background
and passes a ``progress`` callback). Every run is recorded as an ``ImportBatch``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from landcycle.core.bulk import bulk_session
from landcycle.core.context import changes_by
from landcycle.core.databases import refresh_statistics, sqlite_pragmas
from landcycle.core.uscc_exceptions import exception_codes
from landcycle.ledger import models as ledger

from . import jurisdictions
from .errors import ImportProblem, SortedProblems
from .models import ImportBatch
from .readers import read_inputs
from .schema import SHEETS
from .validation import Known, Validated, validate
from .writer import Counts, frame_for, geometry_plan, upsert

# progress(stage, done, total): stage is a short Chinese/English label of the current step.
Progress = Callable[[str, int, int], None]

CONFLICT = (
    "写入时与同时进行的另一写入（例如另一导入）冲突，未写入任何数据；请稍后重新校验并导入。"
    " Conflict with another write at the same time (e.g. another import); nothing was written;"
    " check again and import later."
)


@dataclass
class ImportResult(SortedProblems):
    """What an import did: its batch, counts per sheet (created, updated, unchanged), problems."""

    batch: ImportBatch
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no error stopped the import."""
        return not self.errors


class _DryRunRollback(Exception):
    pass


def load_known() -> Known:
    """What validation checks references against, read from the ledger (one query per table):
    stored USCCs and names, parcel codes with their areas (m²) and holders, persons' ID
    numbers, and the GB 32100 exception list.
    """
    known = Known()
    # One query per table; enterprises also give names and the stored holders' codes (holders).
    enterprises = list(ledger.Enterprise.objects.values_list("id", "uscc", "name"))
    known.enterprise_names = {uscc: name for _id, uscc, name in enterprises}
    known.usccs = set(known.enterprise_names)
    uscc_of = {pk: uscc for pk, uscc, _name in enterprises}
    parcels = ledger.Parcel.objects.values_list("code", "registered_area_m2", "holder_id")
    for code, area, holder in parcels.iterator(chunk_size=50_000):
        known.parcel_codes.add(code)
        known.parcel_areas[code] = area
        if holder is not None:
            known.parcel_holders[code] = uscc_of[holder]
    known.person_ids = set(ledger.Person.objects.values_list("id_number", flat=True))
    known.uscc_exceptions = exception_codes()
    return known


def run_import(
    paths: list[str | Path],
    *,
    crs: int | None = None,
    dry_run: bool = False,
    user_id: int | None = None,
    progress: Progress | None = None,
    profile: str | None = None,
    street: str | None = None,
    on_batch: Callable[[ImportBatch], None] | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import workbooks / CSV folders / geodata files; see ``docs/interchange.md``.

    ``crs``: EPSG code of all coordinates given; None means EPSG:4490 in sheets and a geodata
    file's own declared CRS (else 4490). ``profile``: name of a column profile
    (``imports.profiles``; ``ProfileError`` if there is none such); ``street``: 所属街道 of
    宗地 rows that give none. ``encoding``: codec of CSV / text / .dbf files (else detected).
    ``on_batch(batch)`` is called once the run's ``ImportBatch``
    exists (before anything is read), e.g. to link it to a background job. A write that
    collides with a concurrent one (a unique key written by another import, or SQLite's write
    lock held past LANDCYCLE_IMPORT_LOCK_WAIT) ends as a failed batch with ``CONFLICT``, or
    raises ``ImportConflict`` (same message) if not even the batch could be stored.
    """
    from .profiles import load

    options = {"profile": load(profile) if profile else None, "street": street or None}
    with _waiting_for_other_writers():
        result = _run_import(paths, crs, dry_run, user_id, progress, on_batch, options, encoding)
    if not dry_run:
        written = sum(c.created + c.updated for c in result.counts.values())
        refresh_statistics(written)
    return result


class ImportConflict(Exception):
    """The import could not even start its batch: another writer held the database."""


@contextlib.contextmanager
def _waiting_for_other_writers():
    """On SQLite, wait up to LANDCYCLE_IMPORT_LOCK_WAIT seconds for another import's write
    lock (imports then run one after the other, each validating what the other wrote)
    instead of the request path's short busy timeout."""
    wait_ms = int(1000 * getattr(settings, "LANDCYCLE_IMPORT_LOCK_WAIT", 600))
    with sqlite_pragmas({"busy_timeout": wait_ms}):
        yield


def _run_import(
    paths, crs, dry_run, user_id, progress, on_batch, options, encoding
) -> ImportResult:
    paths = [Path(p) for p in paths]
    names = [p.name for p in paths]
    report = progress or (lambda stage, done, total: None)
    try:
        batch = ImportBatch.objects.create(files=names, dry_run=dry_run, user_id=user_id)
    except Exception as exc:
        if _is_conflict(exc):
            raise ImportConflict(CONFLICT) from exc
        raise
    result = ImportResult(batch=batch, dry_run=dry_run)
    if on_batch is not None:
        on_batch(batch)
    try:
        _run(paths, names, crs, dry_run, user_id, report, result, options, encoding)
    except Exception as exc:  # a bug or a database failure: the batch must not stay "running"
        result.problems.append(
            ImportProblem(", ".join(names), None, None, None, f"内部错误 internal error: {exc!r}")
        )
        _finish(batch, result, ImportBatch.Status.FAILED)
        raise
    return result


def _run(
    paths,
    names,
    crs,
    dry_run,
    user_id,
    report: Progress,
    result: ImportResult,
    options=None,
    encoding=None,
) -> None:
    batch = result.batch
    steps = 3 + len(SHEETS) + 1
    report("读取 reading", 0, steps)
    inputs = read_inputs(paths, encoding=encoding)
    report("校验 validating", 1, steps)
    validated = validate(inputs, load_known(), crs, **(options or {}))
    jplan = None
    parcels = validated.sheets.get("parcels")
    if parcels is not None and "jurisdiction" in parcels.frame.columns:
        jplan = jurisdictions.plan(
            parcels.frame,
            parcels.name,
            parcels.headers,
            jurisdictions.load_nodes(),
            validated.problems,
        )
    result.problems = validated.problems
    if result.errors:
        _finish(batch, result, ImportBatch.Status.FAILED)
        report("完成 done", steps, steps)
        return
    try:
        with changes_by(user_id=user_id, source=f"import {' '.join(names)}"[:200], operation=batch):
            with bulk_session(), transaction.atomic():
                result.counts = _write(validated, jplan, report, steps)
                if dry_run:
                    raise _DryRunRollback
    except _DryRunRollback:
        pass
    except Exception as exc:  # rolled back: nothing was written
        if not _is_conflict(exc):
            raise
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        result.counts = {}
        result.problems.append(
            ImportProblem(", ".join(names), None, None, None, f"{CONFLICT} ({detail})")
        )
        _finish(batch, result, ImportBatch.Status.FAILED)
        report("完成 done", steps, steps)
        return
    status = ImportBatch.Status.VALIDATED if dry_run else ImportBatch.Status.SUCCEEDED
    _finish(batch, result, status)
    report("完成 done", steps, steps)


def _is_conflict(exc: Exception) -> bool:
    """A unique key written meanwhile by another transaction, or SQLite's write lock held by
    another writer past the busy timeout (Django's or, from COPY, the driver's own errors)."""
    driver = connection.Database
    if isinstance(exc, IntegrityError | driver.IntegrityError):
        return True
    locked = isinstance(exc, OperationalError | driver.OperationalError)
    return locked and "locked" in str(exc).lower()


def _finish(batch: ImportBatch, result: ImportResult, status: str) -> None:
    batch.status = status
    batch.finished_at = timezone.now()
    batch.counts = {sheet: counts.as_dict() for sheet, counts in result.counts.items()}
    batch.errors = [p.as_dict() for p in result.errors]  # capped (errors.ProblemList)
    batch.warnings = [p.as_dict() for p in result.warnings]
    batch.error_count = sum(p.count for p in result.errors)
    batch.warning_count = sum(p.count for p in result.warnings)
    batch.save()


def _single(ids: dict[tuple, int]) -> dict:
    return {key[0]: pk for key, pk in ids.items()}


def _write(validated: Validated, jplan, report: Progress, steps: int) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}
    key_maps: dict[str, dict] = {}
    needed = {
        "enterprises": ledger.Enterprise,
        "persons": ledger.Person,
        "parcels": ledger.Parcel,
    }
    natural = {"enterprises": "uscc", "persons": "id_number", "parcels": "code"}

    def key_map(table: str) -> dict:
        if table not in key_maps:  # not written by this import: what is stored
            key_maps[table] = dict(needed[table].objects.values_list(natural[table], "id"))
        return key_maps[table]

    for done, spec in enumerate(SHEETS, start=2):
        data = validated.sheets.get(spec.key)
        report(f"写入 writing {spec.name}", done, steps)
        if data is None:
            if spec.key == "parcels" and validated.geometry_updates is not None:
                counts["geometry"] = upsert(geometry_plan(validated.geometry_updates))[0]
            continue
        maps = {t: key_map(t) for t in ("enterprises", "persons", "parcels") if _uses(spec.key, t)}
        resolver = None
        if spec.key == "parcels":
            resolved = jurisdictions.create(jplan)

            def resolver(frame, resolved=resolved):
                return jurisdictions.ids_for(frame, resolved)

        plan = frame_for(data, maps, resolver)
        counts[spec.key], ids = upsert(plan, ids_wanted=spec.key in natural)
        if spec.key in natural:
            key_maps[spec.key] = _single(ids)
        if spec.key == "parcels" and validated.geometry_updates is not None:
            counts["geometry"] = upsert(geometry_plan(validated.geometry_updates))[0]
    return counts


_USES = {
    "enterprises": (),
    "persons": (),
    "parcels": ("enterprises",),
    "buildings": ("parcels",),
    "relations": ("enterprises", "persons"),
    "leases": ("parcels", "enterprises"),
    "indicators": ("parcels", "enterprises"),
    "violations": ("parcels", "enterprises"),
    "commitments": ("parcels", "enterprises"),
}


def _uses(sheet: str, table: str) -> bool:
    return table in _USES[sheet]
