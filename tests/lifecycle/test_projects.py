import pytest

from landcycle.lifecycle.services import LifecycleError
from landcycle.lifecycle.services.projects import close, reassign, record_progress, stalled
from tests.factories import JurisdictionFactory

from .conftest import d
from .factories import ProjectLeadFactory

pytestmark = pytest.mark.django_db


def test_three_months_without_substantive_progress_raise_an_alert():
    project = ProjectLeadFactory(first_talk_on=d("2025-01-31"))
    record_progress(project, on=d("2025-03-01"), note="初步接触", substantive=False)
    assert stalled(d("2025-04-29")) == []  # 31 Jan + 3 months = 30 Apr
    [alert] = stalled(d("2025-04-30"))
    assert alert.project == project and alert.due == d("2025-04-30")
    record_progress(project, on=d("2025-04-15"), note="签订投资意向书", substantive=True)
    assert stalled(d("2025-07-14")) == []
    assert stalled(d("2025-07-15"))[0].since == d("2025-04-15")


def test_scope_is_one_yi_yuan_or_strategic():
    ProjectLeadFactory(total_investment_10k_cny=9_999, first_talk_on=d("2024-01-01"))
    at_threshold = ProjectLeadFactory(
        total_investment_10k_cny=10_000, first_talk_on=d("2024-01-01")
    )
    strategic = ProjectLeadFactory(
        total_investment_10k_cny=500, strategic=True, first_talk_on=d("2024-01-01")
    )
    assert {a.project for a in stalled(d("2025-01-01"))} == {at_threshold, strategic}


def test_reassignment_only_after_stalling_and_to_another_district():
    project = ProjectLeadFactory(first_talk_on=d("2025-01-10"))
    other = JurisdictionFactory(name="顺义区")
    with pytest.raises(LifecycleError, match="未满3个月"):
        reassign(project, to=other, on=d("2025-03-01"))
    with pytest.raises(LifecycleError, match="另一个"):
        reassign(project, to=project.leading_district, on=d("2025-05-01"))
    reassign(project, to=other, on=d("2025-05-01"))
    assert project.status == "reassigned" and project.reassigned_to == other
    with pytest.raises(LifecycleError):
        record_progress(project, on=d("2025-05-02"), note="x", substantive=True)
    assert stalled(d("2026-01-01")) == []


def test_landed_project_is_closed():
    project = ProjectLeadFactory()
    close(project, landed=True, on=d("2025-02-01"))
    assert project.status == "landed"
    with pytest.raises(LifecycleError):
        close(project, landed=False, on=d("2025-02-02"))
