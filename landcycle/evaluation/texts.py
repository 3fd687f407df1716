"""Reasons and gaps written when results are read.

A rule policy's reasons and gaps follow from the result itself: its rule and the figures stored
with it. Runs store them empty (half of a result's bytes, and most of the time of writing a
million results) and they are written here by the engine's ``explain``, from the policy text
stored with the run, so a past run reads exactly as it was made even after its file changed.
Texts that quote statistics of the whole group (composite policies) and texts of rows no rule
decides are stored with the result and left alone.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

import polars as pl
from django.db.models.query import ModelIterable

from .engine import TEXT_COLUMNS, Policy, PolicyError, explain
from .engine.loader import load_policy_text
from .models import RESULT_FIGURES, EvaluationResult, EvaluationRun
from .policies import EvaluationError, get_policy

# policy file hash → the policy (None: not known). Runs name their policy by this hash.
_policies: dict[str, Policy | None] = {}
_lock = threading.Lock()


def run_policies(
    run_ids: Iterable[int], known: dict[int, EvaluationRun] | None = None
) -> dict[int, Policy | None]:
    """The policy each run was made with: a query for the runs' hashes (none for runs in
    ``known``), and one for the texts of policies not seen before."""
    known = known or {}
    hashes = {pk: (run.policy_name, run.policy_hash) for pk, run in known.items()}
    wanted = set(run_ids) - hashes.keys()
    if wanted:
        rows = EvaluationRun.objects.filter(pk__in=wanted).values_list(
            "pk", "policy_name", "policy_hash"
        )
        hashes.update({pk: (name, sha) for pk, name, sha in rows})
    unseen = {sha: name for name, sha in hashes.values() if sha not in _policies}
    if unseen:
        sources = dict(
            EvaluationRun.objects.filter(policy_hash__in=unseen)
            .exclude(policy_source="")
            .values_list("policy_hash", "policy_source")
            .distinct()
        )
        found = {sha: _policy_of(name, sha, sources.get(sha, "")) for sha, name in unseen.items()}
        with _lock:
            _policies.update(found)
    return {pk: _policies.get(sha) for pk, (_name, sha) in hashes.items()}


def _policy_of(name: str, sha: str, source: str) -> Policy | None:
    if source:
        try:
            policy = load_policy_text(source, path=f"policy {name} stored with its runs")
        except PolicyError:
            return None
        return policy if policy.sha256 == sha else None
    # Runs stored before policies were kept with them: the current file, if it is the same.

    try:
        policy = get_policy(name)
    except (EvaluationError, PolicyError):
        return None
    return policy if policy.sha256 == sha else None


def forget() -> None:
    """Forget the policies read (tests reuse hashes with other texts)."""
    with _lock:
        _policies.clear()


def explain_frame(policy: Policy | None, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (columns ``rule``, the texts with '' for none, indicators) with its texts."""
    if policy is None or frame.is_empty():
        return frame
    present = [c for c in TEXT_COLUMNS if c in frame.columns]
    bare = frame.with_columns(pl.col(c).replace("", None) for c in present)
    explained = explain(policy, bare)  # adds the text columns a rule policy needs
    texts = [c for c in TEXT_COLUMNS if c in explained.columns]
    return explained.with_columns(pl.col(c).fill_null("") for c in texts)


def write_texts(results: list[EvaluationResult]) -> None:
    """Put the reasons and gaps on results fetched without them (in place)."""
    by_run: dict[int, list[EvaluationResult]] = defaultdict(list)
    for result in results:
        if result.reasons_zh or result.rule in ("", "no-rule"):
            continue
        if {
            "other_indicators",
            "reasons_zh",
            "rule",
            *RESULT_FIGURES,
        } & result.get_deferred_fields():
            continue
        by_run[result.run_id].append(result)
    if not by_run:
        return
    # A run fetched with its results (select_related) needs no query.
    known = {
        r.run_id: r._state.fields_cache["run"] for r in results if "run" in r._state.fields_cache
    }
    policies = run_policies(by_run, known)
    # Runs made with the same policy are explained together: one engine call per policy.
    by_policy: dict[str, tuple[Policy, list[EvaluationResult]]] = {}
    for run_id, rows in by_run.items():
        policy = policies[run_id]
        if policy is not None:
            by_policy.setdefault(policy.sha256 or str(id(policy)), (policy, []))[1].extend(rows)
    for policy, rows in by_policy.values():
        frame = pl.DataFrame(
            [{**(r.indicators or {}), "rule": r.rule} for r in rows], infer_schema_length=None
        )
        explained = explain_frame(policy, frame)
        columns = [explained[c].to_list() for c in TEXT_COLUMNS]
        for result, texts in zip(rows, zip(*columns, strict=True), strict=True):
            for name, text in zip(TEXT_COLUMNS, texts, strict=True):
                setattr(result, name, text or "")


class ResultIterable(ModelIterable):
    """Results as model instances, with their reasons and gaps written (``texts.write_texts``) a
    batch at a time: the one place both a whole fetch and ``.iterator()`` go through."""

    BATCH = 2000

    def __iter__(self):
        batch = []
        for row in super().__iter__():
            batch.append(row)
            if len(batch) == self.BATCH:
                write_texts(batch)
                yield from batch
                batch = []
        write_texts(batch)
        yield from batch
