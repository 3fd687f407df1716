"""Pages of the project library and the first-talk rule (首谈制, seeds/001 第五条): a project of
≥ 1 亿元 (or strategic) is negotiated by one leading district; three months without substantive
progress and the city may give it to another district. List with each clock's due date, detail
with the talks' record, forms to register, record progress, reassign and close.

Every change goes through ``services.projects``; a refused step is shown on its form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, scope_of
from landcycle.web.decorators import requires
from landcycle.web.generic import Step
from landcycle.web.navigation import MenuItem

from ..forms.projects import CloseForm, ProgressForm, ReassignForm, RegisterForm
from ..models import ProjectLead, ProjectProgress
from ..services import LifecycleError
from ..services import projects as service
from ._common import InlineStepView
from ._history import status_timeline

Status = ProjectLead.Status
PAGE_SIZE = 200
STATE_LABELS = {
    "overdue": "已满3个月，可另行择优",
    "due_soon": "即将满3个月",
    "running": "洽谈中",
    "out_of_scope": "不适用首谈制（不足1亿元）",
}
# step → its label, who may take it, form and service call
STEPS = {
    "progress": Step("记录洽谈进展", (Action.HANDLE,), ProgressForm,
        lambda p, form, user: service.record_progress(p, **form.cleaned_data)),
    "reassign": Step("另行择优落地区", (Action.CHANGE,), ReassignForm,
        lambda p, form, user: service.reassign(
            p, to=form.cleaned_data["to"], on=form.cleaned_data["on"])),
    "close": Step("办结", (Action.CHANGE,), CloseForm,
        lambda p, form, user: service.close(
            p, landed=form.cleaned_data["outcome"] == "landed", on=form.cleaned_data["on"],
            note=form.cleaned_data["note"])),
}  # fmt: skip


def _projects(user, action=Action.VIEW):
    return ProjectLead.objects.restrict(user, action).select_related(
        "leading_district", "reassigned_to"
    )


@requires(Action.VIEW)
@require_safe
def project_list(request):
    today = timezone.localdate()
    projects = _projects(request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        projects = projects.filter(status=status)
    clock = request.GET.get("clock", "")
    projects = list(projects.order_by("first_talk_on", "pk")[:PAGE_SIZE])
    clocks = service.talk_clocks(ProjectLead.objects.filter(pk__in=[p.pk for p in projects]))
    rows = []
    for project in projects:
        c = clocks.get(project.pk)
        state = c.state(today) if c else ""
        if clock and state != clock:
            continue
        rows.append(
            {"p": project, "clock": c, "state": state, "state_label": STATE_LABELS.get(state, "")}
        )
    order = {"overdue": 0, "due_soon": 1, "running": 2}
    rows.sort(key=lambda r: (order.get(r["state"], 3), r["clock"].due if r["clock"] else today))
    return render(
        request,
        "lifecycle/projects/list.html",
        {
            "rows": rows,
            "today": today,
            "statuses": Status.choices,
            "status": status,
            "clocks": [(k, v) for k, v in STATE_LABELS.items()],
            "clock": clock,
            "threshold": service.first_talk_threshold_10k_cny(),
            "can_change": scope_of(request.user).can(Action.CHANGE),
        },
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def project_create(request):
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = service.register(**form.cleaned_data)
        except LifecycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已登记项目「{project.name}」，首谈区 {project.leading_district.name}"
            )
            return redirect("lifecycle:project_detail", pk=project.pk)
    return render(request, "lifecycle/projects/create.html", {"form": form})


def _form_kwargs(step, user, project) -> dict:
    extra = {"user": user, "project": project} if step == "reassign" else {}
    return {"prefix": step, **extra}


def _forms(request, project, given=None):
    scope = scope_of(request.user)
    given = given or {}
    out = []
    if project.status != Status.TALKING:
        return out
    for name, step in STEPS.items():
        if not scope.can(step.actions[0]):
            continue
        form = given.get(name) or step.form(**_form_kwargs(name, request.user, project))
        out.append({"step": name, "label": step.label, "form": form})
    return out


def _context(request, project, given=None):
    today = timezone.localdate()
    clock = service.talk_clocks(ProjectLead.objects.filter(pk=project.pk)).get(project.pk)
    return {
        "project": project,
        "clock": clock,
        "state": clock.state(today) if clock else "",
        "state_label": STATE_LABELS.get(clock.state(today), "") if clock else "",
        "progress": ProjectProgress.objects.filter(project=project).order_by("on", "pk"),
        "forms": _forms(request, project, given),
        "timeline": status_timeline(project),
        "threshold": service.first_talk_threshold_10k_cny(),
    }


@requires(Action.VIEW)
@require_safe
def project_detail(request, pk):
    project = get_object_or_404(_projects(request.user), pk=pk)
    return render(request, "lifecycle/projects/detail.html", _context(request, project))


class ProjectStepView(InlineStepView):
    """Record progress, reassign or close a project, from the forms on its page."""

    model = ProjectLead
    steps = STEPS
    template_name = "lifecycle/projects/detail.html"
    success_route = "lifecycle:project_detail"
    select_related = ("leading_district", "reassigned_to")

    def get_form_kwargs(self) -> dict:
        return _form_kwargs(self.step_name, self.request.user, self.object)

    def case_context(self, form, error):
        return _context(self.request, self.object, {self.step_name: form})

    def success_message(self) -> str:
        project, label = self.object, self.step.label
        return f"「{project.name}」：{label}，现为「{project.get_status_display()}」"


urlpatterns = [
    path("projects/", project_list, name="project_list"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<int:pk>/", project_detail, name="project_detail"),
    path("projects/<int:pk>/<slug:step>/", ProjectStepView.as_view(), name="project_step"),
]

MENU = [
    MenuItem(
        "高精尖项目库", "lifecycle:project_list", action=Action.VIEW, order=170, group="全生命周期"
    )
]
