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


def test_register_a_project_talking_with_its_leading_district():
    from landcycle.lifecycle.models import ProjectLead
    from landcycle.lifecycle.services.projects import register

    district = JurisdictionFactory(name="门头沟区", kind="district")
    project = register(
        name=" 集成电路封测基地 ",
        total_investment_10k_cny=120_000,
        leading_district=district,
        first_talk_on=d("2025-01-10"),
        investor="某集团",
    )
    stored = ProjectLead.objects.get(pk=project.pk)
    assert stored.name == "集成电路封测基地" and stored.status == ProjectLead.Status.TALKING
    assert stored.total_investment_10k_cny == 120_000 and stored.leading_district == district
    assert [a.project for a in stalled(d("2025-04-10"))] == [stored]


def test_register_refuses_each_bad_field_and_writes_nothing():
    from landcycle.lifecycle.models import ProjectLead
    from landcycle.lifecycle.services.projects import register

    with pytest.raises(LifecycleError) as info:
        register(name=" ", total_investment_10k_cny=-1, leading_district=None, first_talk_on=None)
    for words in ("项目名称为空", "总投资", "首谈区", "认定日期"):
        assert words in str(info.value)
    assert not ProjectLead.objects.exists()
