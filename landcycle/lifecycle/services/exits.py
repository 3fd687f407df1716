"""Exit proceedings (seeds/003 第八、九条) as a state machine.

verified ──interview──▶ interviewed ──rectification notice──▶ rectification ──(6 months)──▶
exit notice ──▶ exited; interviewed / rectification ──corrected──▶ closed_corrected.
Every move is an ``ExitStep`` with who, when and the document; any other move is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from ..models import Clawback, ExitCase, ExitStep
from ..rules import rules
from ..workcalendar import WorkCalendar
from . import LifecycleError, deadlines
from .calendar import load_calendar

S = ExitCase.State


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    document: str  # the document this step produces or records (Chinese title)
    label: str = ""  # the step as an officer names it
    notice: str = ""  # the DOCX notice (notices.py kind) this step issues, if any


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("interview", (S.VERIFIED,), S.INTERVIEWED, "约谈记录", "记录约谈"),
        Transition(
            "rectification_notice",
            (S.INTERVIEWED,),
            S.RECTIFICATION,
            "限期整改通知书",
            "书面通知整改",
            "rectification",
        ),
        Transition(
            "close_corrected",
            (S.INTERVIEWED, S.RECTIFICATION),
            S.CLOSED_CORRECTED,
            "整改情况核查意见",
            "已整改，结案",
        ),
        Transition(
            "exit_notice",
            (S.RECTIFICATION,),
            S.EXIT_NOTICE,
            "限期退出通知书",
            "书面通知限期退出",
            "exit",
        ),
        Transition("complete_exit", (S.EXIT_NOTICE,), S.EXITED, "退出处置决定", "完成退出"),
    )
}
# The notice issued when a case opens: the interview notice (约谈通知书, due within 30 days).
OPEN_NOTICE = "interview"


def allowed_actions(case: ExitCase) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if case.state in t.sources]


def action_label(action: str) -> str:
    """The Chinese name of a step ("open" = 核实立案)."""
    if action == "open":
        return "核实立案"
    spec = TRANSITIONS.get(action)
    return spec.label if spec else action


def street_may(action: str) -> bool:
    """Whether a street officer (Action.HANDLE) may take ``action`` ("open" or a transition);
    the other steps are the zone's (Action.CHANGE). rules.toml [exit] street_officer_steps."""
    return action in rules().get("exit", "street_officer_steps")


def open_case(
    *,
    enterprise,
    trigger: str,
    facts: str,
    verified_on: dt.date,
    actor_name: str,
    parcel=None,
    jurisdiction=None,
    actor=None,
    assigned_to=None,
    calendar: WorkCalendar | None = None,
    issue_notice: bool = False,
) -> ExitCase:
    """A verified trigger opens a case; the interview is due within 30 days of verification.
    With ``issue_notice`` the interview notice (约谈通知书, DOCX) is stored on the first step."""
    if trigger not in ExitCase.Trigger.values:
        raise LifecycleError(f"退出情形 {trigger!r} 不在《管理办法》第八条所列情形之内")
    if not facts.strip():
        raise LifecycleError("请填写核实情况 (facts is required)")
    if not actor_name.strip():
        raise LifecycleError("请填写经办人 (actor_name is required)")
    jurisdiction = jurisdiction or (parcel.jurisdiction if parcel else None)
    if jurisdiction is None:
        raise LifecycleError("请指定宗地或园区/街道 (a parcel or a jurisdiction is required)")
    calendar = calendar or load_calendar()
    case = ExitCase(
        enterprise=enterprise,
        parcel=parcel,
        jurisdiction=jurisdiction,
        trigger=trigger,
        facts=facts,
        verified_on=verified_on,
        assigned_to=assigned_to,
    )
    deadlines.store(
        case,
        "interview_due",
        deadlines.compute(verified_on, rules().period("exit", "interview_within"), calendar),
    )
    with transaction.atomic():
        case.save()
        step = ExitStep.objects.create(
            case=case,
            from_state="",
            to_state=S.VERIFIED,
            on=verified_on,
            actor=actor,
            actor_name=actor_name,
            document_title="退出情形核实材料",
            note=facts,
        )
        if issue_notice:
            store_notice(case, step, OPEN_NOTICE)
    return case


