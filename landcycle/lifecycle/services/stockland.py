"""Stock land (存量土地): identification of unsupplied, idle and low-efficiency parcels, one
disposal case per parcel and category (一地一策), the disposal rate, idle-land fee and take-back.

Idle land follows 闲置土地处置办法 (国土资源部令第53号) 第二条: works not started one year after
the agreed start date; or started with under 1/3 of the area developed or under 25 % of the
investment made, and stopped for a year. Low-efficiency land is class C/D in the latest final
evaluation run. Thresholds and periods: ``rules.toml`` [stockland].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from landcycle.core.changelog import record_bulk
from landcycle.ledger.models import Jurisdiction, Parcel

from ..models import DisposalStep, StockLandCase
from ..rules import Rules, rules
from ..workcalendar import WorkCalendar, add_calendar_period
from . import LifecycleError, deadlines
from .calendar import load_calendar

Category = StockLandCase.Category
Status = StockLandCase.Status

# Parcel.extra keys read here (the import keeps unknown columns under their header).
EXTRA_KEYS = {
    "developed_area_m2": ("developed_area_m2", "已开发面积 (平方米)", "已开发面积"),
    "invested_10k_cny": ("invested_10k_cny", "已投资额 (万元)", "已投资额"),
    "planned_investment_10k_cny": ("planned_investment_10k_cny", "总投资额 (万元)", "总投资额"),
    "works_stopped_on": ("works_stopped_on", "停工日期"),
    "land_price_10k_cny": ("land_price_10k_cny", "土地价款 (万元)", "土地价款"),
}


def extra_value(extra: Mapping, name: str):
    for key in EXTRA_KEYS[name]:
        value = (extra or {}).get(key)
        if value not in (None, ""):
            return value
    return None


def _number(value) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class ParcelFacts:
    """What identification needs to know about a parcel (built in bulk from the ledger)."""

    parcel_id: int
    code: str
    area_m2: float
    holder_id: int | None = None
    supply_method: str = ""
    term_start: dt.date | None = None
    agreed_start: dt.date | None = None
    actual_start: dt.date | None = None
    extra: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    parcel_id: int
    code: str
    category: str
    basis: list[str]
    idle_since: dt.date | None = None  # when the 53号令 clock starts
    fee_due: bool = False  # idle-land fee (土地闲置费) may be levied
    take_back: bool = False  # the land may be taken back without compensation
    fee_10k_cny: float | None = None


def identify(
    parcels: Iterable[ParcelFacts],
    today: dt.date,
    low_classes: Mapping[int, str] | None = None,
    policy: Rules | None = None,
) -> list[Finding]:
    """Every stock-land finding on ``today`` (pure: facts in, findings out)."""
    policy = policy or rules()
    idle_after = policy.period("stockland", "idle_after")
    stopped_for = policy.period("stockland", "stopped_for")
    fee_after = policy.period("stockland", "idle_fee_after")
    take_back_after = policy.period("stockland", "take_back_after")
    fee_share = float(policy.get("stockland", "idle_fee_share_of_land_price"))
    developed_min = float(policy.get("stockland", "developed_share_min"))
    invested_min = float(policy.get("stockland", "invested_share_min"))
    low_set = set(policy.get("stockland", "low_efficiency_classes"))
    low_classes = low_classes or {}
    findings = []
    for p in parcels:
        if p.holder_id is None and p.term_start is None and not p.supply_method:
            findings.append(
                Finding(
                    p.parcel_id,
                    p.code,
                    Category.UNSUPPLIED,
                    ["已批准用地尚未供应（无产权单位、无出让合同）"],
                )
            )
        idle = _idle(p, today, idle_after, stopped_for, developed_min, invested_min)
        if idle:
            since, basis = idle
            fee_due = today >= add_calendar_period(since, fee_after)
            take_back = today >= add_calendar_period(since, take_back_after)
            price = _number(extra_value(p.extra, "land_price_10k_cny"))
            fee = round(price * fee_share, 2) if fee_due and price is not None else None
            if fee_due:
                basis.append(
                    f"闲置满{fee_after.label}，可按土地价款的{fee_share:.0%}征缴土地闲置费"
                    + (f"（{fee:,.2f} 万元）" if fee is not None else "（土地价款未登记）")
                )
            if take_back:
                basis.append(f"闲置满{take_back_after.label}，可无偿收回土地使用权")
            findings.append(
                Finding(p.parcel_id, p.code, Category.IDLE, basis, since, fee_due, take_back, fee)
            )
        klass = low_classes.get(p.parcel_id)
        if klass in low_set:
            findings.append(
                Finding(
                    p.parcel_id, p.code, Category.LOW_EFFICIENCY, [f"最近一次生效评价为{klass}类"]
                )
            )
    return findings


def _idle(p: ParcelFacts, today, idle_after, stopped_for, developed_min, invested_min):
    if p.agreed_start and p.actual_start is None:
        if today >= add_calendar_period(p.agreed_start, idle_after):
            return p.agreed_start, [
                f"约定开工日期 {p.agreed_start} 后满{idle_after.label}未动工（53号令 第二条）"
            ]
        return None
    if p.actual_start is None:
        return None
    stopped = _date(extra_value(p.extra, "works_stopped_on"))
    if stopped is None or today < add_calendar_period(stopped, stopped_for):
        return None
    reasons = []
    developed = _number(extra_value(p.extra, "developed_area_m2"))
    if developed is not None and p.area_m2 and developed / p.area_m2 < developed_min:
        reasons.append(f"已开发面积占 {developed / p.area_m2:.1%}，不足三分之一")
    invested = _number(extra_value(p.extra, "invested_10k_cny"))
    planned = _number(extra_value(p.extra, "planned_investment_10k_cny"))
    if invested is not None and planned and invested / planned < invested_min:
        reasons.append(f"已投资额占 {invested / planned:.1%}，不足{invested_min:.0%}")
    if not reasons:
        return None
    return stopped, [*reasons, f"自 {stopped} 中止开发满{stopped_for.label}（53号令 第二条）"]


def parcel_facts(queryset=None) -> list[ParcelFacts]:
    """Facts of the parcels in ``queryset`` (default all): one query."""
    queryset = Parcel.objects.all() if queryset is None else queryset
    fields = (
        "id",
        "code",
        "registered_area_m2",
        "holder_id",
        "supply_method",
        "term_start",
        "agreed_start",
        "actual_start",
        "extra",
    )
    return [ParcelFacts(*row) for row in queryset.values_list(*fields)]


def latest_final_classes(policy_name: str | None = None) -> tuple[object | None, dict[int, str]]:
    """Parcel → class in the current results, with the (first zone's) run.

    The current results are each zone's final run of its adopted policy
    (``evaluation.services.current_runs``): a what-if run never decides stock land. With
    ``policy_name``, the latest final run of that policy instead (an explicit what-if look).
    """
    from landcycle.evaluation import services as evaluation
    from landcycle.evaluation.adoption import current_results_q
    from landcycle.evaluation.models import EvaluationResult, EvaluationRun

    if policy_name:
        runs = EvaluationRun.objects.filter(
            status=EvaluationRun.Status.FINAL, policy_name=policy_name
        )
        run = runs.order_by("-year", "-finalized_at", "-id").first()
        found = [evaluation.CurrentRun(None, run, False)] if run else []
    else:
        found = evaluation.current_runs()
    if not found:
        return None, {}
    from landcycle.evaluation.review import apply_decisions

    rows = EvaluationResult.objects.filter(current_results_q(found), parcel_id__isnull=False)
    # A REVIEW parcel counts with the class its review decision (复核结论) in force gives it.
    classes = dict(rows.values_list("parcel_id", "klass"))
    return found[0].run, apply_decisions(classes, [c.run.pk for c in found])


@dataclass
class SyncReport:
    findings: list[Finding]
    created: int
    already_open: int
    evaluation_run: object | None
    # open cases (not yet planned) whose finding no longer holds: for an officer to cancel
    no_longer_found: list[int] = field(default_factory=list)


def sync_cases(
    today: dt.date,
    *,
    jurisdiction: Jurisdiction | None = None,
    calendar: WorkCalendar | None = None,
    policy_name: str | None = None,
) -> SyncReport:
    """Identify stock land and open a case for each new finding (existing open cases kept)."""
    calendar = calendar or load_calendar()
    parcels = Parcel.objects.all()
    if jurisdiction is not None:
        parcels = parcels.filter(jurisdiction__path__startswith=jurisdiction.path)
    run, classes = latest_final_classes(policy_name)
    findings = identify(parcel_facts(parcels), today, classes)
    open_cases = StockLandCase.objects.filter(status__in=StockLandCase.OPEN_STATUSES)
    if jurisdiction is not None:
        open_cases = open_cases.filter(parcel__jurisdiction__path__startswith=jurisdiction.path)
    open_rows = list(open_cases.values_list("pk", "parcel_id", "category", "status"))
    open_keys = {(parcel, category) for _, parcel, category, _ in open_rows}
    found_keys = {(f.parcel_id, f.category) for f in findings}
    stale = [
        pk
        for pk, parcel, category, status in open_rows
        if status == Status.IDENTIFIED and (parcel, category) not in found_keys
    ]
    deadline = deadlines.compute(today, rules().period("stockland", "disposal_deadline"), calendar)
    new, labels = [], []
    for f in findings:
        if (f.parcel_id, f.category) in open_keys:
            continue
        labels.append(f"{f.code} {Category(f.category).label}")
        case = StockLandCase(
            parcel_id=f.parcel_id,
            category=f.category,
            identified_on=today,
            basis=f.basis,
            idle_since=f.idle_since,
        )
        deadlines.store(case, "deadline", deadline)
        new.append(case)
    with transaction.atomic():
        StockLandCase.objects.bulk_create(new)  # ids come back on PostgreSQL and SQLite
        record_bulk(
            StockLandCase,
            [
                (case.pk, label, None, case.snapshot())
                for case, label in zip(new, labels, strict=True)
            ],
        )
    return SyncReport(findings, len(new), len(findings) - len(new), run, stale)


# The disposal case workflow: action → (allowed sources, target).
CASE_TRANSITIONS = {
    "plan": ((Status.IDENTIFIED, Status.PLANNED), Status.PLANNED),
    "start": ((Status.PLANNED,), Status.IN_PROGRESS),
    "dispose": ((Status.PLANNED, Status.IN_PROGRESS), Status.DISPOSED),
    "cancel": ((Status.IDENTIFIED, Status.PLANNED, Status.IN_PROGRESS), Status.CANCELLED),
}
ACTION_LABELS = {
    "plan": "制定一地一策方案",
    "start": "开始处置",
    "dispose": "处置完成",
    "cancel": "撤销认定",
    "progress": "报告处置进展",
}
FIELD_LABELS = {"plan": "处置方案", "task_force": "工作专班", "lead_unit": "牵头单位"}


def allowed_actions(case: StockLandCase) -> list[str]:
    """The moves open to ``case`` now (plus "progress" while the case is open)."""
    moves = [a for a, (sources, _) in CASE_TRANSITIONS.items() if case.status in sources]
    return moves + (["progress"] if case.status in StockLandCase.OPEN_STATUSES else [])


def street_may(action: str) -> bool:
    """Whether a street officer (Action.HANDLE) may take ``action``; the rest need Action.CHANGE.
    rules.toml [stockland] street_officer_steps."""
    return action in rules().get("stockland", "street_officer_steps")


def transition(
    case: StockLandCase,
    action: str,
    *,
    on: dt.date,
    actor=None,
    actor_name: str = "",
    note: str = "",
    **fields,
) -> StockLandCase:
    """Move a disposal case: plan (needs plan, task force, lead unit; deadline optional), start,
    dispose (needs the method), cancel (needs a reason). Other moves are refused with a
    LifecycleError in Chinese. Each move is recorded as a DisposalStep (who, when)."""
    if action not in CASE_TRANSITIONS:
        raise LifecycleError(f"unknown action {action!r}; one of {', '.join(CASE_TRANSITIONS)}")
    sources, target = CASE_TRANSITIONS[action]
    if case.status not in sources:
        allowed = "、".join(f"「{ACTION_LABELS[a]}」" for a in allowed_actions(case))
        raise LifecycleError(
            f"处置案件处于「{case.get_status_display()}」，不能执行「{ACTION_LABELS[action]}」"
            f"({action})（可执行: {allowed or '无，已办结'}）"
        )
    if on < case.identified_on:
        raise LifecycleError(f"办理日期 {on} 早于认定日期 {case.identified_on}")
    before = case.status
    if action == "plan":
        missing = [
            FIELD_LABELS[k]
            for k in ("plan", "task_force", "lead_unit")
            if not str(fields.get(k, "")).strip()
        ]
        if missing:
            raise LifecycleError(f"一地一策须填写: {'、'.join(missing)}")
        case.plan, case.task_force, case.lead_unit = (
            fields["plan"],
            fields["task_force"],
            fields["lead_unit"],
        )
        if fields.get("deadline"):
            if fields["deadline"] <= on:
                raise LifecycleError(f"处置期限 {fields['deadline']} 须晚于方案日期 {on}")
            case.deadline = fields["deadline"]
            case.deadline_flags = {}
    elif action == "dispose":
        if not str(fields.get("disposal_method", "")).strip():
            raise LifecycleError("请填写处置方式 (disposal_method is required)")
        case.disposal_method = fields["disposal_method"]
        case.disposed_on = on
    elif action == "cancel":
        if not str(fields.get("reason", "")).strip():
            raise LifecycleError("撤销认定须说明理由 (reason)")
        case.basis = [*case.basis, f"{on} 撤销认定: {fields['reason']}"]
        note = note or fields["reason"]
    case.status = target
    with transaction.atomic():
        case.save()
        DisposalStep.objects.create(
            case=case,
            from_status=before,
            to_status=target,
            on=on,
            actor=actor,
            actor_name=actor_name,
            note=note,
        )
    return case


def record_progress(
    case: StockLandCase,
    *,
    on: dt.date,
    note: str,
    actor_name: str,
    actor=None,
    progress_percent: int | None = None,
) -> DisposalStep:
    """A progress report on an open disposal case (进展): what was done, optionally how far (%).
    Raises LifecycleError on a closed case, an empty note or a date before the last entry."""
    if case.status not in StockLandCase.OPEN_STATUSES:
        raise LifecycleError(f"处置案件已「{case.get_status_display()}」，不能再报告进展")
    if not note.strip():
        raise LifecycleError("请填写处置进展 (note is required)")
    if not actor_name.strip():
        raise LifecycleError("请填写经办人 (actor_name is required)")
    if progress_percent is not None and not 0 <= progress_percent <= 100:
        raise LifecycleError(f"完成进度应在 0–100 % 之间，而不是 {progress_percent}")
    if on < case.identified_on:
        raise LifecycleError(f"办理日期 {on} 早于认定日期 {case.identified_on}")
    return DisposalStep.objects.create(
        case=case,
        on=on,
        actor=actor,
        actor_name=actor_name,
        note=note,
        progress_percent=progress_percent,
    )


@dataclass(frozen=True)
class IdleFlags:
    """Idle-land consequences on ``today`` (53号令 第十四条): the fee and the take-back."""

    fee_due: bool = False
    take_back: bool = False
    fee_10k_cny: float | None = None


def idle_flags(
    category: str, idle_since: dt.date | None, extra: Mapping | None, today: dt.date
) -> IdleFlags:
    """The idle-land fee (20 % of the land price, after 1 year) and take-back (after 2 years)
    flags of an idle case; other categories get none. ``extra`` is the parcel's extra (land price)."""
    if category != Category.IDLE or idle_since is None:
        return IdleFlags()
    policy = rules()
    fee_due = today >= add_calendar_period(idle_since, policy.period("stockland", "idle_fee_after"))
    take_back = today >= add_calendar_period(
        idle_since, policy.period("stockland", "take_back_after")
    )
    price = _number(extra_value(extra or {}, "land_price_10k_cny"))
    share = float(policy.get("stockland", "idle_fee_share_of_land_price"))
    fee = round(price * share, 2) if fee_due and price is not None else None
    return IdleFlags(fee_due, take_back, fee)


def idle_since_before(period_key: str, today: dt.date) -> dt.date:
    """The latest idle_since for which the [stockland] period ``period_key`` has run by
    ``today`` (a list filter: idle_since ≤ this date)."""
    period = rules().period("stockland", period_key)
    if period.unit not in ("years", "months"):
        return today - dt.timedelta(days=period.value)
    from ..workcalendar import add_months

    months = period.value * (12 if period.unit == "years" else 1)
    latest = add_months(today, -months)
    one = dt.timedelta(days=1)
    while add_calendar_period(latest, period) > today:  # month ends
        latest -= one
    while add_calendar_period(latest + one, period) <= today:
        latest += one
    return latest


@dataclass(frozen=True)
class DisposalRate:
    total: int
    disposed: int
    total_area_m2: float
    disposed_area_m2: float
    target: float

    @property
    def rate(self) -> float | None:
        return self.disposed / self.total if self.total else None

    @property
    def area_rate(self) -> float | None:
        return self.disposed_area_m2 / self.total_area_m2 if self.total_area_m2 else None

    @property
    def meets_target(self) -> bool:
        return self.area_rate is not None and self.area_rate >= self.target


def disposal_rate(
    as_of: dt.date, jurisdiction: Jurisdiction | None = None, categories=None, cases=None
) -> DisposalRate:
    """Disposed share of stock land identified by ``as_of`` (by count and by area; seeds/004
    measures 消化处置率 by land, so ``meets_target`` uses the area rate). One query. ``cases``:
    the StockLandCase queryset to count (a page passes the user's restricted one)."""
    cases = StockLandCase.objects.all() if cases is None else cases
    cases = cases.filter(identified_on__lte=as_of).exclude(status=Status.CANCELLED)
    if jurisdiction is not None:
        cases = cases.filter(parcel__jurisdiction__path__startswith=jurisdiction.path)
    if categories:
        cases = cases.filter(category__in=categories)
    # a parcel counted once even when it is both idle and low-efficiency
    by_parcel: dict[int, tuple[float, bool]] = {}
    for parcel_id, area, status, disposed_on in cases.values_list(
        "parcel_id", "parcel__registered_area_m2", "status", "disposed_on"
    ):
        done = status == Status.DISPOSED and disposed_on is not None and disposed_on <= as_of
        prev = by_parcel.get(parcel_id)
        by_parcel[parcel_id] = (area, done and (prev[1] if prev else True))
    total_area = sum(a for a, _ in by_parcel.values())
    done_area = sum(a for a, done in by_parcel.values() if done)
    return DisposalRate(
        total=len(by_parcel),
        disposed=sum(1 for _, done in by_parcel.values() if done),
        total_area_m2=total_area,
        disposed_area_m2=done_area,
        target=float(rules().get("stockland", "disposal_rate_target")),
    )


def open_cases_q() -> Q:
    return Q(status__in=StockLandCase.OPEN_STATUSES)


@dataclass(frozen=True)
class RateOverview:
    """The disposal rate by area (%) at each month end and per street on ``as_of``."""

    months: list[str]  # "2025-01" …
    month_rates: list[float | None]  # %, by area
    streets: list[str]
    street_rates: list[float | None]  # %, by area
    current: DisposalRate
    target_percent: float


def rate_overview(cases, as_of: dt.date, months: int = 12) -> RateOverview:
    """Disposal rate (by area, seeds/004 消化处置率 ≥ 60 %) of ``cases`` (a StockLandCase
    queryset, e.g. the user's restricted one) at the end of each of the last ``months``
    months and per street on ``as_of``. One query; a parcel counts once (as disposal_rate)."""
    from ..workcalendar import add_months

    rows = list(
        cases.exclude(status=Status.CANCELLED).values_list(
            "parcel_id",
            "parcel__registered_area_m2",
            "parcel__jurisdiction__name",
            "status",
            "identified_on",
            "disposed_on",
        )
    )

    def rate_on(day: dt.date, street: str | None = None) -> tuple[float, float, int, int]:
        by_parcel: dict[int, tuple[float, bool]] = {}
        for parcel, area, name, status, identified, disposed in rows:
            if identified > day or (street is not None and name != street):
                continue
            done = status == Status.DISPOSED and disposed is not None and disposed <= day
            prev = by_parcel.get(parcel)
            by_parcel[parcel] = (area or 0.0, done and (prev[1] if prev else True))
        total = sum(a for a, _ in by_parcel.values())
        done_area = sum(a for a, d in by_parcel.values() if d)
        return total, done_area, len(by_parcel), sum(1 for _, d in by_parcel.values() if d)

    def percent(total, done):
        return round(100 * done / total, 1) if total else None

    ends = []
    for back in range(months - 1, -1, -1):
        first_next = add_months(as_of.replace(day=1), 1 - back)
        ends.append(min(first_next - dt.timedelta(days=1), as_of))
    month_rates = [percent(*rate_on(day)[:2]) for day in ends]
    streets = sorted({name for _, _, name, *_ in rows if name})
    street_rates = [percent(*rate_on(as_of, s)[:2]) for s in streets]
    total, done_area, n, n_done = rate_on(as_of)
    target = float(rules().get("stockland", "disposal_rate_target"))
    current = DisposalRate(n, n_done, total, done_area, target)
    return RateOverview(
        [f"{d:%Y-%m}" for d in ends], month_rates, streets, street_rates, current, 100 * target
    )
