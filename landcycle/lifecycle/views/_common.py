"""What the lifecycle pages share: a paginated, filtered, sortable list on the frame's table
helpers, and the step view of the exit and stock-land cases (who may take which step)."""

from __future__ import annotations

from types import ModuleType

from django.urls import reverse

from landcycle.core.permissions import Action, scope_of
from landcycle.web.generic import StepView
from landcycle.web.tables import Table, filter_form_html, page_of

from ..services import LifecycleError

PAGE_SIZE = 50


def list_context(request, table: Table, filterset, detail_route: str) -> dict:
    """The context of ``web/_table.html`` for one page of ``filterset.qs``."""
    queryset = filterset.qs.order_by(table.ordering(request.GET.get("sort")), "pk")
    context = page_of(request, table.load(queryset), PAGE_SIZE)
    rows = list(context["page"].object_list)
    links = [reverse(detail_route, args=[row["pk"]]) for row in rows]
    body = table.body_html(rows, links)
    return {
        **context,
        "table": table,
        "filter_html": filter_form_html(filterset.form),
        "body": body,
    }


def actor_name(user) -> str:
    """The name a case record keeps of who took a step."""
    return user.get_full_name() or user.get_username()


def may_take(user, service: ModuleType, action: str) -> bool:
    """Zone officers (CHANGE) take every step of a case; street officers (HANDLE) the steps
    ``service.street_may`` gives them (rules.toml ``street_officer_steps``)."""
    scope = scope_of(user)
    return scope.can(Action.CHANGE) or (scope.can(Action.HANDLE) and service.street_may(action))


class CaseStepView(StepView):
    """A step on an exit or stock-land case: a street officer is refused (403, ``refused_role``)
    the steps the rules keep for the zone; on GET a step the case's state does not allow is
    refused in words that list the steps it does allow."""

    context_object_name = "case"
    refusal = LifecycleError
    service: ModuleType  # its street_may(action) and allowed_actions(case)
    refused_role = ""
    case_word = "案件"
    none_left = "无（已结案）"

    @classmethod
    def offered(cls, user, case) -> dict:
        """The case page's ``steps``: those open to the case now, each ``allowed`` to the user
        or marked as the zone's (none for roles that do not HANDLE); and ``can_assign``."""
        scope = scope_of(user)
        steps = [
            {"action": a, "label": cls.steps[a].label, "allowed": may_take(user, cls.service, a)}
            for a in cls.service.allowed_actions(case)
        ]
        return {
            "steps": steps if scope.can(Action.HANDLE) else [],
            "can_assign": scope.can(Action.CHANGE),
        }

    def status_label(self) -> str:
        """The case's present state, as shown."""
        raise NotImplementedError

    def role_refusal(self) -> str:
        allowed = may_take(self.request.user, self.service, self.step_name)
        return "" if allowed else self.refused_role

    def state_refusal(self) -> str:
        allowed = self.service.allowed_actions(self.object)
        if self.step_name in allowed:
            return ""
        names = "、".join(f"「{self.steps[a].label}」" for a in allowed)
        return (
            f"{self.case_word}处于「{self.status_label()}」，不能办理「{self.step.label}」。"
            f"可办理：{names or self.none_left}。"
        )

    def success_message(self) -> str:
        return f"已办理「{self.step.label}」，{self.case_word}现为「{self.status_label()}」。"


class InlineStepView(StepView):
    """A step whose form sits on the case's own page (POST only, forms prefixed by the step):
    an invalid or refused POST shows that page again with the form as filled in and
    ``refused`` saying why ("不能<step>：<reasons>")."""

    http_method_names = ["post"]
    refusal = LifecycleError

    def get_form_kwargs(self) -> dict:
        return {"prefix": self.step_name}

    def get_context_data(self, **context):
        context = super().get_context_data(**context)
        errors = context["form"].non_field_errors()
        context["refused"] = f"不能{self.step.label}：" + "；".join(errors) if errors else ""
        return context
