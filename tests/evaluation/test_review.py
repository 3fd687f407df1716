"""Review decisions (复核结论) through the service, on real runs of the E-Town ledger."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.evaluation import lists, review, services
from landcycle.evaluation.models import EvaluationResult, ReviewDecision
from landcycle.ledger.models import IndicatorReport, Violation
from tests.evaluation.conftest import YEAR
from tests.factories import ViolationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="核查记录.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def officers(db):
    users = get_user_model().objects
    return (
        users.create_user("officer_li", first_name="李审"),
        users.create_user("officer_wang", first_name="王核"),
    )


@pytest.fixture
def breach(etown):
    """Parcel ET-B with an open breach of contract: the E-Town policy leaves it to review."""
    ViolationFactory(
        parcel=etown.b,
        enterprise=etown.holder_b,
        kind=Violation.Kind.BREACH_OF_CONTRACT,
        found_on=dt.date(YEAR, 3, 1),
    )
    return etown


def _final(run):
    services.publish(run, start=dt.date.today() - dt.timedelta(days=60))
    return services.finalize(run)


def _key_service(run):
    return next(b for b in lists.build_lists(run) if b.key == "key_service").frame


def test_decision_counts_only_after_a_second_officer_confirms(breach, officers, media):
    run = _final(services.run_evaluation(YEAR))
    result = EvaluationResult.objects.get(run=run, parcel=breach.b)
    assert result.klass == "REVIEW"
    assert "一般制造有限公司" not in _key_service(run)["企业名称"].to_list()

    decision = review.decide(
        run, breach.b.pk, "B", "违约已于评价后整改，见核查记录", pdf(), officers[0]
    )
    assert decision.status == ReviewDecision.Status.AWAITING  # E-Town: second_officer default
    assert decision.decided_by_name == "李审" and decision.engine_class == "REVIEW"
    stored = Path(media) / decision.evidence_path
    assert stored.read_bytes() == PDF and decision.evidence_type == "application/pdf"
    assert decision.evidence_size == len(PDF) and len(decision.evidence_sha256) == 64
    assert "一般制造有限公司" not in _key_service(run)["企业名称"].to_list()

    with pytest.raises(review.ReviewError, match="另一名工作人员"):
        review.confirm(decision, officers[0])
    confirmed = review.confirm(decision, officers[1])
    assert confirmed.status == ReviewDecision.Status.IN_FORCE
    assert confirmed.confirmed_by_name == "王核" and confirmed.confirmed_at is not None

    frame = _key_service(run)
    row = frame.filter(pl.col("企业名称") == "一般制造有限公司").row(0, named=True)
    assert row["类别"] == "B" and row["复核宗地"] == "ET-B" and row["身份"] == "产权单位"
    # The engine's own class stays stored.
    assert EvaluationResult.objects.get(pk=result.pk).klass == "REVIEW"
    assert review.apply_decisions({breach.b.pk: "REVIEW", breach.a.pk: "A"}, [run.pk]) == {
        breach.b.pk: "B",
        breach.a.pk: "A",
    }
    with pytest.raises(review.ReviewError, match="已有复核结论"):
        review.decide(run, breach.b.pk, "A", "再次复核", pdf(), officers[1])


def test_a_policy_without_second_officer_puts_the_decision_in_force(
    breach, officers, media, settings, tmp_path
):
    source = services.get_policy(services.DEFAULT_POLICY).source
    text = source.replace('name = "beijing-etown-2023"', 'name = "etown-single-officer"')
    (tmp_path / "single.toml").write_text(text + "\n[review]\nsecond_officer = false\n", "utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    run = services.run_evaluation(YEAR, "etown-single-officer")
    decision = review.decide(run, breach.b.pk, "A", "核查达标", pdf(), officers[0])
    assert decision.status == ReviewDecision.Status.IN_FORCE and decision.confirmed_at is None
    assert review.decided_classes(run) == {breach.b.pk: "A"}


def test_a_corrected_run_keeps_unchanged_decisions_and_flags_the_others(breach, officers, media):
    d_parcel = breach.d
    ViolationFactory(
        parcel=breach.a,
        enterprise=breach.holder_a,
        kind=Violation.Kind.ILLEGAL_CONSTRUCTION,
        found_on=dt.date(YEAR, 3, 1),
    )
    run = _final(services.run_evaluation(YEAR))
    assert {
        r.parcel_id
        for r in EvaluationResult.objects.filter(run=run, klass="REVIEW").exclude(parcel=d_parcel)
    } == {breach.a.pk, breach.b.pk}
    for parcel in (breach.a, breach.b):
        review.confirm(review.decide(run, parcel.pk, "B", "核查", pdf(), officers[0]), officers[1])
    # ET-B's figures change in the ledger; ET-A's do not.
    IndicatorReport.objects.filter(parcel=breach.b, year=YEAR).update(output_10k_cny=50_000.0)

    corrected = services.correct(run, note="复核后重新评价")
    carried = {d.parcel_code: d for d in ReviewDecision.objects.filter(run=corrected)}
    assert carried["ET-A"].status == ReviewDecision.Status.IN_FORCE
    assert carried["ET-A"].carried_from.run_id == run.pk
    assert carried["ET-A"].decided_by_name == "李审"
    assert carried["ET-B"].status == ReviewDecision.Status.FLAGGED
    assert "已变化" in carried["ET-B"].flag_reason
    assert review.decided_classes(corrected) == {breach.a.pk: "B"}
    # The flagged one is decided again (replacing it), nothing else is lost.
    again = review.decide(corrected, breach.b.pk, "A", "新数据达标", pdf(), officers[1])
    assert again.pk == carried["ET-B"].pk and again.status == ReviewDecision.Status.AWAITING
    assert ReviewDecision.objects.filter(run=run).count() == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"parcel": "a"}, "不是待复核"),
        ({"klass": "E"}, "不是政策"),
        ({"klass": "REVIEW"}, "不是政策"),
        ({"reason": "  "}, "复核理由"),
        ({"evidence": None}, "证明材料"),
        ({"evidence": pdf("假.pdf", b"just text, not a pdf")}, "内容不是"),
        ({"evidence": pdf("a.zip", b"PK\x03\x04" + b"\x00" * 40)}, "内容不是"),
        ({"evidence": pdf("empty.pdf", b"")}, "空文件"),
        ({"evidence": pdf("big.pdf", PDF + b"0" * 200)}, "超过上限"),
    ],
)
def test_a_refused_decision_writes_nothing(breach, officers, media, settings, change, message):
    settings.LANDCYCLE_UPLOAD_MAX_MB = 0.0001  # 104 bytes
    run = services.run_evaluation(YEAR)
    args = {"parcel": "b", "klass": "B", "reason": "核查", "evidence": pdf()} | change
    parcel = getattr(breach, args["parcel"])
    with pytest.raises(review.ReviewError, match=message):
        review.decide(run, parcel.pk, args["klass"], args["reason"], args["evidence"], officers[0])
    assert not ReviewDecision.objects.exists()
    assert not list(Path(media).rglob("*.*")) if Path(media).exists() else True


def test_images_and_office_files_are_evidence(breach, officers, media):
    run = services.run_evaluation(YEAR)
    decision = review.decide(run, breach.b.pk, "B", "现场照片", pdf("现场.png", PNG), officers[0])
    assert decision.evidence_type == "image/png" and decision.evidence_path.endswith(".png")
    assert review.evidence_file(decision).read_bytes() == PNG


def test_a_word_document_is_evidence(breach, officers, media, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("现场核查记录")
    document.save(tmp_path / "记录.docx")
    upload = pdf("记录.docx", (tmp_path / "记录.docx").read_bytes())
    run = services.run_evaluation(YEAR)
    decision = review.decide(run, breach.b.pk, "B", "核查记录", upload, officers[0])
    assert decision.evidence_path.endswith(".docx") and decision.evidence_name == "记录.docx"


def test_ofd_is_evidence_but_a_bare_zip_is_not(breach, officers, media):
    """Evidence accepts what documents accept plus OFD (GB/T 33190), by content
    (core.uploads PLACES["evidence"])."""
    from tests.core.test_uploads import ofd_bytes

    run = services.run_evaluation(YEAR)
    with pytest.raises(review.ReviewError, match="不是可接收的类型"):
        review.decide(
            run, breach.b.pk, "B", "证照", pdf("证照.ofd", ofd_bytes("x.xml")), officers[0]
        )
    decision = review.decide(
        run, breach.b.pk, "B", "证照", pdf("证照.ofd", ofd_bytes()), officers[0]
    )
    assert decision.evidence_type == "application/ofd" and decision.evidence_path.endswith(".ofd")
    assert review.evidence_file(decision).read_bytes() == ofd_bytes()
