"""Runs of the annual evaluation: load → evaluate → store, and the life of a run afterwards.

A run goes draft (草稿) → notice (公示中) → final (已生效). During the notice enterprises may
object (异议); every objection must be answered before the run becomes final, and an upheld one
means the ledger was wrong: the ledger is corrected and a new run is made that names the run and
the objection it corrects; the run on notice is then superseded (已更正). A final run can be
corrected too (e.g. re-evaluation after remediation): it stays final, feeding lists, until its
correction becomes final. Results are never edited. Only final runs feed lists and prices.

``finalize`` is refused before the notice period has ended unless ``force`` is given (recorded on
the run); unanswered or upheld-but-uncorrected objections refuse it even with ``force``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from landcycle.core.bulk import bulk_insert_frames, bulk_session
from landcycle.core.context import current
from landcycle.core.databases import refresh_statistics
from landcycle.ledger.models import Enterprise, Parcel

from .derived import derivable
from .engine.vocabulary import RESULT_COLUMNS
from .loading import LoadWindow, fetch_frame, load_frames
from .models import (
    RANK_FIELDS,
    RESULT_FIGURES,
    EvaluationResult,
    EvaluationRun,
    Objection,
    merged_indicators,
)
from .policies import (  # noqa: F401  (re-exported: the services' errors and policies)
    DEFAULT_POLICY,
    EvaluationError,
    TransitionError,
    available_policies,
    get_policy,
    policy_dirs,
)

REVIEW_CLASS = "REVIEW"  # the engine's class when the rules cannot decide
Status = EvaluationRun.Status

# The engine's result columns (declared once, ``engine.vocabulary.RESULT_COLUMNS``) are stored
# in fields of their own; every other column of its frame is an indicator (stored as JSON).
_NOT_INDICATORS = {*RESULT_COLUMNS, "parcel_code", "previous_class"}

# Allowed status moves; anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.NOTICE},
    Status.NOTICE: {Status.FINAL, Status.SUPERSEDED},
    Status.FINAL: {Status.SUPERSEDED},
    Status.SUPERSEDED: set(),
}


# ---------------------------------------------------------------- evaluation


def load_inputs(policy, year: int):
    """The engine's inputs for ``year`` from the ledger: one query per table."""
    from .engine import EvaluationInputs

    window = LoadWindow(year, indicator_years_back=indicator_years_back(policy))
    try:
        return EvaluationInputs(**load_frames(window))
    except ValueError as exc:  # the engine's InputError: the ledger breaks the contract
        raise EvaluationError(f"台账数据无法评价：{exc} (the ledger cannot be evaluated)") from exc


def indicator_years_back(policy) -> int:
    """How many earlier years of figures the policy reads (benchmarks on last year's mean)."""
    composite = getattr(policy, "composite", None)
    if composite is None:
        return 0
    offsets = [i.mean_year_offset for g in composite.groups for i in g.indicators]
    return max([0, *(-o for o in offsets)])


def compute(policy, inputs, year: int, *, texts: bool = False) -> pl.DataFrame:
    """The engine's results; texts that follow from the row are left to ``texts`` on read."""
    from .engine import evaluate

    return evaluate(policy, inputs, year, texts=texts)


def latest_final_run(year: int, policy_name: str) -> EvaluationRun | None:
    return (
        EvaluationRun.objects.filter(year=year, policy_name=policy_name, status=Status.FINAL)
        .order_by("-finalized_at", "-id")
        .first()
    )


def _previous_classes(previous: EvaluationRun | None) -> pl.DataFrame:
    """parcel_id → class in the previous run: one query (COPY on PostgreSQL)."""
    schema = {"parcel_id": pl.Int64, "previous_class": pl.Utf8}
    if previous is None:
        return pl.DataFrame(schema=schema)
    meta = EvaluationResult._meta
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q(meta.get_field('parcel').column)}, {q(meta.get_field('klass').column)} "
        f"FROM {q(meta.db_table)} WHERE {q(meta.get_field('run').column)} = {int(previous.pk)}"
    )
    return fetch_frame(sql, schema)


@dataclass(frozen=True)
class Prepared:
    """A computed evaluation, before it is stored."""

    policy: object
    year: int
    fingerprint: str
    results: pl.DataFrame  # engine output + parcel_code + previous_class
    previous: EvaluationRun | None = None  # the run previous_class comes from


