"""The import service: read → validate everything → write all in one transaction, or nothing.

Used by the ``landcycle import`` command and by the web app (which runs it in the background
and passes a ``progress`` callback). Every run is recorded as an ``ImportBatch``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from landcycle.core.bulk import bulk_session
from landcycle.core.context import changes_by
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


@dataclass
class ImportResult(SortedProblems):
    batch: ImportBatch
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class _DryRunRollback(Exception):
    pass


def load_known() -> Known:
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
    encoding: str | None = None,
) -> ImportResult:
    """Import workbooks / CSV folders / geodata files; see ``docs/interchange.md``.

    ``crs``: EPSG code of all coordinates given; None means EPSG:4490 in sheets and a geodata
    file's own declared CRS (else 4490). ``profile``: name of a column profile
    (``imports.profiles``; ``ProfileError`` if there is none such); ``street``: 所属街道 of
    宗地 rows that give none. ``encoding``: codec of CSV / text / .dbf files (else detected).
    """
    from .profiles import load

    options = {"profile": load(profile) if profile else None, "street": street or None}
    paths = [Path(p) for p in paths]
    names = [p.name for p in paths]
    report = progress or (lambda stage, done, total: None)
    batch = ImportBatch.objects.create(files=names, dry_run=dry_run, user_id=user_id)
    result = ImportResult(batch=batch, dry_run=dry_run)
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
        with changes_by(user_id=user_id, source=f"import {' '.join(names)}"[:200]):
            with bulk_session(), transaction.atomic():
                result.counts = _write(validated, jplan, report, steps)
                if dry_run:
                    raise _DryRunRollback
    except _DryRunRollback:
        pass
    status = ImportBatch.Status.VALIDATED if dry_run else ImportBatch.Status.SUCCEEDED
    _finish(batch, result, status)
    report("完成 done", steps, steps)


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
