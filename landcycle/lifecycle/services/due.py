"""What is due (待办): every deadline due, late or provisional, in one user's scope, urgent first.

``due_items(who, today)`` → ``DueItem``s in the one order the inbox page, ``landcycle due`` and
the e-mail digest all show; ``inbox(who, today)`` the same items cut into sections. ``who`` is
a user (rows through ``restrict(user, VIEW)``, the same rule as every page: a street officer
reaches their streets, an enterprise user its own cases), a Jurisdiction or a list of them (the
row rules' jurisdiction part), or None (everything: the CLI run by the operator).

Sections, in order (rules.toml ``[due]``): overdue (late by at most ``long_overdue_after``),
long overdue (grouped by kind so that a backlog does not bury the rest), due this week (today
to Sunday), due later (up to ``later_within`` ahead), provisional (期限待定: a deadline the
holiday table cannot fix yet). One query per workflow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform

from landcycle.core.permissions import RULES, Action, restrict
from landcycle.ledger.models import Jurisdiction

from ..models import (
    AdmissionApplication,
    ExitCase,
    ProjectLead,
    StockLandCase,
    SupervisionAgreement,
)
from ..rules import rules
from ..workcalendar import add_calendar_period, add_months
from .projects import stalled

# Section keys in display order, with their labels.
SECTIONS = {
    "overdue": "已逾期",
    "long_overdue": "长期逾期",
    "this_week": "本周到期",
    "later": "近期到期",
    "provisional": "期限待定",
}
RANK = {key: n for n, key in enumerate(SECTIONS)}

# The case page of each record (URL names of the lifecycle pages, kwarg pk).
DETAIL_ROUTES = {
    "lifecycle.admissionapplication": "lifecycle:admission_detail",
    "lifecycle.supervisionagreement": "lifecycle:agreement_detail",
    "lifecycle.exitcase": "lifecycle:exit_detail",
    "lifecycle.stocklandcase": "lifecycle:stockland_detail",
    "lifecycle.availablelandlist": "lifecycle:available_detail",
    "lifecycle.renewalproject": "lifecycle:renewal_detail",
    "lifecycle.projectlead": "lifecycle:project_detail",
}

KIND_LABELS = {
    "admission_assessment": "入园申请初评",
    "exit_verified": "退出程序：约谈",
    "exit_rectification": "退出程序：整改期满核查",
    "exit_exit_notice": "退出程序：限期退出",
    "stock_disposal": "存量土地处置期限",
    "idle_take_back": "闲置土地可无偿收回",
    "agreement_attainment": "履约协议达产验收",
    "agreement_review": "一季度履约评估",
    "agreement_expiry": "履约协议有效期届满",
    "project_stalled": "首谈项目无实质进展",
}


@dataclass(slots=True)
class DueItem:
    """One deadline: ``due`` (None when working days run into an unknown year), ``status`` a
    key of SECTIONS, ``days`` late (> 0) or left (≤ 0; None when unknown), the record as
    ``model`` (app_label.model_name) and ``pk``, ``flag`` the provisional-date note,
    ``assignee_id`` the officer in charge (承办人) if any. Treat as read-only: lists of them are
    shared between the users of one scope (the inbox page caches them)."""

    kind: str
    title: str
    due: dt.date | None
    status: str
    days: int | None
    jurisdiction: str
    model: str
    pk: int
    flag: str = ""
    assignee_id: int | None = None

    def __reduce__(self):
        # Pickled as its fields: the inbox kept for a scope is shared by the server's workers as
        # a pickle, and the default path for slotted objects loads 23k items in ~120 ms.
        return (DueItem, tuple(getattr(self, name) for name in self.__slots__))

    @property
    def status_label(self) -> str:
        if self.status == "this_week" and self.days == 0:
            return "今日到期"
        return SECTIONS[self.status]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def route(self) -> str:
        return DETAIL_ROUTES.get(self.model, "")


@dataclass
class Group:
    """The long-overdue items of one kind."""

    kind: str
    label: str
    items: list[DueItem]


@dataclass
class Section:
    key: str
    label: str
    items: list[DueItem] = field(default_factory=list)

    @cached_property
    def groups(self) -> list[Group]:
        """Items by kind, in order of first appearance (the long-overdue section's view); built
        once per section (an inbox is kept per scope and data version: web pages reuse it)."""
        groups: dict[str, Group] = {}
        for item in self.items:
            groups.setdefault(item.kind, Group(item.kind, item.kind_label, [])).items.append(item)
        return list(groups.values())


@dataclass
class Inbox:
    today: dt.date
    items: list[DueItem]
    long_overdue_after: str  # e.g. "90日", for headings

    @cached_property
    def sections(self) -> list[Section]:
        """Every section (empty ones too), in display order; built once per inbox."""
        by_key = {key: Section(key, label) for key, label in SECTIONS.items()}
        for item in self.items:
            by_key[item.status].items.append(item)
        return list(by_key.values())

    def count(self, key: str) -> int:
        return sum(1 for item in self.items if item.status == key)


class _Horizon:
    """Sorts deadlines into sections as of ``today``; one answer per distinct date (a district's
    thousands of cases share a few hundred deadlines)."""

    def __init__(self, today: dt.date):
        self.today = today
        self.week_end = today + dt.timedelta(days=6 - today.weekday())
        later = add_calendar_period(today, rules().period("due", "later_within"))
        self.later_end = max(later, self.week_end)
        self.long_after = rules().period("due", "long_overdue_after")
        self._memo: dict[tuple[dt.date | None, bool], tuple[str | None, int | None]] = {}

    def classify(self, due: dt.date | None, flag: str) -> tuple[str | None, int | None]:
        """(section key, days) of a deadline; (None, None) when it is not due yet."""
        key = (due, bool(flag))
        if key not in self._memo:
            self._memo[key] = self._classify(due, bool(flag))
        return self._memo[key]

    def _classify(self, due: dt.date | None, flagged: bool) -> tuple[str | None, int | None]:
        if due is None:
            return ("provisional", None) if flagged else (None, None)
        days = (self.today - due).days
        if days > 0:
            if add_calendar_period(due, self.long_after) < self.today:
                return "long_overdue", days
            return "overdue", days
        if flagged:
            return "provisional", days
        if due <= self.week_end:
            return "this_week", days
        if due <= self.later_end:
            return "later", days
        return None, None


def _in_order(items: list[DueItem]) -> list[DueItem]:
    """Sections in order; inside one, the earliest deadline first (the latest-running late
    item leads). Long-overdue items go by kind, the kind with the oldest item first."""
    oldest: dict[str, dt.date] = {}
    for item in items:
        if item.status == "long_overdue":
            oldest[item.kind] = min(oldest.get(item.kind, item.due), item.due)

    def key(item: DueItem):
        group = (
            (oldest[item.kind], item.kind) if item.status == "long_overdue" else (dt.date.min, "")
        )
        return (RANK[item.status], *group, item.due or dt.date.max, item.title, item.pk)

    return sorted(items, key=key)


class _Rows:
    """The rows of each model ``who`` may see: restrict for a user, the row rules' jurisdiction
    part for jurisdictions, everything for None."""

    def __init__(self, who):
        self.user = None
        self.paths: tuple[str, ...] | None = None
        if who is None:
            return
        if hasattr(who, "is_authenticated"):  # a user (request.user is a lazy object)
            self.user = who
        elif isinstance(who, Jurisdiction):
            self.paths = (who.path,)
        elif isinstance(who, Iterable) and not isinstance(who, str):
            self.paths = tuple(j.path for j in who)
        else:
            raise TypeError(
                f"due_items: a user, a Jurisdiction, a list of them or None, not {who!r}"
            )

    def of(self, model) -> QuerySet:
        queryset = model._default_manager.all()
        if self.user is not None:
            return restrict(queryset, self.user, Action.VIEW)
        if self.paths is None:
            return queryset
        rule = RULES.get(model)
        q = Q(pk__in=[])
        for path in self.paths:
            if rule is not None:
                q |= rule.by_jurisdiction(path)
            elif model is ProjectLead:  # no row rule yet: its leading district decides
                q |= Q(leading_district__path__startswith=path)
        return queryset.filter(q)


def _flag(field: str) -> KeyTextTransform:
    """The provisional-date note of ``field`` (``deadline_flags[field]``), read as text by the
    database (decoding every row's JSON in Python cost more than the query)."""
    return KeyTextTransform(field, "deadline_flags")


def due_items(who, today: dt.date) -> list[DueItem]:
    """Every deadline due, late or provisional that ``who`` may see on ``today``, in the inbox's
    order (see the module docstring). Sources: seeds/003 (admission 3 working days, exit
    30 days / 6 months), 国土资源部令第53号 (idle land), seeds/004 (disposal), seeds/001
    (first talk); periods in rules.toml."""
    rows = _Rows(who)
    horizon = _Horizon(today)
    items: list[DueItem] = []

    def add(kind, title, due, place, model, pk, flag="", assignee=None):
        status, days = horizon.classify(due, flag)
        if status:
            items.append(DueItem(kind, title, due, status, days, place, model, pk, flag, assignee))

    # admission: initial assessment within 3 working days
    for pk, name, due, flag, place, assignee in (
        rows.of(AdmissionApplication)
        .filter(status=AdmissionApplication.Status.SUBMITTED)
        .annotate(flag=_flag("assessment_due"))
        .values_list(
            "pk",
            "enterprise_name",
            "assessment_due",
            "flag",
            "jurisdiction__name",
            "assigned_to_id",
        )
    ):
        add(
            "admission_assessment",
            f"{name} 入园申请初评",
            due,
            place,
            "lifecycle.admissionapplication",
            pk,
            flag or "",
            assignee,
        )

    # exit proceedings: the deadline of the step each case waits for
    S = ExitCase.State
    exit_fields = {
        S.VERIFIED: ("interview_due", "约谈"),
        S.RECTIFICATION: ("rectification_due", "整改期满核查"),
        S.EXIT_NOTICE: ("exit_due", "限期退出到期"),
    }
    for row in (
        rows.of(ExitCase)
        .filter(state__in=list(exit_fields))
        .annotate(**{f"{key}_flag": _flag(key) for key, _label in exit_fields.values()})
        .values_list(
            "pk",
            "state",
            "enterprise__name",
            "jurisdiction__name",
            "assigned_to_id",
            "interview_due",
            "rectification_due",
            "exit_due",
            "interview_due_flag",
            "rectification_due_flag",
            "exit_due_flag",
        )
    ):
        pk, state, name, place, assignee, *dates = row
        key, label = exit_fields[state]
        at = ("interview_due", "rectification_due", "exit_due").index(key)
        due, flag = dates[at], dates[3 + at]
        add(
            f"exit_{state}",
            f"{name} 退出程序：{label}",
            due,
            place,
            "lifecycle.exitcase",
            pk,
            flag or "",
            assignee,
        )

    # stock land: the disposal deadline, and idle land that may now be taken back
    take_back = rules().period("stockland", "take_back_after")
    categories = dict(StockLandCase.Category.choices)
    for pk, code, category, deadline, flag, idle_since, place, assignee in (
        rows.of(StockLandCase)
        .filter(status__in=StockLandCase.OPEN_STATUSES)
        .annotate(flag=_flag("deadline"))
        .values_list(
            "pk",
            "parcel__code",
            "category",
            "deadline",
            "flag",
            "idle_since",
            "parcel__jurisdiction__name",
            "assigned_to_id",
        )
    ):
        label = categories[category]
        add(
            "stock_disposal",
            f"{code} {label}土地处置",
            deadline,
            place,
            "lifecycle.stocklandcase",
            pk,
            flag or "",
            assignee,
        )
        if category == StockLandCase.Category.IDLE and idle_since:
            add(
                "idle_take_back",
                f"{code} 闲置满{take_back.label}，可依法无偿收回",
                add_calendar_period(idle_since, take_back),
                place,
                "lifecycle.stocklandcase",
                pk,
                assignee=assignee,
            )

    # supervision agreements: attainment acceptance, and the first-quarter review
    review_month = int(rules().get("agreements", "annual_review_month_end"))
    review_due = add_months(dt.date(today.year, review_month, 1), 1) - dt.timedelta(days=1)
    # and the end of validity: an active agreement past it is to be recorded as expired
    for pk, number, attainment, valid_to, place in (
        rows.of(SupervisionAgreement)
        .filter(status=SupervisionAgreement.Status.ACTIVE)
        .values_list("pk", "number", "attainment_due", "valid_to", "parcel__jurisdiction__name")
    ):
        model = "lifecycle.supervisionagreement"
        add("agreement_attainment", f"{number} 达产验收", attainment, place, model, pk)
        if today <= review_due:
            add("agreement_review", f"{number} 一季度履约评估", review_due, place, model, pk)
        if valid_to is not None:
            add("agreement_expiry", f"{number} 有效期届满，办理到期", valid_to, place, model, pk)

    # first-talk rule: three months without substantive progress
    for alert in stalled(today, rows.of(ProjectLead)):
        add(
            "project_stalled",
            f"{alert.project.name} 首谈3个月无实质性进展",
            alert.due,
            alert.project.leading_district.name,
            "lifecycle.projectlead",
            alert.project.pk,
            assignee=alert.project.assigned_to_id,
        )

    return _in_order(items)


def inbox(who, today: dt.date) -> Inbox:
    """``due_items`` cut into sections (``Inbox.sections``), for the page and the digest."""
    return Inbox(today, due_items(who, today), rules().period("due", "long_overdue_after").label)


def _line(item: DueItem) -> str:
    when = str(item.due) if item.due else "—"
    extra = f"（逾期 {item.days} 日）" if item.status in ("overdue", "long_overdue") else ""
    flag = f"［{item.flag}］" if item.flag else ""
    return f"[{item.status_label}] {when} {item.title} — {item.jurisdiction}{extra}{flag}"


def digest_text(box: Inbox | list[DueItem], today: dt.date | None = None, *, brief=False) -> str:
    """The inbox as text, section by section in the inbox's order. ``brief`` (the e-mail)
    counts long-overdue items by kind instead of listing them."""
    if not isinstance(box, Inbox):
        box = Inbox(today, list(box), rules().period("due", "long_overdue_after").label)
    lines = [f"截至 {box.today}，您有 {len(box.items)} 项待办期限："]
    for section in box.sections:
        if not section.items:
            continue
        heading = section.label
        if section.key == "long_overdue":
            heading = f"{section.label}（逾期超过{box.long_overdue_after}）"
        lines += ["", f"{heading} {len(section.items)} 项"]
        if section.key == "long_overdue":
            for group in section.groups:
                lines.append(f"  {group.label} {len(group.items)} 项")
                if not brief:
                    lines += [f"    {_line(item)}" for item in group.items]
        else:
            lines += [f"  {_line(item)}" for item in section.items]
    return "\n".join(lines)


def send_digests(today: dt.date, inbox_url: str = "") -> int:
    """E-mail each active user with an address and something due their inbox (Django's mail
    settings: EMAIL_BACKEND, EMAIL_HOST …, DEFAULT_FROM_EMAIL); returns the messages sent.
    ``inbox_url`` (the site's /inbox/ address), when given, ends each message."""
    sent = 0
    for user in get_user_model().objects.filter(is_active=True).exclude(email=""):
        box = inbox(user, today)
        if not box.items:
            continue
        body = digest_text(box, brief=True)
        if inbox_url:
            body += f"\n\n查看与办理：{inbox_url}"
        overdue = box.count("overdue") + box.count("long_overdue")
        sent += send_mail(
            subject=f"[landcycle] {today} 待办期限 {len(box.items)} 项（逾期 {overdue} 项）",
            message=body,
            from_email=None,
            recipient_list=[user.email],
        )
    return sent