def transition(
    case: ExitCase,
    action: str,
    *,
    on: dt.date,
    actor_name: str,
    actor=None,
    document_number: str = "",
    note: str = "",
    exit_due: dt.date | None = None,
    clawbacks: list[dict] | None = None,
    contract_terminated: bool = False,
    calendar: WorkCalendar | None = None,
    issue_notice: bool = False,
) -> ExitStep:
    """Apply ``action`` to ``case``; refuses moves the state machine or the periods forbid.

    Raises LifecycleError with the reason in Chinese (the pages show it as it is). With
    ``issue_notice`` the step's DOCX notice (rectification / exit) is stored on the step."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise LifecycleError(f"unknown action {action!r}; one of {', '.join(TRANSITIONS)}")
    if case.state not in spec.sources:
        allowed = "、".join(f"「{action_label(a)}」" for a in allowed_actions(case))
        raise LifecycleError(
            f"案件处于「{case.get_state_display()}」，不能执行「{spec.label}」({action})"
            f"（可执行: {allowed or '无，已结案'}）"
        )
    if not actor_name.strip():
        raise LifecycleError("请填写经办人 (actor_name is required)")
    last = case.steps.order_by("-on", "-id").first()
    if last and on < last.on:
        raise LifecycleError(
            f"办理日期 {on} 早于上一步骤的日期 {last.on} (is before the previous step)"
        )
    calendar = calendar or load_calendar()
    late = False
    if action == "interview":
        late = case.interview_due is not None and on > case.interview_due
    elif action == "rectification_notice":
        period = rules().period("exit", "rectification_period")
        deadlines.store(case, "rectification_due", deadlines.compute(on, period, calendar))
    elif action == "exit_notice":
        if case.rectification_due is None or on < case.rectification_due:
            raise LifecycleError(f"整改期限 {case.rectification_due} 未届满，不能书面通知限期退出")
        if exit_due is None:
            period = rules().period("exit", "exit_deadline")
            deadlines.store(case, "exit_due", deadlines.compute(on, period, calendar))
        elif exit_due <= on:
            raise LifecycleError(f"退出期限 {exit_due} 须晚于通知日期 {on} (must be after it)")
        else:
            case.exit_due = exit_due
    elif action == "complete_exit":
        if not contract_terminated:
            raise LifecycleError("退出完成须解除出让合同或土地租赁合同 (contract_terminated)")
        if clawbacks is None:
            raise LifecycleError(
                "退出完成须列明应退还的奖励、补贴和应取消的荣誉待遇（无则传空列表）"
            )
        case.contract_terminated = True
    with transaction.atomic():
        if action == "complete_exit":
            _add_clawbacks(case, clawbacks)
            _terminate_agreements(case)
        step = ExitStep.objects.create(
            case=case,
            from_state=case.state,
            to_state=spec.target,
            on=on,
            actor=actor,
            actor_name=actor_name,
            document_title=spec.document,
            document_number=document_number,
            note=note,
            late=late,
        )
        case.state = spec.target
        if spec.target in (S.EXITED, S.CLOSED_CORRECTED):
            case.closed_on = on
        case.save()
        if issue_notice and spec.notice:
            store_notice(case, step, spec.notice)
    return step


def _add_clawbacks(case: ExitCase, items: list[dict]) -> None:
    rows = []
    for index, item in enumerate(items, start=1):
        kind = item.get("kind")
        if kind not in Clawback.Kind.values:
            raise LifecycleError(f"追回事项 {index}: 类型 {kind!r} 应为 {Clawback.Kind.values}")
        if not str(item.get("description", "")).strip():
            raise LifecycleError(f"追回事项 {index}: 事项说明为空")
        rows.append(
            Clawback(
                case=case,
                kind=kind,
                description=item["description"],
                granted_on=item.get("granted_on"),
                amount_10k_cny=item.get("amount_10k_cny"),
            )
        )
    Clawback.objects.bulk_create(rows)


def _terminate_agreements(case: ExitCase) -> None:
    """Exit ends the enterprise's supervision agreements on the parcel (seeds/003 第九条)."""
    from ..models import SupervisionAgreement

    agreements = SupervisionAgreement.objects.filter(
        enterprise=case.enterprise, status=SupervisionAgreement.Status.ACTIVE
    )
    if case.parcel_id:
        agreements = agreements.filter(parcel_id=case.parcel_id)
    for agreement in agreements:  # a handful; saved one by one so the change log has them
        agreement.status = SupervisionAgreement.Status.TERMINATED
        agreement.save()