def prepare(policy, year: int, progress: Progress | None = None) -> Prepared:
    """Load the ledger and evaluate; ``progress(stage, done, total)`` hears each step."""
    from .engine import inputs_fingerprint

    progress = progress or _silent
    progress("读取台账 loading the ledger", 0, STEPS)
    inputs = load_inputs(policy, year)
    if inputs.parcels.is_empty():
        raise EvaluationError(
            "台账中没有宗地，请先导入台账 (the ledger has no parcels: import them)"
        )
    progress(f"计算 {inputs.parcels.height} 宗地 evaluating", 1, STEPS)
    results = compute(policy, inputs, year)
    previous = latest_final_run(year - 1, policy.name)
    results = results.rename({"code": "parcel_code"}).join(
        _previous_classes(previous), on="parcel_id", how="left"
    )
    return Prepared(policy, year, inputs_fingerprint(inputs, year), results, previous)


# progress(stage, done, total): what a background job shows while a run is made.
Progress = Callable[[str, int, int], None]
STEPS = 3  # load, evaluate, store


def _silent(stage: str, done: int, total: int) -> None:
    return None


def run_evaluation(
    year: int,
    policy_name: str | None = None,
    *,
    corrects: EvaluationRun | None = None,
    objections: Iterable[Objection] = (),
    note: str = "",
    progress: Progress | None = None,
) -> EvaluationRun:
    """Evaluate ``year`` with the policy and store the run (draft) and its results."""
    policy = get_policy(policy_name)
    prepared = prepare(policy, year, progress)
    (progress or _silent)(f"写入 {prepared.results.height} 条结果 storing", 2, STEPS)
    return store(prepared, corrects=corrects, objections=objections, note=note)


def _policy_hash(policy) -> str:
    if not policy.sha256:
        raise EvaluationError(f"policy {policy.name} has no content hash")
    return policy.sha256


def _notice_days(policy) -> int:
    return int(policy.consequences.notice_days)


def class_counts(results: pl.DataFrame) -> dict[str, int]:
    counts = results.group_by("class").len().sort("class")
    return {row[0]: int(row[1]) for row in counts.iter_rows()}


def store(
    prepared: Prepared,
    *,
    corrects: EvaluationRun | None = None,
    objections: Iterable[Objection] = (),
    note: str = "",
) -> EvaluationRun:
    """Write the run and its results in one transaction (results in bulk)."""
    policy, results = prepared.policy, prepared.results
    context = current()
    with bulk_session(), transaction.atomic():
        run = EvaluationRun.objects.create(
            year=prepared.year,
            policy_name=policy.name,
            policy_version=str(getattr(policy, "version", "") or ""),
            policy_hash=_policy_hash(policy),
            policy_source=policy.source,
            inputs_fingerprint=prepared.fingerprint,
            created_at=timezone.now(),
            created_by_id=context.user_id,
            source=context.source,
            parcel_count=results.height,
            class_counts=class_counts(results),
            previous_run=prepared.previous,
            corrects=corrects,
            notice_days=_notice_days(policy),
            notice_unit=policy.consequences.notice_unit,
            note=note,
        )
        write_results(run, results, exact=_quoted_figures(policy))
        if corrects is not None:  # review decisions whose facts did not change carry on
            from .review import carry_over

            carry_over(corrects, run)
        ids = [o.pk for o in objections]
        if ids:
            Objection.objects.filter(pk__in=ids).update(correction=run)
    refresh_statistics(results.height)
    return run


def _quoted_figures(policy) -> set[str]:
    """Figures the texts written on read quote and test: stored exactly as computed, so that a
    text never reads a rounded value on the other side of a threshold."""
    return policy.metrics_used() if policy.kind == "rules" else set()


