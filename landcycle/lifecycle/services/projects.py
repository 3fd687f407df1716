"""The project library and the first-talk rule (首谈制, seeds/001 第五条): a project of ≥ 1 亿元
(or of overall strategic weight) is negotiated by one leading district; three months without
substantive progress raise an alert for the city to reassign it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Q

from ..models import ProjectLead, ProjectProgress
from ..rules import rules
from ..workcalendar import add_calendar_period
from . import LifecycleError


def first_talk_threshold_10k_cny() -> float:
    return rules().quantity("projects", "first_talk_min_investment", "10k_cny")


def in_first_talk_scope(project: ProjectLead) -> bool:
    return project.strategic or project.total_investment_10k_cny >= first_talk_threshold_10k_cny()


def register(
    *,
    name: str,
    total_investment_10k_cny: float,
    leading_district,
    first_talk_on: dt.date,
    investor: str = "",
    industry: str = "",
    strategic: bool = False,
    assigned_to=None,
) -> ProjectLead:
    """Enter a project in the library with its leading district (首谈区), status 洽谈中.

    ``total_investment_10k_cny`` in 万元 (≥ 0); ``leading_district`` a Jurisdiction. Raises
    LifecycleError naming the missing or invalid field. Source: seeds/001 二、五.
    """
    errors = []
    if not (name or "").strip():
        errors.append("项目名称为空")
    if total_investment_10k_cny is None or total_investment_10k_cny < 0:
        errors.append(f"总投资 {total_investment_10k_cny!r} 万元无效（须 ≥ 0）")
    if leading_district is None:
        errors.append("须指定首谈区")
    if first_talk_on is None:
        errors.append("须填写首谈区认定日期")
    if errors:
        raise LifecycleError("; ".join(errors))
    return ProjectLead.objects.create(
        name=name.strip(),
        investor=investor,
        industry=industry,
        total_investment_10k_cny=float(total_investment_10k_cny),
        strategic=strategic,
        leading_district=leading_district,
        first_talk_on=first_talk_on,
        assigned_to=assigned_to,
    )


def record_progress(
    project: ProjectLead, *, on: dt.date, note: str, substantive: bool
) -> ProjectProgress:
    if project.status != ProjectLead.Status.TALKING:
        raise LifecycleError(f"项目{project.get_status_display()}，不再记录洽谈进展")
    if on < project.first_talk_on:
        raise LifecycleError("进展日期早于首谈区认定日期")
    if not note.strip():
        raise LifecycleError("进展说明为空")
    return ProjectProgress.objects.create(
        project=project, on=on, note=note, substantive=substantive
    )


@dataclass(frozen=True)
class StallAlert:
    project: ProjectLead
    since: dt.date  # first talk or last substantive progress
    due: dt.date  # since + 3 months: from then on the city may reassign

    @property
    def reason(self) -> str:
        return f"自 {self.since} 起洽谈超过3个月无实质性进展，由市产业主管部门另行择优选择落地区"


@dataclass(frozen=True)
class TalkClock:
    """The first-talk clock of one project: from ``since`` (first talk or last substantive
    progress) the leading district has until ``due`` (+ 3 months) before the city may reassign."""

    since: dt.date
    due: dt.date
    in_scope: bool  # ≥ 1 亿元 or strategic: the rule applies

    def state(self, today: dt.date) -> str:
        """ "overdue" (reassignable), "due_soon" (within rules.toml [due] soon_within),
        "running" or "out_of_scope" (below 1 亿元 and not strategic)."""
        if not self.in_scope:
            return "out_of_scope"
        if today >= self.due:
            return "overdue"
        soon = add_calendar_period(today, rules().period("due", "soon_within"))
        return "due_soon" if self.due <= soon else "running"


def talk_clocks(queryset=None) -> dict[int, TalkClock]:
    """Project id → TalkClock for the projects still talking in ``queryset`` (one query).

    Period and threshold from rules.toml [projects]. Source: seeds/001 第五条."""
    period = rules().period("projects", "no_progress_alert_after")
    projects = (queryset if queryset is not None else ProjectLead.objects.all()).filter(
        status=ProjectLead.Status.TALKING
    )
    rows = projects.annotate(
        last_progress=Max("progress__on", filter=Q(progress__substantive=True))
    ).values_list("pk", "first_talk_on", "last_progress", "total_investment_10k_cny", "strategic")
    threshold = first_talk_threshold_10k_cny()
    out = {}
    for pk, first_talk_on, last_progress, amount, strategic in rows:
        since = max(first_talk_on, last_progress or first_talk_on)
        due = add_calendar_period(since, period)
        out[pk] = TalkClock(since, due, bool(strategic or amount >= threshold))
    return out


def stalled(today: dt.date, queryset=None) -> list[StallAlert]:
    """Projects in scope still talking with no substantive progress for 3 months (two queries)."""
    projects = queryset if queryset is not None else ProjectLead.objects.all()
    clocks = talk_clocks(projects)
    late = [pk for pk, c in clocks.items() if c.in_scope and today >= c.due]
    objects = ProjectLead.objects.filter(pk__in=late).select_related("leading_district")
    return [StallAlert(p, clocks[p.pk].since, clocks[p.pk].due) for p in objects]


def reassign(project: ProjectLead, *, to, on: dt.date) -> ProjectLead:
    """The city gives a stalled project to another district (only once it has stalled)."""
    if project.status != ProjectLead.Status.TALKING:
        raise LifecycleError(f"项目{project.get_status_display()}，不能另行择优")
    if to is None or to.pk == project.leading_district_id:
        raise LifecycleError("须选择另一个落地区")
    if not any(
        a.project.pk == project.pk for a in stalled(on, ProjectLead.objects.filter(pk=project.pk))
    ):
        raise LifecycleError("洽谈未满3个月无实质性进展，不能另行择优选择落地区")
    project.status, project.reassigned_to = ProjectLead.Status.REASSIGNED, to
    project.save()
    ProjectProgress.objects.create(
        project=project, on=on, note=f"市产业主管部门另行择优：{to.name}"
    )
    return project


def close(project: ProjectLead, *, landed: bool, on: dt.date, note: str = "") -> ProjectLead:
    if project.status != ProjectLead.Status.TALKING:
        raise LifecycleError(f"项目{project.get_status_display()}")
    project.status = ProjectLead.Status.LANDED if landed else ProjectLead.Status.DROPPED
    project.save()
    ProjectProgress.objects.create(
        project=project, on=on, substantive=landed, note=note or project.get_status_display()
    )
    return project
