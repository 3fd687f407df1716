"""The frame's generic step view (landcycle.web.generic.StepView), on a step of its own over
parcels: who may take it, which rows, what a refusal keeps (nothing), what success does.
Every lifecycle workflow and the run's publish/finalize pages are StepViews; their own tests
show each workflow's steps."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.urls import path, reverse

from landcycle import urls as project_urls
from landcycle.core.permissions import Action
from landcycle.ledger.models import Parcel
from landcycle.web.generic import Step, StepView
from tests.web.conftest import client_for


class Refused(Exception):
    pass


class RenameForm(forms.Form):
    name = forms.CharField(max_length=50)


def rename(parcel, form, user):
    """Writes first, then refuses a name "拒绝": the step's transaction must undo the write."""
    parcel.name = form.cleaned_data["name"]
    parcel.save()
    if parcel.name == "拒绝":
        raise Refused("不能改为此名称")
    return parcel


class RenameStep(StepView):
    model = Parcel
    steps = {
        "rename": Step("改名", (Action.HANDLE,), RenameForm, rename),
        "publish": Step("公开", (Action.PUBLISH,), RenameForm, rename),
    }
    template_name = "web/_pages.html"  # any template: the tests read the context
    context_object_name = "parcel"
    success_route = "ledger:parcel_detail"
    refusal = Refused

    def role_refusal(self):
        return "此宗地已锁定" if self.object.name == "锁定" else ""


class BadFormIs400(RenameStep):
    invalid_status = 400


class RefusalOnTheField(RenameStep):
    error_field = "name"


urlpatterns = [
    *project_urls.urlpatterns,
    path("generic-step/<int:pk>/<str:step>/", RenameStep.as_view(), name="generic_step"),
    path("generic-400/<int:pk>/", BadFormIs400.as_view(), {"step": "rename"}, name="generic_400"),
    path("generic-field/<int:pk>/", RefusalOnTheField.as_view(), {"step": "rename"}, name="field"),
]

pytestmark = pytest.mark.urls(__name__)


def _url(parcel, step="rename"):
    return reverse("generic_step", args=[parcel.pk, step])


def test_get_shows_the_form_with_the_case_and_the_step(world):
    response = client_for(world.users["street_officer"]).get(_url(world.parcel_a))
    assert response.status_code == 200
    context = response.context
    assert context["parcel"] == world.parcel_a
    assert (context["step"], context["label"], context["title"]) == ("rename", "改名", "改名")
    assert isinstance(context["form"], RenameForm) and not context["form"].is_bound


def test_who_may_take_it_and_on_which_rows(world, client):
    parcel = world.parcel_a
    assert client.get(_url(parcel)).status_code == 302  # anonymous → login
    assert "login" in client.get(_url(parcel))["Location"]
    officer = client_for(world.users["street_officer"])
    assert officer.get(_url(parcel, "nonsense")).status_code == 404
    assert officer.get(_url(parcel, "publish")).status_code == 403  # no PUBLISH
    assert client_for(world.users["department_reader"]).get(_url(parcel)).status_code == 403
    assert officer.put(_url(parcel)).status_code == 405
    assert officer.get(_url(world.parcel_b)).status_code == 404  # another street's parcel
    assert client_for(world.users["administrator"]).get(_url(world.parcel_b)).status_code == 200


def test_a_step_taken_calls_the_service_and_returns_to_the_case(world):
    officer = client_for(world.users["street_officer"])
    response = officer.post(_url(world.parcel_a), {"name": "新名称"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:parcel_detail", args=[world.parcel_a.pk])
    assert Parcel.objects.get(pk=world.parcel_a.pk).name == "新名称"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["已记录：改名"]


def test_a_refusal_is_shown_on_the_form_and_nothing_is_kept(world):
    before = Parcel.objects.get(pk=world.parcel_a.pk).name
    officer = client_for(world.users["street_officer"])
    response = officer.post(_url(world.parcel_a), {"name": "拒绝"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["不能改为此名称"]
    assert response.context["error"] == "不能改为此名称"
    assert response.context["parcel"].name == before  # the case read again
    assert Parcel.objects.get(pk=world.parcel_a.pk).name == before  # the write was undone


def test_a_refusal_may_be_shown_on_a_field(world):
    officer = client_for(world.users["street_officer"])
    response = officer.post(reverse("field", args=[world.parcel_a.pk]), {"name": "拒绝"})
    form = response.context["form"]
    assert form.errors["name"] == ["不能改为此名称"] and not form.non_field_errors()


def test_an_invalid_form_changes_nothing_and_may_answer_400(world):
    officer = client_for(world.users["street_officer"])
    before = Parcel.objects.get(pk=world.parcel_a.pk).name
    assert officer.post(_url(world.parcel_a), {}).status_code == 200
    response = officer.post(reverse("generic_400", args=[world.parcel_a.pk]), {})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert Parcel.objects.get(pk=world.parcel_a.pk).name == before


def test_role_refusal_answers_403_with_the_reason_and_runs_nothing(world):
    world.parcel_a.name = "锁定"
    world.parcel_a.save()
    officer = client_for(world.users["street_officer"])
    response = officer.post(_url(world.parcel_a), {"name": "新名称"})
    assert response.status_code == 403
    assert response.context["refused"] == "此宗地已锁定"
    assert Parcel.objects.get(pk=world.parcel_a.pk).name == "锁定"