def _result_frame(
    run: EvaluationRun, results: pl.DataFrame, exact: set[str] = frozenset()
) -> pl.DataFrame:
    """The engine's frame shaped as the result table's columns (JSON as text)."""
    # Per-mu figures follow from per-hectare ones: computed on read, not stored.
    skipped = {
        *_NOT_INDICATORS,
        *RESULT_FIGURES,
        *RANK_FIELDS,
        *(derivable(results.columns) - exact),
    }
    other_columns = [c for c in results.columns if c not in skipped]

    def text(name):
        if name in results.columns:
            return pl.col(name).cast(pl.Utf8).fill_null("")
        return pl.lit("")

    def typed(name, dtype):
        if name in results.columns:
            return pl.col(name).cast(dtype).alias(name)
        return pl.lit(None, dtype).alias(name)

    def as_json(columns):
        if not columns:
            return pl.lit("{}")
        # Dates and other non-numbers become text so that the JSON is plain.
        values = [
            pl.col(c)
            if results.schema[c].is_numeric() or results.schema[c] == pl.Boolean
            else pl.col(c).cast(pl.Utf8)
            for c in columns
        ]
        # Keys without a value are left out (read back as None); names are [a-z0-9_], so
        # the patterns cannot match inside a text value, whose quotes are escaped.
        return (
            pl.struct(values)
            .struct.json_encode()
            .str.replace_all(r'"[a-z0-9_]+":null,', "")
            .str.replace_all(r',?"[a-z0-9_]+":null', "")
        )

    # Six significant digits are more than any figure in the ledger carries, and a third
    # shorter JSON is a third less for the database to parse.
    floats = [
        c
        for c in results.columns
        if results.schema[c].is_float() and c != "score" and c not in exact
    ]
    results = results.with_columns(pl.col(floats).round_sig_figs(6))
    return results.select(
        pl.lit(run.pk, dtype=pl.Int64).alias("run_id"),
        pl.col("parcel_id").cast(pl.Int64),
        text("parcel_code").alias("parcel_code"),
        pl.col("holder_id").cast(pl.Int64) if "holder_id" in results.columns else pl.lit(None),
        text("class").alias("klass"),
        pl.col("score").cast(pl.Float64) if "score" in results.columns else pl.lit(None),
        text("rule").alias("rule"),
        text("reasons_zh").alias("reasons_zh"),
        text("reasons_en").alias("reasons_en"),
        text("gap_zh").alias("gap_zh"),
        text("gap_en").alias("gap_en"),
        text("next_class").alias("next_class"),
        text("previous_class").alias("previous_class"),
        text("group").alias("group"),
        *[typed(name, pl.Float64) for name in RESULT_FIGURES],
        as_json(other_columns).alias("other_indicators"),
        typed("rank_jurisdiction", pl.Int64),
        typed("rank_industry", pl.Int64),
        text("industry").alias("industry"),
    )


# The result table's columns, in the model's order: the model is their one declaration.
_RESULT_FIELDS = [f.attname for f in EvaluationResult._meta.concrete_fields if not f.primary_key]


def write_results(run: EvaluationRun, results: pl.DataFrame, exact: set[str] = frozenset()) -> int:
    """Bulk-write the results as one frame (COPY on PostgreSQL); the indicator and rank JSON is
    encoded once by Polars for the whole column, never per row."""
    # Chunks: the database stores one while the next is shaped.
    chunks = (
        _result_frame(run, chunk, exact).select(_RESULT_FIELDS)
        for chunk in results.iter_slices(_WRITE_CHUNK)
    )
    return bulk_insert_frames(EvaluationResult, chunks)


_WRITE_CHUNK = 100_000


def results_frame(run: EvaluationRun) -> pl.DataFrame:
    """A run's stored results, one row per parcel, ordered by parcel code; ``indicators`` and
    ``ranks`` as one dict per row (as ``EvaluationResult.indicators`` / ``.ranks``)."""
    fields = _RESULT_FIELDS[1:]  # all but the run: base fields, figures, other JSON, ranks
    base = fields[: fields.index(RESULT_FIGURES[0])]
    rows = EvaluationResult.objects.filter(run=run).values_list(*fields)
    names = {"klass": "class"}
    schema = {names.get(f, f): _FRAME_TYPES.get(f, pl.Utf8) for f in base}
    n = len(base)
    records = []
    for row in rows:
        figures = dict(zip(RESULT_FIGURES, row[n : n + len(RESULT_FIGURES)], strict=True))
        other = row[n + len(RESULT_FIGURES)]
        ranks = dict(zip(RANK_FIELDS, row[-len(RANK_FIELDS) :], strict=True))
        records.append((*row[:n], merged_indicators(figures, other), ranks))
    schema |= {"indicators": pl.Object, "ranks": pl.Object}
    frame = pl.DataFrame(records, schema=schema, orient="row").sort("parcel_code")
    return _with_texts(run, frame)


_FRAME_TYPES = {"parcel_id": pl.Int64, "holder_id": pl.Int64, "score": pl.Float64}


