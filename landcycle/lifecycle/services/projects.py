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


def stalled(today: dt.date, queryset=None) -> list[StallAlert]:
    """Projects in scope still talking with no substantive progress for 3 months (one query)."""
    period = rules().period("projects", "no_progress_alert_after")
    projects = (queryset if queryset is not None else ProjectLead.objects.all()).filter(
        status=ProjectLead.Status.TALKING
    )
    projects = projects.annotate(
        last_progress=Max("progress__on", filter=Q(progress__substantive=True))
    ).select_related("leading_district")
    threshold = first_talk_threshold_10k_cny()
    alerts = []
    for project in projects:
        if not (project.strategic or project.total_investment_10k_cny >= threshold):
            continue
        since = max(project.first_talk_on, project.last_progress or project.first_talk_on)
        due = add_calendar_period(since, period)
        if today >= due:
            alerts.append(StallAlert(project, since, due))
    return alerts


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
