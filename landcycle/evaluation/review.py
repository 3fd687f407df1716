"""Review decisions (复核结论) on the parcels the engine could not class (REVIEW, 待复核).

An evaluation officer records the decided class, the reason and the evidence (an attachment
stored under ``MEDIA_ROOT``, outside the web root, its type read from its content and its size
bounded); who and when are recorded. Where the run's policy asks for it (``[review]
second_officer``, default true) a second officer confirms the decision before it counts. A
decision in force is the parcel's class for lists, prices, stock land and the portal
(``decided_classes`` / ``apply_decisions`` / ``decided_exists``); the engine's own result is never
changed. A corrected run carries every decision over: in force as before when the parcel's facts
(class, rule, figures) did not change, flagged (需重新复核, counting no more) otherwise.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from landcycle.core.uploads import UploadRefused, check_upload, max_upload_bytes

from .engine.schema import REVIEW as REVIEW_CLASS
from .models import RESULT_FIGURES, EvaluationResult, EvaluationRun, ReviewDecision
from .policies import EvaluationError, get_policy

Status = ReviewDecision.Status


class ReviewError(EvaluationError):
    """A review decision refused; the message (Chinese first) says why."""


def evidence_max_bytes() -> int:
    """The largest evidence accepted: the one upload limit (``core.uploads.max_upload_bytes``,
    LANDCYCLE_UPLOAD_MAX_MB)."""
    return max_upload_bytes()


def run_policy(run: EvaluationRun):
    """The run's policy as it was when the run was made (its stored file)."""
    from .texts import run_policies

    policy = run_policies([run.pk])[run.pk]
    if policy is None:
        policy = get_policy(run.policy_name)
    return policy


def facts_hash(result: EvaluationResult) -> str:
    """SHA-256 of a result's facts: engine class, rule, group and every figure (6 significant
    digits, so that a recomputation's last-bit noise is no change)."""

    def value(v):
        return f"{v:.6g}" if isinstance(v, float) else v

    facts = {
        "class": result.klass,
        "rule": result.rule,
        "group": result.group,
        **{name: value(getattr(result, name)) for name in RESULT_FIGURES},
        **{k: value(v) for k, v in (result.other_indicators or {}).items()},
    }
    text = json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _user_name(user) -> str:
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _store_evidence(run: EvaluationRun, upload) -> dict:
    """Check (``core.uploads.check_upload``, place "evidence": documents ∪ OFD, by content;
    the one size limit) and store an uploaded file; returns the evidence fields. Raises
    ReviewError."""
    name = Path(upload.name or "").name[:200]
    try:
        accepted = check_upload(upload, name or "（无名称）", "evidence")
    except UploadRefused as refused:
        raise ReviewError(f"证明材料：{refused}") from None
    limit = evidence_max_bytes()
    relative = Path("evidence") / f"run-{run.pk}" / f"{uuid.uuid4().hex}{accepted.suffixes[0]}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    with open(target, "xb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:  # the declared size lied
                out.close()
                target.unlink(missing_ok=True)
                raise ReviewError("证明材料超过大小上限 / the evidence is larger than the limit")
            digest.update(chunk)
            out.write(chunk)
    return {
        "evidence_name": name,
        "evidence_path": str(relative),
        "evidence_type": accepted.mime,
        "evidence_size": written,
        "evidence_sha256": digest.hexdigest(),
    }