def overdue(case: ExitCase, today: dt.date) -> str | None:
    """What the committee is late on, if anything (the deadlines bind the committee)."""
    if case.state == S.VERIFIED and case.interview_due and today > case.interview_due:
        return "约谈逾期"
    if case.state == S.EXIT_NOTICE and case.exit_due and today > case.exit_due:
        return "退出期限已过，待完成退出"
    return None


@dataclass(frozen=True)
class Candidate:
    """A possible exit trigger found in the ledger, for an officer to verify (核实)."""

    enterprise_id: int
    parcel_id: int | None
    trigger: str
    facts: str


VIOLATION_TRIGGERS = {
    "unauthorised_lease": ExitCase.Trigger.UNAUTHORISED_DISPOSAL,
    "unauthorised_transfer": ExitCase.Trigger.UNAUTHORISED_DISPOSAL,
    "illegal_operation": ExitCase.Trigger.ILLEGAL_OPERATION,
}


def candidates(year: int) -> list[Candidate]:
    """Exit triggers of 第八条 the ledger suggests for enterprises under a supervision agreement:
    unremedied unauthorised leases/transfers and illegal operation; tax in ``year`` seriously
    below the commitment; no output in ``year`` although attainment was due. Enterprises with
    an open case on the parcel are left out."""
    from landcycle.ledger.models import IndicatorReport, Violation

    from ..models import SupervisionAgreement
    from .agreements import check_year

    rows = SupervisionAgreement.objects.filter(status=SupervisionAgreement.Status.ACTIVE)
    by_pk = {
        pk: (e, p, due, n)
        for pk, e, p, due, n in rows.values_list(
            "pk", "enterprise_id", "parcel_id", "attainment_due", "number"
        )
    }
    agreements = list(by_pk.values())
    covered = {(e, p) for e, p, _, _ in agreements}
    open_cases = set(
        ExitCase.objects.exclude(state__in=[S.EXITED, S.CLOSED_CORRECTED]).values_list(
            "enterprise_id", "parcel_id"
        )
    )
    out: dict[tuple, Candidate] = {}

    def add(enterprise, parcel, trigger, facts):
        key = (enterprise, parcel, trigger)
        if (enterprise, parcel) not in open_cases and key not in out:
            out[key] = Candidate(enterprise, parcel, trigger, facts)

    violations = (
        Violation.objects.filter(kind__in=list(VIOLATION_TRIGGERS))
        .exclude(status=Violation.Status.REMEDIATED)
        .values_list("parcel_id", "parcel__holder_id", "enterprise_id", "kind", "found_on")
    )
    for parcel, holder, enterprise, kind, found_on in violations:
        who = enterprise or holder
        if (who, parcel) in covered:
            label = Violation.Kind(kind).label
            add(who, parcel, VIOLATION_TRIGGERS[kind], f"{found_on} 发现{label}，尚未整改")
    share = float(rules().get("exit", "tax_serious_shortfall_share"))
    for breach in check_year(year):
        if breach.indicator == "tax_per_ha" and breach.actual is not None:
            if breach.actual < breach.committed * share:
                agreement = SupervisionAgreement.objects.get(pk=breach.agreement_id)
                add(
                    agreement.enterprise_id,
                    agreement.parcel_id,
                    ExitCase.Trigger.TAX_BELOW_COMMITMENT,
                    f"{breach.reason}（不足承诺的{share:.0%}）",
                )
    producing = set(
        IndicatorReport.objects.filter(year=year, output_10k_cny__gt=0).values_list(
            "enterprise_id", flat=True
        )
    )
    for enterprise, parcel, attainment, number in agreements:
        if attainment.year < year and enterprise not in producing:
            add(
                enterprise,
                parcel,
                ExitCase.Trigger.NOT_PRODUCING,
                f"协议{number}约定 {attainment} 达产，{year}年无产值",
            )
    return list(out.values())


