import pytest
from django.contrib import admin

from landcycle.lifecycle import demo, models
from tests.factories import JurisdictionFactory, ParcelFactory

from .conftest import d


@pytest.mark.django_db
def test_every_lifecycle_admin_page_renders(admin_client, calendar):
    street = JurisdictionFactory(
        name="新碶街道", parent=JurisdictionFactory(name="北仑区", kind="district")
    )
    for i in range(45):
        ParcelFactory(jurisdiction=street, agreed_start=d("2022-01-01") if i % 5 == 0 else None)
    demo.populate(d("2025-11-24"))
    registered = [m for m in admin.site._registry if m._meta.app_label == "lifecycle"]
    assert len(registered) >= 11
    for model in registered:
        opts = model._meta
        response = admin_client.get(f"/admin/lifecycle/{opts.model_name}/")
        assert response.status_code == 200, opts.model_name
        first = model.objects.order_by("pk").first()
        if first is not None:
            response = admin_client.get(f"/admin/lifecycle/{opts.model_name}/{first.pk}/change/")
            assert response.status_code == 200, opts.model_name
    assert models.ExitCase.objects.exists()


@pytest.mark.django_db
def test_cases_cannot_be_added_in_the_admin(admin_client, calendar):
    """The reported back doors: an exit case added there answered 500, an application got no
    assessment deadline. Both adds are refused now, and nothing is written."""
    parcel = ParcelFactory()
    exit_case = {
        "enterprise": parcel.holder_id,
        "parcel": parcel.pk,
        "jurisdiction": parcel.jurisdiction_id,
        "trigger": "not_producing",
        "facts": "停产",
        "verified_on": "2025-03-03",
        "state": "exited",
    }
    application = {
        "enterprise_name": "后门企业",
        "jurisdiction": parcel.jurisdiction_id,
        "industry_field": "medical_devices",
        "supply_method": "tender_auction",
        "land_area_m2": "20000",
        "planned_investment_10k_cny": "22000",
        "received_on": "2025-03-07",
        "status": "approved",
    }
    for model, data in ((models.ExitCase, exit_case), (models.AdmissionApplication, application)):
        url = f"/admin/lifecycle/{model._meta.model_name}/add/"
        assert admin_client.get(url).status_code == 403
        assert admin_client.post(url, data).status_code == 403
        assert not model.objects.exists()


@pytest.mark.django_db
def test_a_case_page_shows_its_steps_read_only(admin_client, calendar):
    from landcycle.lifecycle.services import exits

    parcel = ParcelFactory()
    case = exits.open_case(
        enterprise=parcel.holder,
        parcel=parcel,
        trigger="not_producing",
        facts="停产超过一年",
        verified_on=d("2025-03-03"),
        actor_name="李科长",
        calendar=calendar,
    )
    exits.transition(case, "interview", on=d("2025-03-20"), actor_name="李科长", calendar=calendar)
    page = admin_client.get(f"/admin/lifecycle/exitcase/{case.pk}/change/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "李科长" in text and "停产超过一年" in text
    assert 'name="_save"' not in text and 'name="steps-0-note"' not in text
    listing = admin_client.get("/admin/lifecycle/exitcase/").content.decode()
    assert "landcycle.lifecycle.services.exits" in listing
    assert "/admin/lifecycle/exitcase/add/" not in listing
    before = models.ExitCase.objects.values().get(pk=case.pk)
    response = admin_client.post(
        f"/admin/lifecycle/exitcase/{case.pk}/change/", {"state": "exited", "facts": "改"}
    )
    assert response.status_code == 403
    assert models.ExitCase.objects.values().get(pk=case.pk) == before
    assert models.ExitCase.objects.get(pk=case.pk).state == "interviewed"
