"""No back door: every model registered in Django admin is either read-only because a service
governs it, or plainly editable for a stated reason; no admin page answers 500.

The lists below are checked against ``admin.site._registry``: registering a new model without
deciding which it is fails ``test_every_registered_model_is_classified``.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from landcycle.core import uscc_exceptions
from landcycle.core.governed_admin import GovernedAdmin, GovernedInline
from landcycle.core.identifiers import uscc_with_check_digit
from landcycle.evaluation import review
from landcycle.evaluation import services as evaluation
from landcycle.imports.models import ImportBatch
from landcycle.jobs.models import Job
from landcycle.jobs.tasks import run_job
from landcycle.ledger.models import Building
from landcycle.ledger.services import move_jurisdiction
from landcycle.lifecycle import demo
from landcycle.lifecycle.services.calendar import seed_from_package
from tests.evaluation.conftest import YEAR, etown  # noqa: F401  (the fixture)
from tests.factories import JurisdictionFactory, ParcelFactory, ViolationFactory

LEDGER_REASON = "plain ledger record, every save change-logged (core.changelog); no state machine"
GOVERNED = {
    "imports.ImportBatch": "written by the import service while it runs",
    "evaluation.EvaluationRun": "draft → notice → final → corrected by landcycle.evaluation.services",
    "evaluation.EvaluationResult": "computed by a run; never edited by hand",
    "evaluation.Objection": "raised and answered during the notice through the evaluation service",
    "evaluation.ReviewDecision": "decided, confirmed by a second officer and carried into "
    "corrections by landcycle.evaluation.review (evidence checked and stored)",
    "lifecycle.CalendarYear": "a year is added whole (calendar add-year); deadlines depend on it",
    "lifecycle.Holiday": "part of a calendar year, replaced whole with it",
    "lifecycle.AdmissionApplication": "3-working-day assessment deadline, status machine",
    "lifecycle.ExitCase": "exit proceedings: states, deadlines, steps, notices, clawbacks",
    "lifecycle.SupervisionAgreement": "commitments in canonical units; expire/terminate rules",
    "lifecycle.StockLandCase": "identified by the rules, disposal state machine",
    "lifecycle.AvailableLandList": "draft → approved → published to the portal",
    "lifecycle.TaskTable": "imported whole from the street target table",
    "lifecycle.RenewalProject": "plan checks (FAR, 15 %/30 %) before approval, status machine",
    "lifecycle.EnterpriseMeasure": "counted by renewal progress; one per enterprise and kind",
    "lifecycle.ProjectLead": "first-talk rule: reassignment only after 3 months stalled",
    "jobs.Job": "queued, claimed once, run and cleaned up by landcycle.jobs.services",
    "django_tasks_database.DBTaskResult": "the queue: written by django-tasks and the worker",
}
EDITABLE = {
    "auth.User": "accounts and roles, Django's own admin",
    "auth.Group": "roles, Django's own admin",
    "authtoken.TokenProxy": "API tokens, issued and revoked by administrators",
    "core.UsccException": "its admin form calls core.uscc_exceptions.add/remove; read-only once added",
    "ledger.Jurisdiction": LEDGER_REASON,
    "ledger.Enterprise": LEDGER_REASON,
    "ledger.Person": LEDGER_REASON,
    "ledger.Parcel": LEDGER_REASON,
    "ledger.Lease": LEDGER_REASON,
    "ledger.IndicatorReport": LEDGER_REASON,
    "ledger.Violation": LEDGER_REASON,
    "ledger.Commitment": LEDGER_REASON,
    "ledger.Relation": LEDGER_REASON,
    "ledger.Building": LEDGER_REASON,
}
STATE_FIELDS = ("status", "state")
REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _stored(model, pk) -> dict:
    return model._base_manager.filter(pk=pk).values().first()


def _post_data(model, obj) -> dict:
    """The record as a change form would post it, with its state moved to another value."""
    data = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        value = field.value_from_object(obj)
        if value is None:
            value = ""
        data[field.name] = str(value)
    for name in STATE_FIELDS:
        field = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if field is not None and field.choices:
            current = getattr(obj, name)
            data[name] = next(v for v, _ in field.choices if v != current)
    return data


@pytest.fixture
def everything(etown, admin_user):  # noqa: F811
    """At least one row of every registered model, created through the services."""
    seed_from_package()  # a no-op after the data migration; needed under --nomigrations
    Building.objects.create(parcel=etown.a, name="1号厂房", floor_area_m2=8_000.0)
    # An open breach of contract leaves ET-B to review (复核结论 through the review service).
    ViolationFactory(parcel=etown.b, kind="breach_of_contract", found_on=dt.date(YEAR, 3, 1))
    run = evaluation.run_evaluation(YEAR)
    evidence = SimpleUploadedFile("核查.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    review.decide(run, etown.b.pk, "B", "核查记录", evidence, admin_user)
    evaluation.publish(run, start=dt.date.today() - dt.timedelta(days=2))
    run.refresh_from_db()
    evaluation.raise_objection(run, "ET-C", "出租园区有限公司", "已收回出租", on=run.notice_start)
    ImportBatch.objects.create(files=["台账.xlsx"], dry_run=True, status="validated")
    issued = uscc_with_check_digit("91330206710000000")
    wrong = issued[:-1] + ("0" if issued[-1] != "0" else "1")  # issued with a bad check digit
    uscc_exceptions.add(wrong, "公示系统核实", "管理员")
    Group.objects.create(name="街道经办人")
    Token.objects.create(user=admin_user)
    district = JurisdictionFactory(name="北仑区", kind="district")
    move_jurisdiction(etown.street, district)  # the demo works in one district
    etown.street.refresh_from_db()
    job = Job.objects.create(paths=["台账.xlsx"], dry_run=True)
    run_job.enqueue(str(job.pk))  # a queue row
    street = JurisdictionFactory(name="新碶街道", parent=district)
    for i in range(45):
        ParcelFactory(jurisdiction=street, agreed_start=dt.date(2022, 1, 1) if i % 5 else None)
    demo.populate(dt.date(2025, 11, 24))
    return etown


def test_every_registered_model_is_classified():
    registered = {model._meta.label for model, _ in REGISTRY}
    assert not set(GOVERNED) & set(EDITABLE)
    assert registered - set(GOVERNED) - set(EDITABLE) == set(), "classify the new admin model"
    assert set(GOVERNED) | set(EDITABLE) == registered, "a listed model is no longer registered"
    for model, model_admin in REGISTRY:
        governed = model._meta.label in GOVERNED
        assert isinstance(model_admin, GovernedAdmin) == governed, model._meta.label
        if governed:
            importlib.import_module(model_admin.service)  # names a real service module
            assert model_admin.actions is None
            for inline in model_admin.inlines:
                assert issubclass(inline, GovernedInline), (model._meta.label, inline)
        else:
            for inline in model_admin.inlines:  # a governed model never edited inline
                assert inline.model._meta.label not in GOVERNED
                assert inline.model._meta.app_label not in ("lifecycle", "evaluation")


def test_every_lifecycle_model_is_governed_or_not_in_the_admin():
    inline_models = {
        inline.model
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, GovernedAdmin)
        for inline in model_admin.inlines
    }
    for model in apps.get_app_config("lifecycle").get_models():
        shown = admin.site._registry.get(model)
        assert shown is None or isinstance(shown, GovernedAdmin), model
        if shown is None:  # shown inside its case, read-only, or not at all
            assert model in inline_models or not admin.site.is_registered(model)


@pytest.mark.django_db
def test_admin_pages_answer_and_governed_ones_refuse_writes(everything, admin_client):
    """One walk over the registry (the fixture is costly): every page of every model."""
    problems = []
    for model, model_admin in REGISTRY:
        problems += _check(admin_client, model, model_admin)
    assert problems == []


def _check(client, model, model_admin) -> list[str]:
    label = model._meta.label
    obj = model._base_manager.order_by("pk").first()
    if obj is None:
        return [f"{label}: no row in the fixture, its change page would go untested"]
    count = model._base_manager.count()
    problems = []

    def expect(status, response, what):
        if response.status_code not in status:
            problems.append(f"{label} {what}: HTTP {response.status_code}, expected {status}")
        return response

    expect((200,), client.get(_url(model, "changelist")), "GET changelist")
    if model_admin.search_fields:
        expect((200,), client.get(_url(model, "changelist"), {"q": "演示"}), "search")
    page = expect((200,), client.get(_url(model, "change", obj.pk)), "GET change")
    if label not in GOVERNED:
        expect((200,), client.get(_url(model, "add")), "GET add")
        return problems

    if b'name="_save"' in page.content:
        problems.append(f"{label}: a save button on a governed page")
    before = _stored(model, obj.pk)
    data = _post_data(model, obj)
    expect((403,), client.get(_url(model, "add")), "GET add")
    expect((403,), client.post(_url(model, "add"), data), "POST add")
    expect((403,), client.post(_url(model, "change", obj.pk), data), "POST change")
    expect((403,), client.get(_url(model, "delete", obj.pk)), "GET delete")
    expect((403,), client.post(_url(model, "delete", obj.pk), {"post": "yes"}), "POST delete")
    bulk = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    expect((200, 302), client.post(_url(model, "changelist"), bulk), "bulk delete")
    if model._base_manager.count() != count:
        problems.append(f"{label}: rows added or deleted")
    if _stored(model, obj.pk) != before:
        problems.append(f"{label}: stored state changed")
    return problems