# ---- what the pages show and store ------------------------------------------------------


NOTICE_TITLES = {
    "interview": "约谈通知书",
    "rectification": "限期整改通知书",
    "exit": "限期退出通知书",
}


def store_notice(case: ExitCase, step: ExitStep, kind: str) -> ExitStep:
    """Generate the DOCX notice ``kind`` (notices.py: interview / rectification / exit) for the
    state ``step`` reached and store it as a Document (一地一档, kind 通知书) of the case and its
    parcel, by the step's actor and dated the step's day, linked as ``step.notice`` (MEDIA_ROOT,
    outside the web root; served only through the case's or the document's access check)."""
    from ..notices import exit_notice_docx
    from .documents import attach

    title = NOTICE_TITLES[kind]
    data = exit_notice_docx(case, kind, today=step.on)
    step.notice = attach(
        data,
        name=f"{title}.docx",
        kind="notice",
        target=case,
        user=step.actor,
        user_name=step.actor_name,
        title=title,
        dated=step.on,
    )
    if title not in step.document_title:
        step.document_title = f"{step.document_title}；{title}" if step.document_title else title
    step.save(update_fields=["notice", "document_title"])
    return step


@dataclass(frozen=True)
class TimelineEntry:
    """One step on the case's timeline with the deadline it answered, if any."""

    step: ExitStep
    label: str
    deadline: dt.date | None = None
    deadline_label: str = ""
    met: bool | None = None  # None: no deadline bound this step


def timeline(case: ExitCase) -> list[TimelineEntry]:
    """The case's steps in order, each with its deadline met or missed (the interview within
    30 days of verification; the exit notice not before the 6 months; the exit by the date set)."""
    out = []
    for step in case.steps.select_related("notice").order_by("on", "id"):
        deadline, what, met = None, "", None
        if step.to_state == S.VERIFIED:
            label = "核实退出情形，立案"
        else:
            action = next((t.action for t in TRANSITIONS.values() if t.target == step.to_state), "")
            label = action_label(action)
        if step.to_state == S.INTERVIEWED:
            deadline, what = case.interview_due, "约谈期限（核实后30日内）"
            met = None if deadline is None else not step.late and step.on <= deadline
        elif step.to_state == S.EXIT_NOTICE:
            deadline, what = case.rectification_due, "整改期满（6个月）后方可通知"
            met = None if deadline is None else step.on >= deadline
        elif step.to_state == S.EXITED:
            deadline, what = case.exit_due, "退出期限"
            met = None if deadline is None else step.on <= deadline
        out.append(TimelineEntry(step, label, deadline, what, met))
    return out


@dataclass(frozen=True)
class NextDeadline:
    label: str
    date: dt.date | None
    overdue: bool
    flag: str = ""  # why the date is provisional (holiday table unknown)


def next_deadline(case: ExitCase, today: dt.date) -> NextDeadline | None:
    """What the open case waits for and by when (None when closed)."""
    flags = case.deadline_flags or {}
    if case.state == S.VERIFIED:
        return NextDeadline(
            "约谈期限",
            case.interview_due,
            bool(case.interview_due and today > case.interview_due),
            flags.get("interview_due", ""),
        )
    if case.state == S.INTERVIEWED:
        return NextDeadline("待书面通知整改或结案", None, False)
    if case.state == S.RECTIFICATION:
        # not a deadline the committee can miss: the earliest day an exit notice may go out
        return NextDeadline(
            "整改期限（期满可通知限期退出）",
            case.rectification_due,
            False,
            flags.get("rectification_due", ""),
        )
    if case.state == S.EXIT_NOTICE:
        return NextDeadline(
            "退出期限",
            case.exit_due,
            bool(case.exit_due and today > case.exit_due),
            flags.get("exit_due", ""),
        )
    return None


def due_q(by: dt.date):
    """Open cases whose current deadline falls on or before ``by`` (a list filter)."""
    return (
        Q(state=S.VERIFIED, interview_due__lte=by)
        | Q(state=S.RECTIFICATION, rectification_due__lte=by)
        | Q(state=S.EXIT_NOTICE, exit_due__lte=by)
    )
