"""REVIEW parcels added to the web tests' ``world`` (tests/web/conftest.py): one in street A held
by enterprise A, one in street B, each with a REVIEW result in the final and the draft run."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from landcycle.evaluation import review
from tests.web.conftest import parcel
from tests.web.factories import EvaluationResultFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REVIEW_REASON = "承诺指标缺失，须人工复核"


def pdf(name="现场核查记录.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def add_review_parcels(w) -> SimpleNamespace:
    parcel_ra = parcel("A-REV", w.street_a, w.ent_a, 116.52, 39.78)
    parcel_rb = parcel("B-REV", w.street_b, w.ent_b, 116.63, 39.80)
    out = SimpleNamespace(parcel_ra=parcel_ra, parcel_rb=parcel_rb)
    for name, run in (("final", w.run_final), ("draft", w.run_draft)):
        for key, p in (("a", parcel_ra), ("b", parcel_rb)):
            result = EvaluationResultFactory(
                run=run,
                parcel=p,
                klass="REVIEW",
                reasons_zh=REVIEW_REASON,
                output_10k_cny_per_ha=61525.99999999999,
                area_m2=20_000.0,
                rank_jurisdiction=1,
            )
            setattr(out, f"result_{name}_{key}", result)
    return out


def decided(w, result, klass="A", user_role="evaluation_officer"):
    """A decision recorded through the service (awaiting confirmation under the E-Town policy)."""
    return review.decide(
        result.run, result.parcel_id, klass, "现场核查，产值达标", pdf(), w.users[user_role]
    )
