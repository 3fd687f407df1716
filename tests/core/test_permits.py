"""``permits(user, action, obj)``: the answer of ``restrict`` for one stored row, without a
query where no row filter applies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from landcycle.core.permissions import Action, permits, restrict
from landcycle.evaluation.models import EvaluationRun
from landcycle.ledger.models import Parcel

pytestmark = pytest.mark.django_db


def _restricted(user, action, obj) -> bool:
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def test_permits_answers_as_restrict_for_every_role_action_and_row(world):
    rows = [world.parcel_a, world.parcel_b, world.parcel_free, world.run_final, world.run_draft]
    answers = {}
    for role, user in world.users.items():
        for action in Action:
            for obj in rows:
                answer = permits(user, action, obj)
                assert answer == _restricted(user, action, obj), (role, action, obj)
                answers[(role, action, str(obj))] = answer
    # what the equivalence rests on, stated for the roles that differ
    assert answers[("street_officer", Action.HANDLE, str(world.parcel_a))]
    assert not answers[("street_officer", Action.HANDLE, str(world.parcel_b))]
    assert not answers[("department_reader", Action.VIEW, str(world.run_draft))]
    assert answers[("evaluation_officer", Action.VIEW, str(world.run_draft))]
    assert not answers[("enterprise_user", Action.HANDLE, str(world.parcel_a))]


def test_zone_wide_roles_need_no_query_unless_rows_are_published(world):
    officer = world.users["evaluation_officer"]
    reader = world.users["department_reader"]
    permits(officer, Action.VIEW, world.parcel_a)  # the scope is read once per user object
    permits(reader, Action.VIEW, world.parcel_a)
    with CaptureQueriesContext(connection) as queries:
        assert permits(officer, Action.HANDLE, world.parcel_b)
        assert permits(reader, Action.VIEW, world.parcel_b)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert not permits(reader, Action.VIEW, world.run_draft)  # runs hide unpublished ones
    assert len(queries) == 1
    street = world.users["street_officer"]
    permits(street, Action.VIEW, world.parcel_a)
    with CaptureQueriesContext(connection) as queries:
        assert not permits(street, Action.VIEW, world.parcel_b)
    assert len(queries) == 1
    assert Parcel.objects.filter(pk=world.parcel_b.pk).exists()
    assert EvaluationRun.objects.filter(pk=world.run_draft.pk).exists()
