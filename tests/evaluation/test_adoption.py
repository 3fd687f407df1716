"""The adopted policy (采用政策): adoption, refusal after final, and which run is current."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from landcycle.core.context import changes_by
from landcycle.core.models import ChangeRecord
from landcycle.evaluation import adoption, services
from landcycle.evaluation.models import EvaluationResult, PolicyAdoption
from landcycle.ledger.models import Jurisdiction
from tests import factories as f
from tests.web.factories import EvaluationResultFactory, EvaluationRunFactory, UserFactory

pytestmark = pytest.mark.django_db

ETOWN, MUJUN, HUAIAN = "beijing-etown-2023", "zhejiang-mujun", "jiangsu-huaian-2024"
NOW = timezone.now()


def final_run(year, policy, minutes=0, **kw):
    return EvaluationRunFactory(
        year=year,
        policy_name=policy,
        status="final",
        finalized_at=NOW + dt.timedelta(minutes=minutes),
        **kw,
    )


@pytest.fixture
def zone(db):
    district = f.JurisdictionFactory(name="北仑区", kind=Jurisdiction.Kind.DISTRICT)
    f.JurisdictionFactory(name="新碶街道", parent=district)
    return district


def test_adopt_records_who_when_why_in_the_change_log(zone):
    user = UserFactory(username="chief")
    with changes_by(user_id=user.pk, source="test"):
        adopted = adoption.adopt(2025, MUJUN, "浙江亩均论英雄")
    stored = PolicyAdoption.objects.get()
    assert (stored.zone, stored.year, stored.policy_name) == (zone, 2025, MUJUN)
    assert stored.reason == "浙江亩均论英雄" and stored.adopted_by == user
    assert abs((stored.adopted_at - timezone.now()).total_seconds()) < 60
    assert adopted.pk == stored.pk
    adoption_type = ContentType.objects.get_for_model(PolicyAdoption)
    record = ChangeRecord.objects.get(content_type=adoption_type, object_id=stored.pk)
    assert record.user_id == user.pk and record.after["policy_name"] == MUJUN
    assert record.actor_name == "chief"

    adoption.adopt(2025, ETOWN, "改用开发区标准")  # no run is final yet: may change
    stored.refresh_from_db()
    assert stored.policy_name == ETOWN and stored.reason == "改用开发区标准"
    assert PolicyAdoption.objects.count() == 1
    changes = ChangeRecord.objects.filter(
        content_type=adoption_type, object_id=stored.pk, action="update"
    )
    assert changes.get().before["policy_name"] == MUJUN


@pytest.mark.parametrize(
    ("year", "policy", "reason", "message"),
    [
        (2025, "no-such-policy", "理由", "no-such-policy"),
        (2025, MUJUN, "  ", "请填写采用理由"),
        (20250, MUJUN, "理由", "不合理"),
    ],
)
def test_bad_adoptions_are_refused_and_write_nothing(zone, year, policy, reason, message):
    with pytest.raises(services.EvaluationError, match=message):
        adoption.adopt(year, policy, reason)
    assert not PolicyAdoption.objects.exists()


def test_a_street_or_an_unnamed_zone_among_several_is_refused(zone):
    street = Jurisdiction.objects.get(name="新碶街道")
    with pytest.raises(services.EvaluationError, match="不是辖区"):
        adoption.adopt(2025, MUJUN, "理由", zone=street)
    f.JurisdictionFactory(name="另一区", kind=Jurisdiction.Kind.DISTRICT)
    with pytest.raises(services.EvaluationError, match="有多个辖区"):
        adoption.adopt(2025, MUJUN, "理由")
    with pytest.raises(services.EvaluationError, match="没有名为"):
        adoption.find_zone("不存在区")
    assert adoption.find_zone("北仑区") == zone
    assert not PolicyAdoption.objects.exists()


def test_change_is_refused_once_the_adopted_run_is_final(zone):
    adoption.adopt(2025, MUJUN, "亩均")
    run = final_run(2025, MUJUN)
    with pytest.raises(services.TransitionError, match="不能再改采用政策") as refused:
        adoption.adopt(2025, ETOWN, "改")
    assert f"#{run.pk}" in str(refused.value)
    assert PolicyAdoption.objects.get().policy_name == MUJUN
    # adopting the same policy again changes nothing and is not refused
    assert adoption.adopt(2025, MUJUN, "再次").reason == "亩均"
    # a final what-if of another policy does not lock the adoption of a year
    final_run(2026, ETOWN)
    adoption.adopt(2026, MUJUN, "亩均")
    assert PolicyAdoption.objects.get(year=2026).policy_name == MUJUN


def test_without_adoption_the_first_final_policy_counts_and_locks_the_year(zone):
    first = final_run(2024, ETOWN, minutes=0)
    final_run(2024, MUJUN, minutes=5)  # finalized later: a what-if
    assert [c.run for c in services.current_runs()] == [first]
    assert not services.current_runs()[0].adopted
    with pytest.raises(services.TransitionError, match="beijing-etown-2023"):
        adoption.adopt(2024, MUJUN, "改")
    # a year with nothing final: the CLI default policy
    assert adoption.PolicyBook().adopted(zone.pk, 2030).policy_name == services.DEFAULT_POLICY


def test_current_run_follows_the_adoption_not_the_newest_final(zone):
    adoption.adopt(2024, MUJUN, "亩均")
    adopted = final_run(2024, MUJUN, minutes=0)
    what_if = final_run(2024, ETOWN, minutes=10)  # newer, another policy
    later_what_if = final_run(2025, ETOWN, minutes=20)  # newer year, not adopted
    found = services.current_runs()
    assert [(c.zone, c.run, c.adopted) for c in found] == [(zone, adopted, True)]
    assert services.current_runs(year=2025) == []
    assert [c.run for c in services.current_runs(year=2024)] == [adopted]
    assert adoption.what_if_ids([adopted, what_if, later_what_if]) == {what_if.pk, later_what_if.pk}
    # a correction of the adopted run, once final, is the current run
    correction = final_run(2024, MUJUN, minutes=30, corrects=adopted)
    adopted.status = "superseded"
    adopted.save()
    assert [c.run for c in services.current_runs()] == [correction]


def test_each_zone_reads_its_own_adopted_run(zone):
    other = f.JurisdictionFactory(name="宁海县", kind=Jurisdiction.Kind.DISTRICT)
    street_1 = Jurisdiction.objects.get(name="新碶街道")
    street_2 = f.JurisdictionFactory(name="跃龙街道", parent=other)
    p1 = f.ParcelFactory(code="BL-1", jurisdiction=street_1)
    p2 = f.ParcelFactory(code="NH-1", jurisdiction=street_2)
    adoption.adopt(2024, MUJUN, "亩均", zone=zone)
    adoption.adopt(2024, ETOWN, "试行", zone=other)
    mujun, etown = final_run(2024, MUJUN), final_run(2024, ETOWN, minutes=1)
    for run, klass in ((mujun, "A"), (etown, "D")):
        for p in (p1, p2):
            EvaluationResultFactory(run=run, parcel=p, klass=f"{klass}")
    found = services.current_runs()
    assert {c.zone.name: c.run for c in found} == {"北仑区": mujun, "宁海县": etown}
    q = adoption.current_results_q(found)
    classes = dict(EvaluationResult.objects.filter(q).values_list("parcel_code", "klass"))
    assert classes == {"BL-1": "A", "NH-1": "D"}
    assert [c.run for c in services.current_runs(zone=street_2)] == [etown]
    assert adoption.what_if_ids([mujun, etown]) == set()


def test_reading_requests_share_the_book_until_a_run_or_adoption_changes(
    zone, django_assert_num_queries
):
    from landcycle.web import cache

    adoption.adopt(2024, MUJUN, "亩均")
    adopted = final_run(2024, MUJUN)
    what_if = final_run(2024, ETOWN, minutes=10)
    with cache.request_scope():
        # data version, runs' signature, then the book (adoptions, runs) and the zones
        with django_assert_num_queries(5):
            assert [c.run for c in services.current_runs()] == [adopted]
            assert adoption.what_if_ids([adopted, what_if]) == {what_if.pk}
            assert [c.run for c in services.current_runs()] == [adopted]
    with cache.request_scope():  # the next request: the two version queries only
        with django_assert_num_queries(2):
            assert [c.run for c in services.current_runs()] == [adopted]
            assert adoption.what_if_ids([adopted, what_if]) == {what_if.pk}
    # a new final run, or a status changed even without the services (no change record),
    # shows at once
    correction = final_run(2024, MUJUN, minutes=30, corrects=adopted)
    with cache.request_scope():
        assert [c.run for c in services.current_runs()] == [correction]
    correction.status = "superseded"
    correction.save()
    with cache.request_scope():
        assert [c.run for c in services.current_runs()] == [adopted]
    # an adoption is change-logged: a new data version
    adoption.adopt(2025, ETOWN, "试行")
    newer = final_run(2025, ETOWN, minutes=40)
    with cache.request_scope():
        assert [c.run for c in services.current_runs()] == [newer]
        assert adoption.what_if_ids([adopted, newer]) == set()
    # outside a request every call reads afresh
    with django_assert_num_queries(3):
        assert [c.run for c in services.current_runs()] == [newer]
