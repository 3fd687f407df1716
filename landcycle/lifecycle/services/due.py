"""What is due: one inbox of every deadline due, late or unknowable, in a user's scope.

``due_items(user_or_scope, today)`` takes a user (scope from their role: administrators and
evaluation officers see everything, a street officer their jurisdiction and below, an enterprise
user their own enterprise; everyone also sees what is assigned to them), a Jurisdiction, a list
of them, or None (everything). One query per workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from landcycle.ledger.models import Jurisdiction

from ..models import AdmissionApplication, ExitCase, StockLandCase, SupervisionAgreement
from ..rules import rules
from ..workcalendar import add_calendar_period, add_months
from .projects import stalled

ALL_SCOPE_ROLES = ("administrator", "evaluation_officer", "department_reader")


@dataclass(frozen=True)
class DueItem:
    kind: str
    title: str
    due: dt.date | None
    status: str  # late, due (today), soon, unknown (calendar year not in the table)
    days: int | None  # days late (>0) or days left (≤0); None when unknown
    jurisdiction: str
    model: str  # app_label.model_name of the record
    pk: int
    flag: str = ""

    @property
    def status_label(self) -> str:
        return {"late": "已逾期", "due": "今日到期", "soon": "即将到期", "unknown": "期限待定"}[
            self.status
        ]


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    paths: tuple[str, ...] = ()
    enterprise_ids: tuple[int, ...] = ()
    user_id: int | None = None

    def q(self, path_field: str, enterprise_field: str | None = None) -> Q:
        if self.everything:
            return Q(pk__isnull=False)  # not Q(): an empty Q vanishes when OR-ed with another
        q = Q(pk__in=[])
        for path in self.paths:
            q |= Q(**{f"{path_field}__startswith": path})
        if enterprise_field and self.enterprise_ids:
            q |= Q(**{f"{enterprise_field}__in": self.enterprise_ids})
        return q


def resolve_scope(user_or_scope) -> Scope:
    if user_or_scope is None:
        return Scope(everything=True)
    if isinstance(user_or_scope, Scope):
        return user_or_scope
    if isinstance(user_or_scope, Jurisdiction):
        return Scope(paths=(user_or_scope.path,))
    if isinstance(user_or_scope, Iterable) and not isinstance(user_or_scope, str):
        return Scope(paths=tuple(j.path for j in user_or_scope))
    user = user_or_scope
    if getattr(user, "is_superuser", False):
        return Scope(everything=True, user_id=user.pk)
    profile = getattr(user, "landcycle_profile", None)
    role = getattr(profile, "role", "")
    if role in ALL_SCOPE_ROLES:
        return Scope(everything=True, user_id=user.pk)
    paths = (profile.jurisdiction.path,) if getattr(profile, "jurisdiction", None) else ()
    enterprises = (profile.enterprise_id,) if getattr(profile, "enterprise_id", None) else ()
    if role == "enterprise_user":
        paths = ()
    return Scope(paths=paths, enterprise_ids=enterprises, user_id=user.pk)


def _classify(due: dt.date | None, today: dt.date, soon: dt.date, flag: str):
    if due is None:
        return ("unknown", None) if flag else (None, None)
    days = (today - due).days
    if days > 0:
        return "late", days
    if days == 0:
        return "due", 0
    if due <= soon or flag:
        return ("unknown" if flag else "soon"), days
    return None, None


def due_items(user_or_scope, today: dt.date) -> list[DueItem]:
    scope = resolve_scope(user_or_scope)
    soon = add_calendar_period(today, rules().period("due", "soon_within"))
    mine = Q(assigned_to_id=scope.user_id) if scope.user_id else Q(pk__in=[])
    items: list[DueItem] = []

    def add(kind, title, due, place, model, pk, flag=""):
        status, days = _classify(due, today, soon, flag)
        if status:
            items.append(DueItem(kind, title, due, status, days, place, model, pk, flag))

    # admission: initial assessment within 3 working days
    for pk, name, due, flags, place in AdmissionApplication.objects.filter(
        scope.q("jurisdiction__path", "enterprise_id") | mine,
        status=AdmissionApplication.Status.SUBMITTED,
    ).values_list(
        "pk", "enterprise_name", "assessment_due", "deadline_flags", "jurisdiction__name"
    ):
        add(
            "admission_assessment",
            f"{name} 入园申请初评",
            due,
            place,
            "lifecycle.admissionapplication",
            pk,
            (flags or {}).get("assessment_due", ""),
        )

    # exit proceedings
    S = ExitCase.State
    exit_fields = {
        S.VERIFIED: ("interview_due", "约谈"),
        S.RECTIFICATION: ("rectification_due", "整改期满核查"),
        S.EXIT_NOTICE: ("exit_due", "限期退出到期"),
    }
    for row in ExitCase.objects.filter(
        scope.q("jurisdiction__path", "enterprise_id") | mine, state__in=list(exit_fields)
    ).values_list(
        "pk",
        "state",
        "enterprise__name",
        "interview_due",
        "rectification_due",
        "exit_due",
        "deadline_flags",
        "jurisdiction__name",
    ):
        pk, state, name, interview, rectification, exit_due, flags, place = row
        field, label = exit_fields[state]
        due = {
            "interview_due": interview,
            "rectification_due": rectification,
            "exit_due": exit_due,
        }[field]
        add(
            f"exit_{state}",
            f"{name} 退出程序：{label}",
            due,
            place,
            "lifecycle.exitcase",
            pk,
            (flags or {}).get(field, ""),
        )

    # stock land: disposal deadline, and idle land that may now be taken back
    take_back = rules().period("stockland", "take_back_after")
    for pk, code, category, deadline, flags, idle_since, place in StockLandCase.objects.filter(
        scope.q("parcel__jurisdiction__path", "parcel__holder_id") | mine,
        status__in=StockLandCase.OPEN_STATUSES,
    ).values_list(
        "pk",
        "parcel__code",
        "category",
        "deadline",
        "deadline_flags",
        "idle_since",
        "parcel__jurisdiction__name",
    ):
        label = StockLandCase.Category(category).label
        add(
            "stock_disposal",
            f"{code} {label}土地处置",
            deadline,
            place,
            "lifecycle.stocklandcase",
            pk,
            (flags or {}).get("deadline", ""),
        )
        if category == StockLandCase.Category.IDLE and idle_since:
            add(
                "idle_take_back",
                f"{code} 闲置满{take_back.label}，可依法无偿收回",
                add_calendar_period(idle_since, take_back),
                place,
                "lifecycle.stocklandcase",
                pk,
            )

    # supervision agreements: attainment acceptance, and the first-quarter review
    review_month = int(rules().get("agreements", "annual_review_month_end"))
    review_due = add_months(dt.date(today.year, review_month, 1), 1) - dt.timedelta(days=1)
    for pk, number, attainment, place in SupervisionAgreement.objects.filter(
        scope.q("parcel__jurisdiction__path", "enterprise_id"),
        status=SupervisionAgreement.Status.ACTIVE,
    ).values_list("pk", "number", "attainment_due", "parcel__jurisdiction__name"):
        add(
            "agreement_attainment",
            f"{number} 达产验收",
            attainment,
            place,
            "lifecycle.supervisionagreement",
            pk,
        )
        if today <= review_due:
            add(
                "agreement_review",
                f"{number} 一季度履约评估",
                review_due,
                place,
                "lifecycle.supervisionagreement",
                pk,
            )

    # first-talk rule
    projects = stalled(today, _project_queryset(scope, mine))
    for alert in projects:
        add(
            "project_stalled",
            f"{alert.project.name} 首谈3个月无实质性进展",
            alert.due,
            alert.project.leading_district.name,
            "lifecycle.projectlead",
            alert.project.pk,
        )

    order = {"late": 0, "due": 1, "unknown": 2, "soon": 3}
    items.sort(key=lambda i: (order[i.status], i.due or dt.date.max, i.title))
    return items


def _project_queryset(scope: Scope, mine: Q):
    from ..models import ProjectLead

    return ProjectLead.objects.filter(scope.q("leading_district__path") | mine)


def digest_text(items: list[DueItem], today: dt.date) -> str:
    lines = [f"截至 {today}，您有 {len(items)} 项待办期限：", ""]
    for item in items:
        when = str(item.due) if item.due else "—"
        extra = f"（逾期 {item.days} 日）" if item.status == "late" else ""
        flag = f"［{item.flag}］" if item.flag else ""
        lines.append(
            f"[{item.status_label}] {when} {item.title} — {item.jurisdiction}{extra}{flag}"
        )
    return "\n".join(lines)


def send_digests(today: dt.date) -> int:
    """E-mail each active user with an address the items due in their scope (Django mail
    settings); returns the number of messages sent."""
    sent = 0
    for user in get_user_model().objects.filter(is_active=True).exclude(email=""):
        items = due_items(user, today)
        if not items:
            continue
        sent += send_mail(
            subject=f"[landcycle] {today} 待办期限 {len(items)} 项",
            message=digest_text(items, today),
            from_email=None,
            recipient_list=[user.email],
        )
    return sent