def _with_texts(run: EvaluationRun, frame: pl.DataFrame) -> pl.DataFrame:
    """Results read from the database with the texts written on read (see ``texts``)."""
    from .engine import TEXT_COLUMNS
    from .texts import explain_frame, run_policies

    policy = run_policies([run.pk])[run.pk]
    if policy is None or frame.is_empty():
        return frame
    figures = pl.from_dicts([d or {} for d in frame["indicators"].to_list()])
    basis = frame.select("rule", *TEXT_COLUMNS)
    if figures.height == frame.height:
        basis = basis.hstack(figures.select(c for c in figures.columns if c not in basis.columns))
    return frame.with_columns(explain_frame(policy, basis).select(TEXT_COLUMNS))


# ---------------------------------------------------------------- finding runs


def find_run(run_id: int) -> EvaluationRun:
    try:
        return EvaluationRun.objects.get(pk=run_id)
    except EvaluationRun.DoesNotExist:
        raise EvaluationError(f"没有评价批次 #{run_id} (no evaluation run #{run_id})") from None


def latest_run(year: int, policy_name: str | None = None) -> EvaluationRun:
    """The newest run of the year with the policy that has not been superseded."""
    name = policy_name or DEFAULT_POLICY
    run = (
        EvaluationRun.objects.filter(year=year, policy_name=name)
        .exclude(status=Status.SUPERSEDED)
        .order_by("-id")
        .first()
    )
    if run is None:
        raise EvaluationError(
            f"no evaluation of {year} with policy {name}: run `landcycle evaluate --year {year}"
            f" --policy {name}` first"
        )
    return run


@dataclass(frozen=True)
class CurrentRun:
    """A zone's current results: the final run of the policy it adopted for ``run.year``."""

    zone: object | None  # a top-level Jurisdiction; None when the ledger has none
    run: EvaluationRun
    adopted: bool  # False: no adoption yet, the fallback policy (see ``adoption``)


def current_runs(year: int | None = None, zone=None) -> list[CurrentRun]:
    """The current run(s): per zone (top-level jurisdiction; ``zone`` alone when given, any
    jurisdiction names its zone), the final run of the policy adopted for the zone and year,
    in the latest year that has one unless ``year`` is given. Zones without one are left out.

    Every page and command showing "current results" reads this (portal, dashboard, map, card,
    lists and prices, stock land); other runs are what-ifs. Two queries plus the zones'.
    """
    from .adoption import policy_book, zone_of, zones

    book = policy_book(year)
    chosen = [zone_of(zone)] if zone is not None else (zones() or [None])
    found = []
    for top in chosen:
        for candidate in [year] if year is not None else book.years():
            adopted = book.adopted(top.pk if top else 0, candidate)
            run = book.final_run(candidate, adopted.policy_name)
            if run is not None:
                found.append(CurrentRun(top, run, adopted.adoption is not None))
                break
    return found


# ---------------------------------------------------------------- status


def _move(run: EvaluationRun, target: str) -> None:
    if target not in TRANSITIONS[run.status]:
        raise TransitionError(
            f"评价批次 #{run.pk} 为{run.get_status_display()}，不能转为{Status(target).label}"
            f" (run #{run.pk} is {run.status}; it cannot become {target})"
        )
    run.status = target


def publish(run: EvaluationRun, start: dt.date | None = None) -> EvaluationRun:
    """Put a draft on public notice (公示) for the policy's period, starting ``start``."""
    start = start or timezone.localdate()
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        _move(run, Status.NOTICE)
        _refuse_second_notice(run)
        run.notice_start = start
        run.notice_end = notice_end(start, run.notice_days or 0, run.notice_unit)
        run.published_at = timezone.now()
        run.notice_public = _public_notice(run)
        run.save(
            update_fields=["status", "notice_start", "notice_end", "published_at", "notice_public"]
        )
    return run


# ---------------------------------------------------------------- notice periods (issue 12)


def notice_end(start: dt.date, days: int, unit: str = "days", calendar=None) -> dt.date:
    """The last day of a notice of ``days`` starting ``start`` (counted as its first day).

    ``unit`` "days": calendar days; "working_days": working days of the official calendar
    (``core.workcalendar.official_calendar``: weekends, official days off and make-up workdays),
    so a notice posted on a Saturday begins counting on Monday. No period: the start day itself.
    Raises EvaluationError when the calendar does not know a year the notice reaches.
    """
    from landcycle.core.workcalendar import CalendarUnknown, official_calendar

    if days <= 0:
        return start
    if unit != "working_days":
        return start + dt.timedelta(days=days - 1)
    calendar = calendar or official_calendar()
    try:
        return calendar.add_working_days(start - dt.timedelta(days=1), days)
    except CalendarUnknown as exc:
        raise EvaluationError(
            f"{exc.year} 年节假日安排未录入，无法按工作日计算公示期，请管理员先录入该年节假日"
            f" (the official calendar of {exc.year} is not known)"
        ) from exc