def evidence_file(decision: ReviewDecision) -> Path | None:
    """The stored evidence of ``decision`` (None without one), checked to lie in MEDIA_ROOT."""
    if not decision.evidence_path:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / decision.evidence_path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def decide(
    run: EvaluationRun, parcel_id: int, decided_class: str, reason: str, evidence, user
) -> ReviewDecision:
    """Record ``user``'s decision for a REVIEW parcel of ``run``.

    ``evidence`` is an uploaded file (Django ``UploadedFile``): required, one of
    a type ``core.uploads.PLACES["evidence"]`` accepts by content, at most ``evidence_max_bytes()``. The decision is in force at
    once unless the run's policy asks a second officer to confirm (``[review] second_officer``).
    A flagged decision (facts changed in a corrected run) is replaced; any other is refused.
    Raises ``ReviewError`` (Chinese reason first) and then writes nothing.
    """
    if run.status == EvaluationRun.Status.SUPERSEDED:
        raise ReviewError(f"批次 #{run.pk} 已被更正，请在更正后的批次中复核 / run is superseded")
    result = EvaluationResult.objects.filter(run=run, parcel_id=parcel_id).first()
    if result is None:
        raise ReviewError(f"宗地不在批次 #{run.pk} 中 / the parcel is not in the run")
    if result.klass != REVIEW_CLASS:
        raise ReviewError(
            f"宗地 {result.parcel_code} 的系统评价为 {result.klass} 类，不是待复核 / not a REVIEW parcel"
        )
    policy = run_policy(run)
    if decided_class not in policy.class_keys:
        known = "、".join(policy.class_keys)
        raise ReviewError(
            f"复核类别「{decided_class}」不是政策「{policy.title_zh}」的类别（{known}）"
            f" / not a class of the policy"
        )
    if not (reason or "").strip():
        raise ReviewError("请填写复核理由 / a reason is required")
    existing = ReviewDecision.objects.filter(run=run, parcel_id=parcel_id).first()
    if existing is not None and existing.status != Status.FLAGGED:
        raise ReviewError(
            f"宗地 {result.parcel_code} 已有复核结论（{existing.get_status_display()}，"
            f"{existing.decided_by_name}）/ already decided"
        )
    if evidence is None:
        raise ReviewError("请上传证明材料 / the evidence (attachment) is required")
    stored = _store_evidence(run, evidence)
    try:
        with transaction.atomic():
            decision = existing or ReviewDecision(run=run, parcel_id=parcel_id)
            decision.parcel_code = result.parcel_code
            decision.engine_class = result.klass
            decision.decided_class = decided_class
            decision.reason = reason.strip()
            for key, value in stored.items():
                setattr(decision, key, value)
            decision.decided_by = user
            decision.decided_by_name = _user_name(user)
            decision.decided_at = timezone.now()
            decision.confirmed_by = None
            decision.confirmed_by_name = ""
            decision.confirmed_at = None
            decision.status = Status.AWAITING if policy.review.second_officer else Status.IN_FORCE
            decision.facts_hash = facts_hash(result)
            decision.carried_from = None
            decision.flag_reason = ""
            decision.save()  # change-logged
    except Exception:
        (Path(settings.MEDIA_ROOT) / stored["evidence_path"]).unlink(missing_ok=True)
        raise
    return decision


def confirm(decision: ReviewDecision, user) -> ReviewDecision:
    """A second officer confirms ``decision``: it is in force from now. Refused for the officer
    who decided, and for a decision not awaiting confirmation (``ReviewError``)."""
    with transaction.atomic():
        decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.status != Status.AWAITING:
            raise ReviewError(
                f"宗地 {decision.parcel_code} 的复核结论{decision.get_status_display()}，无需确认"
                " / the decision is not awaiting confirmation"
            )
        if decision.decided_by_id == user.pk:
            raise ReviewError(
                "复核结论须由另一名工作人员确认，复核人本人不能确认 / a second officer confirms"
            )
        decision.status = Status.IN_FORCE
        decision.confirmed_by = user
        decision.confirmed_by_name = _user_name(user)
        decision.confirmed_at = timezone.now()
        decision.save()
    return decision


def in_force(run_ids) -> dict[tuple[int, int], str]:
    """(run id, parcel id) → decided class of the decisions in force in those runs (one query)."""
    rows = ReviewDecision.objects.filter(run_id__in=list(run_ids), status=Status.IN_FORCE)
    return {(r, p): c for r, p, c in rows.values_list("run_id", "parcel_id", "decided_class")}


def decided_classes(run: EvaluationRun) -> dict[int, str]:
    """parcel id → decided class in ``run`` (decisions in force only)."""
    return {parcel: klass for (_, parcel), klass in in_force([run.pk]).items()}


