"""Putting an officer in charge (承办人) of an exit or stock-land case: zone officers
(Action.CHANGE) assign; the service refuses an officer who may not work the case."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.urls import path

from landcycle.core.permissions import Action, Role
from landcycle.web.generic import Step, StepView

from ..models import ExitCase, StockLandCase
from ..services import LifecycleError
from ..services.assignment import assign

OFFICER_ROLES = (Role.ADMINISTRATOR, Role.EVALUATION_OFFICER, Role.STREET_OFFICER)


def officer_choices(street_path: str) -> list[tuple[str, str]]:
    """Zone officers, and the street officers whose street holds ``street_path``: one query."""
    from landcycle.web.models import Profile

    out = []
    profiles = Profile.objects.filter(role__in=OFFICER_ROLES, user__is_active=True)
    for p in profiles.select_related("user", "jurisdiction").order_by("role", "user__username"):
        if p.role == Role.STREET_OFFICER and not street_path.startswith(p.jurisdiction.path):
            continue
        name = p.user.get_full_name() or p.user.get_username()
        out.append((str(p.user_id), f"{name}（{Role(p.role).label}）"))
    return out


class AssignForm(forms.Form):
    officer = forms.TypedChoiceField(label="承办人", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "（无）"), *choices]


def _assign(case, form, user):
    officer_id = form.cleaned_data["officer"]
    officer = get_user_model().objects.filter(pk=officer_id).first() if officer_id else None
    assign(case, officer)
    return officer


class AssignView(StepView):
    """Put an officer in charge of a case (zone officers, Action.CHANGE); a refusal of the
    service is shown on the officer field."""

    steps = {"assign": Step("指定承办人", (Action.CHANGE,), AssignForm, _assign)}
    template_name = "lifecycle/assign.html"
    context_object_name = "case"
    refusal = LifecycleError
    error_field = "officer"

    def street_path(self) -> str:
        """The path of the case's street (whose street officers may be put in charge)."""
        raise NotImplementedError

    def get_form_kwargs(self) -> dict:
        choices = officer_choices(self.street_path())
        return {"choices": choices, "initial": {"officer": self.object.assigned_to_id}}

    def success_message(self) -> str:
        officer = self.result
        who = (officer.get_full_name() or officer.get_username()) if officer else "（无）"
        return f"承办人已改为 {who}。"

    def case_context(self, form, error):
        return {"detail": self.success_route}


class ExitAssign(AssignView):
    model = ExitCase
    success_route = "lifecycle:exit_detail"
    select_related = ("jurisdiction",)

    def street_path(self) -> str:
        return self.object.jurisdiction.path


class StockLandAssign(AssignView):
    model = StockLandCase
    success_route = "lifecycle:stockland_detail"
    select_related = ("parcel__jurisdiction",)

    def street_path(self) -> str:
        return self.object.parcel.jurisdiction.path


ASSIGN = {"step": "assign"}
urlpatterns = [
    path("exits/<int:pk>/assign/", ExitAssign.as_view(), ASSIGN, name="exit_assign"),
    path("stockland/<int:pk>/assign/", StockLandAssign.as_view(), ASSIGN, name="stockland_assign"),
]