def _refuse_second_notice(run: EvaluationRun) -> None:
    """One notice at a time for a year and policy: the public must know which results to read."""
    other = (
        EvaluationRun.objects.filter(year=run.year, policy_name=run.policy_name)
        .filter(status=Status.NOTICE)
        .exclude(pk=run.pk)
        .first()
    )
    if other is not None:
        raise TransitionError(
            f"{run.year} 年度「{run.policy_name}」已有评价批次 #{other.pk} 在公示中"
            f"（至 {other.notice_end}），同一年度同一政策同时只能公示一个批次；"
            f"请先使 #{other.pk} 生效或更正 (run #{other.pk} is already on notice)"
        )


def _public_notice(run: EvaluationRun) -> bool:
    """A notice the public sees: the run is of the policy adopted for its year (not a what-if)."""
    from .adoption import is_what_if

    return not is_what_if(run)


def final_from(run: EvaluationRun) -> dt.date:
    """The first day the run may become final: the day after the notice ends."""
    if not run.notice_days:
        return run.notice_start
    return run.notice_end + dt.timedelta(days=1)


def finalize(
    run: EvaluationRun, today: dt.date | None = None, force: bool = False
) -> EvaluationRun:
    today = today or timezone.localdate()
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        _move(run, Status.FINAL)
        open_objections = list(run.objections.filter(upheld__isnull=True))
        if open_objections:
            ids = ", ".join(f"#{o.pk}" for o in open_objections)
            raise TransitionError(
                f"评价批次 #{run.pk} 尚有未答复的异议 {ids}，答复后才能生效"
                f" (run #{run.pk} has unanswered objections)"
            )
        upheld = list(run.objections.filter(upheld=True))
        if upheld:
            ids = ", ".join(f"#{o.pk}" for o in upheld)
            raise TransitionError(
                f"评价批次 #{run.pk} 有成立的异议 {ids}：请更正台账后生成更正评价，"
                f"由更正评价生效 (run #{run.pk} has upheld objections: make a corrected run)"
            )
        if today < final_from(run) and not force:
            raise TransitionError(
                f"评价批次 #{run.pk} 公示期至 {run.notice_end}，{final_from(run)} 起方可生效；"
                f"如确需提前生效，请勾选“提前生效”并记录 (run #{run.pk} is on public notice "
                f"until {run.notice_end}; it can become final from {final_from(run)})"
            )
        if run.corrects_id is None:
            existing = latest_final_run(run.year, run.policy_name)
            if existing is not None:
                raise TransitionError(
                    f"{run.year} 年度「{run.policy_name}」已有生效的评价批次 #{existing.pk}；"
                    f"如需改变，请生成 #{existing.pk} 的更正评价 (run #{existing.pk} is already "
                    f"final for {run.year} with {run.policy_name}: correct it instead)"
                )
        run.forced = today < final_from(run)
        run.finalized_at = timezone.now()
        run.finalized_by_id = current().user_id
        run.save(update_fields=["status", "forced", "finalized_at", "finalized_by"])
        # Everything up the chain of corrections is superseded (a correction of a correction
        # of a final run replaces that final run too).
        corrected_id = run.corrects_id
        while corrected_id is not None:
            corrected = EvaluationRun.objects.select_for_update().get(pk=corrected_id)
            if corrected.status != Status.SUPERSEDED:
                _move(corrected, Status.SUPERSEDED)
                corrected.save(update_fields=["status"])
            corrected_id = corrected.corrects_id
    return run


# ---------------------------------------------------------------- objections


def _result_for(run: EvaluationRun, parcel_code: str) -> EvaluationResult:
    result = EvaluationResult.objects.filter(run=run, parcel_code=parcel_code).first()
    if result is None:
        raise EvaluationError(
            f"宗地 {parcel_code} 不在评价批次 #{run.pk} 中 (parcel not in run #{run.pk})"
        )
    return result


