"""The review pages (复核结论) as each role uses them; stored values asserted."""

from pathlib import Path

from django.urls import reverse

from landcycle.evaluation.models import EvaluationResult, ReviewDecision
from tests.evaluation.pages.review_world import PDF, REVIEW_REASON, decided, pdf
from tests.web.conftest import client_for


def test_the_queue_reads_as_an_officer_reads(world, reviews):
    page = client_for(world.users["evaluation_officer"]).get(
        reverse("evaluation:review_list", args=[world.run_final.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "A-REV" in html and "B-REV" in html and REVIEW_REASON in html
    assert "待复核" in html and ">REVIEW<" not in html
    # The street officer sees the REVIEW parcels of its street only.
    html = (
        client_for(world.users["street_officer"])
        .get(reverse("evaluation:review_list", args=[world.run_final.pk]))
        .content.decode()
    )
    assert "A-REV" in html and "B-REV" not in html


def test_a_decision_is_recorded_and_confirmed_by_a_second_officer(world, reviews, media):
    result = reviews.result_final_a
    url = reverse("evaluation:review_parcel", args=[result.pk])
    officer = client_for(world.users["evaluation_officer"])
    page = officer.get(url).content.decode()
    # Figures in Chinese with units, without float noise; ranks "第 N 名 / 共 M".
    assert "地均产值（万元/公顷）" in page and "61,526" in page
    assert "61525.99" not in page and "output_10k_cny_per_ha" not in page
    assert "第 1 名 / 共 1" in page and "2 公顷（30 亩）" in page

    answer = officer.post(
        url,
        {"decided_class": "B", "reason": "核查记录表明违约已整改", "evidence": pdf(), "sure": "on"},
        follow=True,
    )
    assert "待另一名工作人员确认后生效" in answer.content.decode()
    decision = ReviewDecision.objects.get(run=world.run_final, parcel=reviews.parcel_ra)
    assert (decision.decided_class, decision.status) == ("B", "awaiting")
    assert decision.decided_by == world.users["evaluation_officer"]
    assert decision.reason == "核查记录表明违约已整改"
    stored = Path(media) / decision.evidence_path
    assert stored.read_bytes() == PDF and str(stored).startswith(str(media))

    # The officer who decided cannot confirm; the administrator can, with the checkbox.
    confirm = reverse("evaluation:review_confirm", args=[decision.pk])
    answer = officer.post(confirm, {"sure": "on"}, follow=True)
    assert "另一名工作人员" in answer.content.decode()
    admin = client_for(world.users["administrator"])
    answer = admin.post(confirm, {}, follow=True)
    assert "请勾选" in answer.content.decode()
    answer = admin.post(confirm, {"sure": "on"}, follow=True)
    assert "已确认生效：B 类" in answer.content.decode()
    decision.refresh_from_db()
    assert decision.status == "in_force" and decision.confirmed_by == world.users["administrator"]
    assert EvaluationResult.objects.get(pk=result.pk).klass == "REVIEW"  # the engine's stays

    evidence = admin.get(reverse("evaluation:review_evidence", args=[decision.pk]))
    assert b"".join(evidence.streaming_content) == PDF
    assert "attachment" in evidence["Content-Disposition"]


def test_a_refused_decision_is_shown_on_the_form_and_writes_nothing(world, reviews, media):
    url = reverse("evaluation:review_parcel", args=[reviews.result_final_a.pk])
    officer = client_for(world.users["evaluation_officer"])
    answer = officer.post(
        url,
        {
            "decided_class": "A",
            "reason": "核查",
            "evidence": pdf("伪装.pdf", b"<script>alert(1)</script>"),
            "sure": "on",
        },
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and "内容不是" in html and "Traceback" not in html
    assert not ReviewDecision.objects.exists()
    assert not Path(media).exists() or not list(Path(media).rglob("*.*"))
    # Without the checkbox the form refuses too.
    answer = officer.post(url, {"decided_class": "A", "reason": "核查", "evidence": pdf()})
    assert "This field is required" in answer.content.decode() or "必填" in answer.content.decode()
    assert not ReviewDecision.objects.exists()


def test_readers_see_the_decision_but_cannot_decide(world, reviews):
    decided(world, reviews.result_final_a)
    url = reverse("evaluation:review_parcel", args=[reviews.result_final_a.pk])
    for role in ("street_officer", "department_reader", "enterprise_user"):
        client = client_for(world.users[role])
        page = client.get(url).content.decode()
        assert "现场核查，产值达标" in page and "decision-form" not in page
        assert "confirm-form" not in page
        refused = client.post(url, {"decided_class": "A", "reason": "x", "evidence": pdf()})
        assert refused.status_code == 403
    assert ReviewDecision.objects.get().decided_class == "A"


def test_the_portal_and_lists_take_the_decided_class(world, reviews):
    from landcycle.evaluation import review

    decision = decided(world, reviews.result_final_a, "A")
    portal = client_for(None).get(reverse("portal:index")).content.decode()
    assert "A-REV" not in portal  # awaiting confirmation: not yet
    review.confirm(decision, world.users["administrator"])
    portal = client_for(None).get(reverse("portal:index")).content.decode()
    assert "A-REV" in portal and "B-REV" not in portal


def test_the_parcel_card_shows_the_decision_beside_the_engine_reason(world, reviews):
    decided(world, reviews.result_final_a, "A")
    card = client_for(world.users["street_officer"]).get(
        reverse("ledger:parcel_detail", args=[reviews.parcel_ra.pk])
    )
    html = card.content.decode()
    assert "复核结论" in html and "现场核查，产值达标" in html
    assert f"待复核：{REVIEW_REASON}" in html and "待确认" in html
    plain = client_for(world.users["street_officer"]).get(
        reverse("ledger:parcel_detail", args=[world.parcel_a.pk])
    )
    assert 'id="review-decisions"' not in plain.content.decode()


def test_the_queue_filters_by_decision_status(world, reviews):
    decided(world, reviews.result_final_a, "A")
    client = client_for(world.users["evaluation_officer"])
    url = reverse("evaluation:review_list", args=[world.run_final.pk])
    awaiting = client.get(url + "?status=awaiting").content.decode()
    assert "A-REV" in awaiting and "B-REV" not in awaiting
    undecided = client.get(url + "?status=undecided").content.decode()
    assert "A-REV" not in undecided and "B-REV" in undecided
    assert "待确认 1 宗" in undecided
    searched = client.get(url + "?q=乙化工").content.decode()
    assert "B-REV" in searched and "A-REV" not in searched
