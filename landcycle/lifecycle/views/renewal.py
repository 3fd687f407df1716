"""Pages of renewal (低效工业用地改造提升, seeds/002): projects with mode, path and plan checks
(FAR ≥ 2.0, 15 % / 30 %) and their steps; the street target table imported from the page;
each table's progress, street ranking and reward; enterprise measures.

Every change goes through ``services.renewal``; a refused step is shown on its form."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, restricted, scope_of
from landcycle.core.units import MU
from landcycle.ledger.models import Enterprise, Jurisdiction, Parcel
from landcycle.web.decorators import requires
from landcycle.web.generic import Step
from landcycle.web.navigation import MenuItem

from ..forms.renewal import MeasureForm, PlanForm, ProjectForm, StepForm, TableUploadForm
from ..models import RenewalProject, StreetTarget, TaskTable
from ..models.renewal import TargetIndicator
from ..rules import rules
from ..services import LifecycleError
from ..services import renewal as service
from ._common import InlineStepView
from ._history import status_timeline

R = RenewalProject
PAGE_SIZE = 200


def _transition(step):
    def run(project, form, user):
        data = form.cleaned_data
        service.transition(
            project, step, on=data["on"], new_floor_area_m2=data["new_floor_area_m2"]
        )

    return run


# step → its label, who may take it, form and service call. The street works its projects;
# the zone approves plans.
STEPS = {
    "plan": Step("修改方案", (Action.CHANGE,), PlanForm,
        lambda project, form, user: service.revise_plan(project, **form.cleaned_data)),
    **{
        step: Step(service.STEP_LABELS[step], (action,), StepForm, _transition(step))
        for step, action in (
            ("approve_plan", Action.CHANGE), ("start", Action.HANDLE), ("complete", Action.HANDLE)
        )
    },
}  # fmt: skip

# How a stored value is shown: indicator → (unit shown, stored units per unit shown).
SHOWN = {
    TargetIndicator.RENOVATED_LAND: ("亩", MU.factor),
    TargetIndicator.NEW_FLOOR_AREA: ("万平方米", 10_000.0),
}


def _projects(user, action=Action.VIEW):
    return R.objects.restrict(user, action).select_related("street")


@requires(Action.VIEW)
@require_safe
def renewal_list(request):
    projects = _projects(request.user).order_by("street__path", "name")
    status = request.GET.get("status", "")
    if status in R.Status.values:
        projects = projects.filter(status=status)
    kind = request.GET.get("kind", "")
    if kind in R.Kind.values:
        projects = projects.filter(kind=kind)
    street = request.GET.get("street", "")
    if street.isdigit():
        chosen = Jurisdiction.objects.filter(pk=int(street)).first()
        if chosen is not None:
            projects = projects.filter(street__path__startswith=chosen.path)
    streets = restricted(Jurisdiction, request.user).filter(
        pk__in=_projects(request.user).values("street_id")
    )
    rows = [(p, service.check_plan(p)) for p in projects[:PAGE_SIZE]]
    scope = scope_of(request.user)
    return render(
        request,
        "lifecycle/renewal/list.html",
        {
            "rows": rows,
            "tables": restricted(TaskTable, request.user)
            .select_related("district")
            .order_by("-end_year", "name"),
            "statuses": R.Status.choices,
            "kinds": R.Kind.choices,
            "streets": streets.order_by("path"),
            "status": status,
            "kind": kind,
            "street": street,
            "can_change": scope.can(Action.CHANGE),
            "can_import": scope.can(Action.IMPORT),
            "can_handle": scope.can(Action.HANDLE),
        },
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def renewal_create(request):
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        codes = form.codes()
        data.pop("parcel_codes")
        street = data.pop("street")
        parcels = list(
            restricted(Parcel, request.user).filter(
                code__in=codes, jurisdiction__path__startswith=street.path
            )
        )
        missing = sorted(set(codes) - {p.code for p in parcels})
        if missing:
            form.add_error(
                "parcel_codes",
                f"宗地 {'、'.join(missing)} 不存在、不在{street.name}或不在您的权限范围内",
            )
        else:
            for key in ("admin_living_land_m2", "admin_living_floor_m2"):
                data[key] = data[key] or 0.0
            data["far_exception_reason"] = data["far_exception_reason"] or ""
            try:
                project = service.create_project(street=street, parcels=parcels, **data)
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已登记改造项目「{project.name}」（计划）")
                return redirect("lifecycle:renewal_detail", pk=project.pk)
    return render(request, "lifecycle/renewal/create.html", {"form": form})


def _detail_context(request, project, forms=None):
    scope = scope_of(request.user)
    steps = []
    for step, declared in STEPS.items():
        if step == "plan":
            sources = (R.Status.PLANNED,)
            initial = {k: getattr(project, k) for k in service.PLAN_FIELDS}
            blank = PlanForm(prefix=step, initial=initial)
        else:
            sources, blank = service.PROJECT_TRANSITIONS[step][0], StepForm(prefix=step)
        if project.status in sources and scope.can(declared.actions[0]):
            form = (forms or {}).get(step) or blank
            steps.append({"step": step, "label": declared.label, "form": form})
    policy = rules()
    land_share = floor_share = None
    if project.land_area_m2:
        land_share = f"{project.admin_living_land_m2 / project.land_area_m2:.1%}"
    if project.planned_floor_area_m2:
        floor_share = f"{project.admin_living_floor_m2 / project.planned_floor_area_m2:.1%}"
    return {
        "project": project,
        "parcels": restricted(Parcel, request.user)
        .filter(renewal_projects=project)
        .select_related("jurisdiction")
        .order_by("code"),
        "problems": service.check_plan(project),
        "far_min": f"{float(policy.get('renewal', 'far_min')):g}",
        "land_max": f"{float(policy.get('renewal', 'admin_living_land_share_max')):.0%}",
        "floor_max": f"{float(policy.get('renewal', 'admin_living_floor_share_max')):.0%}",
        "land_share": land_share,
        "floor_share": floor_share,
        "steps": steps,
        "timeline": status_timeline(project),
    }


@requires(Action.VIEW)
@require_safe
def renewal_detail(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    return render(request, "lifecycle/renewal/detail.html", _detail_context(request, project))


class RenewalStepView(InlineStepView):
    """Revise the plan, approve it, start or complete a project, from the forms on its page."""

    model = R
    steps = STEPS
    template_name = "lifecycle/renewal/detail.html"
    success_route = "lifecycle:renewal_detail"
    select_related = ("street",)

    def case_context(self, form, error):
        return _detail_context(self.request, self.object, {self.step_name: form})

    def success_message(self) -> str:
        project, label = self.object, self.step.label
        return f"「{project.name}」{label}，现为「{project.get_status_display()}」"

    def get_context_data(self, **context):
        context = super().get_context_data(**context)
        if any(s["step"] == self.step_name for s in context["steps"]):
            context["refused"] = ""  # its form on the page shows the reason
        return context


def _shown(indicator: str, value: float | None) -> float | None:
    if value is None:
        return None
    unit = SHOWN.get(indicator)
    return round(value / unit[1] if unit else value, 6)  # 100 亩 read back from m², not 100.00


@requires(Action.VIEW)
@require_safe
def renewal_table(request, pk):
    table = get_object_or_404(restricted(TaskTable, request.user).select_related("district"), pk=pk)
    try:
        as_of = dt.date.fromisoformat(request.GET.get("as_of", ""))
    except ValueError:
        as_of = timezone.localdate()
    indicators = [
        (
            key,
            label,
            SHOWN.get(
                key,
                (
                    StreetTarget.objects.filter(table=table, indicator=key)
                    .values_list("unit", flat=True)
                    .first()
                    or "",
                    1,
                ),
            )[0],
        )
        for key, label in TargetIndicator.choices
        if key in table.district_totals
    ]
    streets = []
    for item in service.progress(table, as_of):
        cells = []
        for key, _label, _unit in indicators:
            ratio = item.ratio(key)
            cells.append(
                {
                    "actual": _shown(key, item.actual.get(key)),
                    "target": _shown(key, item.targets.get(key)),
                    "ratio": ratio,
                    "met": ratio is not None and ratio >= 1,
                }
            )
        streets.append({"item": item, "cells": cells, "mu": round(item.renovated_mu, 6)})
    totals = [_shown(key, table.district_totals.get(key)) for key, _l, _u in indicators]
    policy = rules()
    return render(
        request,
        "lifecycle/renewal/table.html",
        {
            "table": table,
            "as_of": as_of,
            "indicators": indicators,
            "streets": streets,
            "totals": totals,
            "bands": policy.get("renewal", "reward_bands"),
            "min_completion": float(policy.get("renewal", "reward_min_completion")),
        },
    )


@requires(Action.IMPORT)
@require_http_methods(["GET", "POST"])
def renewal_import(request):
    refused = getattr(request, "upload_refused_bytes", None)  # set by web.uploads
    form = TableUploadForm(
        request.POST or None, request.FILES or None, user=request.user, refused_bytes=refused
    )
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploaded = data["file"]
        with tempfile.TemporaryDirectory(prefix="landcycle-tasks-") as folder:
            name = Path(uploaded.name).name.replace("/", "_").replace("\\", "_") or "table.csv"
            target = Path(folder) / name
            with target.open("wb") as handle:
                for chunk in uploaded.chunks():
                    handle.write(chunk)
            try:
                table = service.import_task_table(
                    target,
                    district=data["district"],
                    name=data["name"],
                    start_year=data["start_year"],
                    end_year=data["end_year"],
                    source=data["source"] or name,
                )
            except LifecycleError as exc:
                problems = [p for p in str(exc).split("; ") if p]
            else:
                messages.success(
                    request,
                    f"已导入任务分解表「{table.name}」：{table.targets.values('street').distinct().count()} 个街道",
                )
                return redirect("lifecycle:renewal_table", pk=table.pk)
    return render(
        request,
        "lifecycle/renewal/import.html",
        {"form": form, "problems": problems, "indicators": TargetIndicator.choices},
        status=413 if refused else 200,
    )


@requires(Action.HANDLE)
@require_http_methods(["GET", "POST"])
def renewal_measure(request):
    form = MeasureForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        who = data.pop("enterprise").strip()
        enterprise = restricted(Enterprise, request.user).filter(Q(uscc=who) | Q(name=who)).first()
        if enterprise is None:
            form.add_error("enterprise", f"企业 {who} 不存在或不在您的权限范围内")
        else:
            try:
                service.record_measure(enterprise=enterprise, **data)
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"已记录：{enterprise.name}「{dict(form.fields['kind'].choices)[data['kind']]}」",
                )
                return redirect("lifecycle:renewal_list")
    return render(request, "lifecycle/renewal/measure.html", {"form": form})


urlpatterns = [
    path("renewal/", renewal_list, name="renewal_list"),
    path("renewal/new/", renewal_create, name="renewal_create"),
    path("renewal/measures/new/", renewal_measure, name="renewal_measure"),
    path("renewal/tables/import/", renewal_import, name="renewal_import"),
    path("renewal/tables/<int:pk>/", renewal_table, name="renewal_table"),
    path("renewal/<int:pk>/", renewal_detail, name="renewal_detail"),
    path("renewal/<int:pk>/<slug:step>/", RenewalStepView.as_view(), name="renewal_step"),
]

MENU = [
    MenuItem(
        "改造提升", "lifecycle:renewal_list", action=Action.VIEW, order=160, group="全生命周期"
    )
]