def raise_objection(
    run: EvaluationRun,
    parcel_code: str,
    raised_by: str,
    text: str,
    on: dt.date | None = None,
    enterprise_uscc: str | None = None,
) -> Objection:
    """Record an enterprise's objection; only while the run is on notice, within its dates."""
    on = on or timezone.localdate()
    if run.status != Status.NOTICE:
        raise TransitionError(
            f"评价批次 #{run.pk} 为{run.get_status_display()}，只在公示期内受理异议"
            f" (run #{run.pk} is {run.status}: objections are taken during the notice)"
        )
    if not (run.notice_start <= on <= run.notice_end):
        raise EvaluationError(
            f"{on} 不在评价批次 #{run.pk} 的公示期（{run.notice_start} 至 {run.notice_end}）内，"
            f"不能提出异议 ({on} is outside the notice of run #{run.pk})"
        )
    if not text.strip() or not raised_by.strip():
        raise EvaluationError("异议须写明提出人和异议理由 (an objection needs who and why)")
    result = _result_for(run, parcel_code)
    enterprise_id = result.holder_id
    if enterprise_uscc:
        enterprise = Enterprise.objects.filter(uscc=enterprise_uscc).first()
        if enterprise is None:
            raise EvaluationError(f"没有统一社会信用代码为 {enterprise_uscc} 的企业 (no such USCC)")
        enterprise_id = enterprise.pk
    if not Parcel.objects.filter(pk=result.parcel_id).exists():
        raise EvaluationError(f"宗地 {parcel_code} 已不在台账中 (parcel no longer in the ledger)")
    return Objection.objects.create(
        run=run,
        parcel_id=result.parcel_id,
        enterprise_id=enterprise_id,
        raised_by=raised_by.strip(),
        text=text.strip(),
        raised_on=on,
    )


def answer_objection(
    objection: Objection,
    answer: str,
    answered_by: str,
    upheld: bool,
    on: dt.date | None = None,
) -> Objection:
    if objection.answered:
        raise TransitionError(
            f"异议 #{objection.pk} 已答复 (objection #{objection.pk} has already been answered)"
        )
    if objection.run.status != Status.NOTICE:
        raise TransitionError(
            f"评价批次 #{objection.run_id} 为{objection.run.get_status_display()}，异议须在公示期内答复"
            f" (run #{objection.run_id} is {objection.run.status}: objections are answered "
            "while it is on notice)"
        )
    if not answer.strip() or not answered_by.strip():
        raise EvaluationError(
            "答复须写明答复内容和答复人 (an answer needs its text and who gives it)"
        )
    objection.answer = answer.strip()
    objection.answered_by = answered_by.strip()
    objection.answered_on = on or timezone.localdate()
    objection.upheld = upheld
    objection.save(update_fields=["answer", "answered_by", "answered_on", "upheld"])
    return objection


def find_objection(objection_id: int) -> Objection:
    try:
        return Objection.objects.select_related("run").get(pk=objection_id)
    except Objection.DoesNotExist:
        raise EvaluationError(f"没有异议 #{objection_id} (no objection #{objection_id})") from None


def correct(run: EvaluationRun, note: str = "", progress: Progress | None = None) -> EvaluationRun:
    """Re-run after the ledger was corrected; the new draft names ``run`` and the objections.

    A run on notice is corrected because of its upheld objections (at least one is needed); a
    final run may be corrected too (e.g. a D parcel re-evaluated after remediation) and then
    ``note`` must say why.
    """
    objections = correction_objections(run, note)
    corrected = run_evaluation(
        run.year,
        run.policy_name,
        corrects=run,
        objections=objections,
        note=note,
        progress=progress,
    )
    if run.status == Status.NOTICE:
        # Its upheld objections are settled by the correction; it can no longer become final.
        with transaction.atomic():
            _move(run, Status.SUPERSEDED)
            run.save(update_fields=["status"])
    return corrected


def correction_objections(run: EvaluationRun, note: str = "") -> list[Objection]:
    """The upheld objections a correction of ``run`` settles (none for a final run, which needs
    a ``note``); raises TransitionError / EvaluationError when ``run`` cannot be corrected."""
    if run.status == Status.NOTICE:
        objections = list(run.objections.filter(upheld=True, correction__isnull=True))
        if not objections:
            raise TransitionError(
                f"评价批次 #{run.pk} 没有待更正的成立异议；公示中的批次因成立的异议而更正"
                f" (run #{run.pk} has no upheld objection awaiting a correction)"
            )
    elif run.status == Status.FINAL:
        objections = []
        if not note.strip():
            raise EvaluationError(
                f"更正已生效的评价批次 #{run.pk} 须写明原因 (correcting a final run needs a note)"
            )
    else:
        raise TransitionError(
            f"评价批次 #{run.pk} 为{run.get_status_display()}：只有公示中或已生效的批次可以更正，"
            f"草稿直接重新评价即可 (only a run on notice or a final run is corrected)"
        )
    return objections
