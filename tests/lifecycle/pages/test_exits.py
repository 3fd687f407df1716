"""Exit-proceedings pages: every step through the forms, refusals shown on the page, stored values."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse

from landcycle.lifecycle.models import Clawback, ExitCase
from landcycle.lifecycle.services import exits
from landcycle.lifecycle.services.calendar import seed_from_package
from landcycle.lifecycle.workcalendar import add_months
from tests.web.conftest import client_for

TODAY = dt.date.today()
VERIFIED = TODAY - dt.timedelta(days=400)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "documents"
    seed_from_package()
    return settings.MEDIA_ROOT


def step_url(case, step):
    return reverse("lifecycle:exit_step", args=[case.pk, step])


def post_step(client, case, step, **data):
    payload = {"on": "", "document_number": "", "note": "", "confirm": "on", **data}
    return client.post(step_url(case, step), {k: v for k, v in payload.items() if v is not None})


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def open_case(world, who="street_officer"):
    client = client_for(world.users[who])
    response = client.post(
        reverse("lifecycle:exit_new"),
        {
            "parcel_code": "A-0001",
            "enterprise": "",
            "trigger": "unauthorised_disposal",
            "verified_on": VERIFIED.isoformat(),
            "facts": "擅自出租厂房给乙租户",
            "confirm": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ExitCase.objects.get(facts="擅自出租厂房给乙租户")


def test_street_officer_opens_a_case_with_its_interview_notice(world, media):
    case = open_case(world)
    assert case.enterprise == world.ent_a and case.parcel == world.parcel_a
    assert case.jurisdiction == world.street_a and case.state == "verified"
    assert case.verified_on == VERIFIED
    assert case.interview_due >= VERIFIED + dt.timedelta(days=30)  # 30 days, rolled past a holiday
    assert case.interview_due <= VERIFIED + dt.timedelta(days=33)
    assert case.assigned_to == world.users["street_officer"]
    step = case.steps.get()
    assert step.actor == world.users["street_officer"] and step.actor_name == "street_a"
    assert "约谈通知书" in step.document_title
    # the notice is downloadable by the enterprise it is addressed to, as a real .docx
    response = client_for(world.users["enterprise_user"]).get(
        reverse("lifecycle:exit_document", args=[step.pk])
    )
    assert response.status_code == 200
    text = docx_text(b"".join(response.streaming_content))
    assert "约谈通知书" in text and "甲制造有限公司" in text
    # ... and it is on the case's and the parcel's file (一地一档), who and when with it
    notice = step.notice
    assert (notice.exit_case, notice.parcel, notice.kind) == (case, world.parcel_a, "notice")
    assert notice.uploaded_by == world.users["street_officer"]
    enterprise = client_for(world.users["enterprise_user"])
    for url in (
        reverse("lifecycle:exit_detail", args=[case.pk]),
        reverse("ledger:parcel_detail", args=[world.parcel_a.pk]),
    ):
        page = enterprise.get(url).content.decode()
        assert f'data-document="{notice.pk}"' in page and "约谈通知书" in page, url


def test_a_parcel_outside_the_street_is_refused_on_the_form(world, media):
    client = client_for(world.users["street_officer"])
    response = client.post(
        reverse("lifecycle:exit_new"),
        {
            "parcel_code": "B-0001",
            "trigger": "unauthorised_disposal",
            "verified_on": VERIFIED.isoformat(),
            "facts": "x",
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    assert "宗地代码「B-0001」不存在，或不在您负责的区域内" in response.content.decode()
    assert not ExitCase.objects.exists()


def test_a_whole_exit_through_the_pages(world, media):
    case = open_case(world)
    street = client_for(world.users["street_officer"])
    zone = client_for(world.users["evaluation_officer"])
    interview_on = VERIFIED + dt.timedelta(days=10)
    assert post_step(street, case, "interview", on=interview_on.isoformat()).status_code == 302
    case.refresh_from_db()
    assert case.state == "interviewed"
    interview = case.steps.get(to_state="interviewed")
    assert interview.on == interview_on and interview.late is False

    # a street officer may not issue the written notice: refused, shown, nothing stored
    response = post_step(street, case, "rectification_notice", on=interview_on.isoformat())
    assert response.status_code == 403
    assert "此步骤须由园区管委会经办人员" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "interviewed"

    notice_on = interview_on + dt.timedelta(days=5)
    response = post_step(
        zone,
        case,
        "rectification_notice",
        on=notice_on.isoformat(),
        document_number="门园〔2025〕1号",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "rectification"
    assert case.rectification_due >= add_months(notice_on, 6)
    step = case.steps.get(to_state="rectification")
    assert step.document_number == "门园〔2025〕1号" and step.notice
    assert "限期整改通知书" in docx_text(step.notice.file.read())

    # the exit notice before the six months have run: the service's refusal on the page
    early = notice_on + dt.timedelta(days=30)
    response = post_step(zone, case, "exit_notice", on=early.isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能办理" in page and "未届满" in page
    case.refresh_from_db()
    assert case.state == "rectification" and case.exit_due is None

    exit_on = case.rectification_due
    assert post_step(zone, case, "exit_notice", on=exit_on.isoformat()).status_code == 302
    case.refresh_from_db()
    assert case.state == "exit_notice" and case.exit_due >= add_months(exit_on, 3)
    assert case.steps.get(to_state="exit_notice").notice.kind == "notice"

    # completing the exit needs the contract terminated and the clawbacks listed
    done_on = min(case.exit_due, TODAY)
    response = post_step(zone, case, "complete_exit", on=done_on.isoformat(), **_no_clawbacks())
    assert "退出完成须解除出让合同" in response.content.decode()
    response = post_step(
        zone, case, "complete_exit", on=done_on.isoformat(), contract_terminated="on",
        **_no_clawbacks(),
    )  # fmt: skip
    assert "列明" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "exit_notice" and not case.clawbacks.exists()
    response = post_step(
        zone,
        case,
        "complete_exit",
        on=done_on.isoformat(),
        contract_terminated="on",
        **_clawbacks(
            [("subsidy", "入园建设补贴", "2022-05-01", "150.5"), ("honour", "重点企业", "", "")]
        ),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "exited" and case.closed_on == done_on and case.contract_terminated
    rows = list(
        case.clawbacks.order_by("id").values_list(
            "kind", "description", "granted_on", "amount_10k_cny"
        )
    )
    assert rows == [
        ("subsidy", "入园建设补贴", dt.date(2022, 5, 1), 150.5),
        ("honour", "重点企业", None, None),
    ]
    detail = zone.get(reverse("lifecycle:exit_detail", args=[case.pk])).content.decode()
    for text in (
        "记录约谈",
        "书面通知整改",
        "书面通知限期退出",
        "完成退出",
        "按期",
        "入园建设补贴",
    ):
        assert text in detail
    assert detail.count("下载 Word") == 3  # interview, rectification and exit notices
    # a closed case offers no step; asking for one says why
    response = zone.get(step_url(case, "interview"))
    assert "案件处于「已退出」，不能办理「记录约谈」" in response.content.decode()


def _no_clawbacks():
    return {"clawback-TOTAL_FORMS": "3", "clawback-INITIAL_FORMS": "0"}


def _clawbacks(items):
    data = {"clawback-TOTAL_FORMS": str(len(items)), "clawback-INITIAL_FORMS": "0"}
    for i, (kind, description, granted, amount) in enumerate(items):
        data.update(
            {
                f"clawback-{i}-kind": kind,
                f"clawback-{i}-description": description,
                f"clawback-{i}-granted_on": granted,
                f"clawback-{i}-amount_10k_cny": amount,
            }
        )
    return data


def test_closed_as_corrected_and_late_interview_shown(world, media):
    case = exits.open_case(
        enterprise=world.ent_a, parcel=world.parcel_a, trigger="not_producing", facts="未投产",
        verified_on=VERIFIED, actor_name="核查人",
    )  # fmt: skip
    zone = client_for(world.users["administrator"])
    late = case.interview_due + dt.timedelta(days=3)
    assert post_step(zone, case, "interview", on=late.isoformat()).status_code == 302
    assert (
        post_step(
            zone,
            case,
            "close_corrected",
            on=(late + dt.timedelta(days=9)).isoformat(),
            note="已投产",
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.state == "closed_corrected" and case.closed_on == late + dt.timedelta(days=9)
    assert case.steps.get(to_state="interviewed").late is True
    detail = zone.get(reverse("lifecycle:exit_detail", args=[case.pk])).content.decode()
    assert "逾期" in detail and "已整改结案" in detail


def test_unconfirmed_or_future_steps_are_refused(world, media):
    case = open_case(world)
    client = client_for(world.users["street_officer"])
    response = post_step(client, case, "interview", on=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "晚于今天" in response.content.decode()
    response = post_step(client, case, "interview", on=VERIFIED.isoformat(), confirm=None)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == "verified" and case.steps.count() == 1


def test_list_filters(world, media):
    a = exits.open_case(
        enterprise=world.ent_a, parcel=world.parcel_a, trigger="not_producing", facts="甲案",
        verified_on=VERIFIED, actor_name="x", assigned_to=world.users["street_officer"],
    )  # fmt: skip
    b = exits.open_case(
        enterprise=world.ent_b, parcel=world.parcel_b, trigger="illegal_operation", facts="乙案",
        verified_on=TODAY, actor_name="x", assigned_to=world.users["evaluation_officer"],
    )  # fmt: skip
    exits.transition(b, "interview", on=TODAY, actor_name="x")
    client = client_for(world.users["department_reader"])
    url = reverse("lifecycle:exit_list")

    def shown(**query):
        page = client.get(url, query).content.decode()
        return {name for name in ("甲制造有限公司", "乙化工有限公司") if name in page}

    assert shown() == {"甲制造有限公司", "乙化工有限公司"}
    assert shown(state="interviewed") == {"乙化工有限公司"}
    assert shown(jurisdiction=world.street_a.pk) == {"甲制造有限公司"}
    assert shown(officer=world.users["evaluation_officer"].pk) == {"乙化工有限公司"}
    assert shown(due_by=TODAY.isoformat()) == {"甲制造有限公司"}  # its interview is overdue
    assert "已逾期" in client.get(url).content.decode()
    # a street officer sees only the cases of their street
    page = client_for(world.users["street_officer"]).get(url).content.decode()
    assert "甲制造有限公司" in page and "乙化工有限公司" not in page
    assert a.pk


def test_readers_see_no_step_buttons(world, media):
    case = open_case(world)
    page = (
        client_for(world.users["department_reader"])
        .get(reverse("lifecycle:exit_detail", args=[case.pk]))
        .content.decode()
    )
    assert "记录约谈" not in page and "下载 Word" in page
    page = (
        client_for(world.users["street_officer"])
        .get(reverse("lifecycle:exit_detail", args=[case.pk]))
        .content.decode()
    )
    assert step_url(case, "interview") in page
    assert Clawback.objects.count() == 0


def test_candidates_in_scope_link_to_a_prefilled_form(world, media):
    from landcycle.lifecycle.services.agreements import create_agreement
    from tests.factories import ViolationFactory

    for parcel, enterprise in ((world.parcel_a, world.ent_a), (world.parcel_b, world.ent_b)):
        create_agreement(
            number=f"LY-{parcel.code}",
            parcel=parcel,
            enterprise=enterprise,
            signed_on=dt.date(2020, 1, 1),
            terms=[{"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"}],
        )
        ViolationFactory(
            parcel=parcel,
            enterprise=enterprise,
            kind="unauthorised_lease",
            found_on=dt.date(2025, 2, 1),
        )
    url = reverse("lifecycle:exit_candidates") + "?year=2025"
    zone = client_for(world.users["evaluation_officer"]).get(url).content.decode()
    assert "甲制造有限公司" in zone and "乙化工有限公司" in zone
    street = client_for(world.users["street_officer"]).get(url).content.decode()
    assert "甲制造有限公司" in street and "乙化工有限公司" not in street
    assert "2025-02-01 发现擅自出租，尚未整改" in street
    link = reverse("lifecycle:exit_new") + "?parcel_code=A-0001&amp;trigger=unauthorised_disposal"
    assert link in street
    form = (
        client_for(world.users["street_officer"])
        .get(
            reverse("lifecycle:exit_new"),
            {
                "parcel_code": "A-0001",
                "trigger": "unauthorised_disposal",
                "facts": "2025-02-01 发现",
            },
        )
        .content.decode()
    )
    assert 'value="A-0001"' in form and "2025-02-01 发现</textarea>" in form


def test_zone_officer_puts_an_officer_of_the_street_in_charge(world, media):
    case = exits.open_case(
        enterprise=world.ent_a, parcel=world.parcel_a, trigger="not_producing", facts="x",
        verified_on=VERIFIED, actor_name="x",
    )  # fmt: skip
    url = reverse("lifecycle:exit_assign", args=[case.pk])
    zone = client_for(world.users["administrator"])
    page = zone.get(url).content.decode()
    assert "street_a（街道/镇干部）" in page and "evaluator（评价专员）" in page
    street = world.users["street_officer"]
    assert zone.post(url, {"officer": street.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == street
    # the street officer of street A is not offered for a case in street B
    other = exits.open_case(
        enterprise=world.ent_b, parcel=world.parcel_b, trigger="not_producing", facts="y",
        verified_on=VERIFIED, actor_name="x",
    )  # fmt: skip
    url = reverse("lifecycle:exit_assign", args=[other.pk])
    assert "street_a（街道/镇干部）" not in zone.get(url).content.decode()
    assert zone.post(url, {"officer": street.pk}).status_code == 200
    other.refresh_from_db()
    assert other.assigned_to is None
    # readers and street officers may not assign
    assert (
        client_for(street).get(reverse("lifecycle:exit_assign", args=[case.pk])).status_code == 403
    )
