"""Generic views of the frame. ``StepView``: one step of a case workflow (record an assessment,
approve a list, serve a notice …), declared by the workflow rather than written again, in the
manner of NetBox's ``ObjectEditView``: the workflow names its model, its steps (label, actions,
form, service call), the template, the case page to return to and its service's refusal error.

The frame imports no app: everything app-specific comes in through those attributes and hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from landcycle.core.permissions import Action, restrict, scope_of


@dataclass(frozen=True)
class Step:
    """One step a workflow offers on a case.

    ``label``: its Chinese name (page title, success message); ``actions``: the actions that may
    take it, tried in this order — the first one the role has restricts the case's rows;
    ``form``: the form class reading the input; ``run(case, form, user)``: the service call,
    given the valid form; it raises the workflow's refusal error to refuse (nothing is kept:
    the call runs in a transaction).
    """

    label: str
    actions: tuple[Action, ...]
    form: type[forms.BaseForm]
    run: Callable[[models.Model, Any, Any], object]


class StepView(View):
    """GET shows the step's form; a valid POST calls the step's service inside a transaction and
    returns to the case page with a success message; a refusal (``refusal`` error) is shown on the
    form (or in the context as ``error``), and the case is read again.

    Answers, in this order: anonymous → login page; unknown step → 404; a role with none of the
    step's actions → 403; a method outside ``http_method_names`` → 405; a case outside the
    user's rows for that action → 404; ``role_refusal()`` → the template with ``refused``, 403.
    URL keyword arguments: ``pk`` (the case) and ``step`` (from the path, or fixed by the URL's
    extra kwargs for a page of one step).
    """

    model: ClassVar[type[models.Model]]
    steps: ClassVar[Mapping[str, Step]] = {}
    template_name: ClassVar[str] = ""
    context_object_name: ClassVar[str] = "object"
    success_route: ClassVar[str] = ""  # the case page, reversed with pk
    refusal: ClassVar[type[Exception]] = Exception
    error_on_form: ClassVar[bool] = True  # False: the refusal only as ``error`` in the context
    error_field: ClassVar[str | None] = None  # the field a refusal is shown on (None: the form)
    select_related: ClassVar[tuple[str, ...]] = ()
    invalid_status: ClassVar[int] = 200  # the answer's status when the form has errors
    http_method_names: ClassVar[list[str]] = ["get", "post"]

    def dispatch(self, request, *args, pk, step, **kwargs) -> HttpResponse:
        """Check who, which step and which case (see the class docstring), then handle it."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if step not in self.steps:
            raise Http404
        self.step_name, self.step = step, self.steps[step]
        scope = scope_of(request.user)
        self.action = next((a for a in self.step.actions if scope.can(a)), None)
        if self.action is None:
            raise PermissionDenied
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request)
        self.object = get_object_or_404(self.get_queryset(), pk=pk)
        refused = self.role_refusal()
        if refused:
            context = self.get_context_data(form=None, error="", refused=refused)
            return render(request, self.template_name, context, status=403)
        return self.handle()

    def get_queryset(self) -> models.QuerySet:
        """The cases the user may take this step on (restricted by the step's action)."""
        rows = restrict(self.model._default_manager.all(), self.request.user, self.action)
        return rows.select_related(*self.select_related) if self.select_related else rows

    def handle(self) -> HttpResponse:
        """Read the form; on a valid POST take the step; else show the form again."""
        request = self.request
        form = self.get_form(request.POST if request.method == "POST" else None)
        error = ""
        if form.is_bound and form.is_valid():
            try:
                with transaction.atomic():
                    self.result = self.step.run(self.object, form, request.user)
            except self.refusal as exc:
                error = str(exc)
                self.object.refresh_from_db()
                if self.error_on_form:
                    form.add_error(self.error_field, error)
            else:
                if done := self.success_message():
                    messages.success(request, done)
                return redirect(self.get_success_url())
        refused = self.state_refusal() if request.method == "GET" else ""
        context = self.get_context_data(form=form, error=error, refused=refused)
        status = self.invalid_status if form.is_bound and form.errors else 200
        return render(request, self.template_name, context, status=status)

    def get_form(self, data) -> forms.BaseForm:
        """The step's form, bound to ``data`` (None on GET), with ``get_form_kwargs()``."""
        return self.step.form(data, **self.get_form_kwargs())

    def get_form_kwargs(self) -> dict:
        """Extra keyword arguments of the step's form (the case, initial values …)."""
        return {}

    def role_refusal(self) -> str:
        """Why this user may not take this step on this case although the role may take it
        at all (answered 403 with the text as ``refused``); "" when nothing stands against it."""
        return ""

    def state_refusal(self) -> str:
        """On GET: why the case cannot take the step in its present state (shown as
        ``refused``, 200); "" when it can. The service still decides on POST."""
        return ""

    def success_message(self) -> str:
        """The message shown after the step was taken ("" for none); the service call's
        return value is ``self.result``."""
        return f"已记录：{self.step.label}"

    def get_success_url(self) -> str:
        """Where a step taken sends the user: the case page (``success_route``)."""
        return reverse(self.success_route, args=[self.object.pk])

    def case_context(self, form, error: str) -> dict:
        """What the template shows of the case besides the step (e.g. the whole case page with
        ``form`` in place of the step's blank form); nothing by default."""
        return {}

    def get_context_data(self, **context) -> dict:
        """``case_context()``, the case (as ``context_object_name``), ``step`` (its name),
        ``label`` and ``title`` (its label), and ``context`` (form, error, refused)."""
        label = self.step.label
        return {
            **self.case_context(context["form"], context["error"]),
            self.context_object_name: self.object,
            "step": self.step_name,
            "label": label,
            "title": label,
            **context,
        }