def apply_decisions(classes: dict[int, str], run_ids) -> dict[int, str]:
    """``classes`` (parcel id → engine class, from the runs ``run_ids``) with the decided class
    of every REVIEW parcel decided in force; other entries unchanged."""
    decided = {parcel: klass for (_, parcel), klass in in_force(run_ids).items()}
    return {
        parcel: decided.get(parcel, klass) if klass == REVIEW_CLASS else klass
        for parcel, klass in classes.items()
    }


def decided_exists(classes) -> Exists:
    """An ``Exists`` for ``EvaluationResult`` filters: the result is decided in force into one
    of ``classes`` (e.g. the public A list takes REVIEW parcels decided A)."""
    return Exists(
        ReviewDecision.objects.filter(
            run_id=OuterRef("run_id"),
            parcel_id=OuterRef("parcel_id"),
            status=Status.IN_FORCE,
            decided_class__in=list(classes),
        )
    )


def in_classes_q(classes) -> Q:
    """Results whose class, decided where decided in force, is one of ``classes``."""
    classes = list(classes)
    return (Q(klass__in=classes) & ~Q(klass=REVIEW_CLASS)) | (
        Q(klass=REVIEW_CLASS) & Q(decided_exists(classes))
    )


def carry_over(old: EvaluationRun, new: EvaluationRun) -> dict[str, int]:
    """Carry ``old``'s decisions into its correction ``new``: a decision whose parcel's facts are
    unchanged (still REVIEW, same ``facts_hash``) keeps its status; the others are carried
    flagged with the reason. Returns counts {"kept": n, "flagged": m}. Two queries and a bulk
    insert (change-logged)."""
    from landcycle.core.changelog import record_bulk

    decisions = list(ReviewDecision.objects.filter(run=old))
    if not decisions:
        return {"kept": 0, "flagged": 0}
    results = {
        r.parcel_id: r
        for r in EvaluationResult.objects.filter(
            run=new, parcel_id__in=[d.parcel_id for d in decisions]
        )
    }
    copies, kept, flagged = [], 0, 0
    for d in decisions:
        result = results.get(d.parcel_id)
        copy = ReviewDecision(
            run=new,
            parcel_id=d.parcel_id,
            parcel_code=d.parcel_code,
            engine_class=d.engine_class,
            decided_class=d.decided_class,
            reason=d.reason,
            evidence_name=d.evidence_name,
            evidence_path=d.evidence_path,
            evidence_type=d.evidence_type,
            evidence_size=d.evidence_size,
            evidence_sha256=d.evidence_sha256,
            decided_by_id=d.decided_by_id,
            decided_by_name=d.decided_by_name,
            decided_at=d.decided_at,
            confirmed_by_id=d.confirmed_by_id,
            confirmed_by_name=d.confirmed_by_name,
            confirmed_at=d.confirmed_at,
            status=d.status,
            facts_hash=d.facts_hash,
            carried_from=d,
            flag_reason=d.flag_reason,
        )
        if result is None:
            copy.status, copy.flag_reason = Status.FLAGGED, "更正后的批次中没有该宗地"
        elif result.klass != REVIEW_CLASS:
            copy.status = Status.FLAGGED
            copy.flag_reason = f"更正后系统评价为 {result.klass} 类，不再待复核"
        elif facts_hash(result) != d.facts_hash:
            copy.status = Status.FLAGGED
            copy.flag_reason = "更正后该宗地的评价事实（指标或规则）已变化，需重新复核"
        if copy.status == Status.FLAGGED:
            flagged += 1
        else:
            kept += 1
        copies.append(copy)
    with transaction.atomic():
        created = ReviewDecision.objects.bulk_create(copies)
        record_bulk(
            ReviewDecision,
            [(c.pk, f"复核结论 #{c.pk}", None, c.snapshot()) for c in created if c.pk],
        )
    return {"kept": kept, "flagged": flagged}
