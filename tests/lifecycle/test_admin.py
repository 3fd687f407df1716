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
