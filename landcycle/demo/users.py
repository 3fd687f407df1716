"""Demo users, one or more per role, with known passwords (for ``landcycle demo``)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from landcycle.ledger import models as ledger
from landcycle.web.models import Profile, Role

DEMO_PASSWORD = "landcycle-demo"


@transaction.atomic
def create_demo_users(password: str = DEMO_PASSWORD) -> list[dict]:
    """Create (or reset) demo users for every role; returns their names, roles and passwords.

    Street officers get the first two streets (or towns) that have parcels; the enterprise
    user gets the holder of the largest parcel.
    """
    User = get_user_model()
    streets = list(
        ledger.Jurisdiction.objects.filter(parcels__isnull=False).distinct().order_by("path")[:2]
    )
    holder_id = (
        ledger.Parcel.objects.filter(holder__isnull=False)
        .order_by("-registered_area_m2")
        .values_list("holder_id", flat=True)
        .first()
    )
    wanted = [
        ("admin", Role.ADMINISTRATOR, None, None),
        ("evaluator", Role.EVALUATION_OFFICER, None, None),
        ("reader", Role.DEPARTMENT_READER, None, None),
    ]
    for i, street in enumerate(streets, start=1):
        wanted.append((f"street{i}", Role.STREET_OFFICER, street, None))
    if holder_id:
        wanted.append(("enterprise", Role.ENTERPRISE_USER, None, holder_id))
    created = []
    for username, role, jurisdiction, enterprise_id in wanted:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={"role": role, "jurisdiction": jurisdiction, "enterprise_id": enterprise_id},
        )
        scope = jurisdiction.name if jurisdiction else ""
        if enterprise_id:
            scope = ledger.Enterprise.objects.get(pk=enterprise_id).name
        created.append(
            {"username": username, "password": password, "role": role.label, "scope": scope}
        )
    return created
