"""Putting an officer in charge (承办人) of an exit or stock-land case: zone officers
(Action.CHANGE) assign; the service refuses an officer who may not work the case."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from landcycle.core.permissions import Action, Role, restricted
from landcycle.web.decorators import requires

from ..models import ExitCase, StockLandCase
from ..services import LifecycleError
from ..services.assignment import assign

OFFICER_ROLES = (Role.ADMINISTRATOR, Role.EVALUATION_OFFICER, Role.STREET_OFFICER)
CASES = {
    "exit": (ExitCase, "lifecycle:exit_detail", lambda c: c.jurisdiction.path),
    "stockland": (
        StockLandCase,
        "lifecycle:stockland_detail",
        lambda c: c.parcel.jurisdiction.path,
    ),
}


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


def _assign(request, workflow: str, pk: int):
    model, detail, street = CASES[workflow]
    case = get_object_or_404(restricted(model, request.user, Action.CHANGE), pk=pk)
    initial = {"officer": case.assigned_to_id}
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        choices=officer_choices(street(case)),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        officer_id = form.cleaned_data["officer"]
        officer = get_user_model().objects.filter(pk=officer_id).first() if officer_id else None
        try:
            assign(case, officer)
        except LifecycleError as exc:
            form.add_error("officer", str(exc))
        else:
            who = (officer.get_full_name() or officer.get_username()) if officer else "（无）"
            messages.success(request, f"承办人已改为 {who}。")
            return redirect(detail, pk=case.pk)
    return render(
        request,
        "lifecycle/assign.html",
        {"case": case, "form": form, "detail": detail, "workflow": workflow},
    )


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def exit_assign(request, pk):
    return _assign(request, "exit", pk)


@requires(Action.CHANGE)
@require_http_methods(["GET", "POST"])
def stockland_assign(request, pk):
    return _assign(request, "stockland", pk)


urlpatterns = [
    path("exits/<int:pk>/assign/", exit_assign, name="exit_assign"),
    path("stockland/<int:pk>/assign/", stockland_assign, name="stockland_assign"),
]
