"""The evaluation engine: policies as data and a pure Polars evaluation. No Django here.

Stable API (used by ``landcycle.evaluation.services`` and the CLI)::

    from landcycle.evaluation.engine import (
        Policy, PolicyError, load_policy, load_policy_file, list_policies,
        EvaluationInputs, evaluate, inputs_fingerprint, equity_related_pairs, related_parties,
    )
    policy = load_policy("beijing-etown-2023", extra_dirs=settings.LANDCYCLE_POLICY_DIRS)
    inputs = EvaluationInputs(parcels=..., enterprises=..., indicators=..., leases=...,
                              violations=..., commitments=..., relations=...)
    result: pl.DataFrame = evaluate(policy, inputs, year=2025)
    fingerprint = inputs_fingerprint(inputs, 2025)   # store with the run, with policy.sha256

- ``load_policy(name=None, extra_dirs=None)``: a shipped or user policy (default E-Town); a user
  file with the same ``name`` replaces the shipped one. ``load_policy_file(path)`` reads one file.
  ``list_policies(extra_dirs=None)`` → ``PolicyInfo`` (name, version, titles, kind, path, shipped,
  default). Invalid files raise ``PolicyError`` (``path``, ``line``, ``key``, ``reason``).
- ``EvaluationInputs``: the frames of the contract in docs/architecture.md; missing frames are
  empty, missing optional columns are nulls; columns are cast to the contract types, and a frame
  that cannot be raises ``InputError`` naming frame and column. Optional additions: indicators
  ``electricity_kwh`` and ``water_t``.
- ``evaluate(policy, inputs, year)`` → one row per parcel, sorted by code then id, columns:
  parcel_id, code, holder_id, jurisdiction_id, class (a policy class or ``REVIEW``), score (null
  for rule policies), rule (the deciding rule id), group (the scoring group of a composite
  policy; the holder's scale for rule policies), reasons_zh, reasons_en, gap_zh, gap_en,
  next_class, rank_jurisdiction, rank_industry, industry, then the indicators with their units in
  the names (``tax_10k_cny_per_ha`` …), per-indicator scores of composite policies
  (``score_<group>_<n>``) and ``commitments_detail_zh`` / ``lease_relation_path_zh``.
- ``evaluate(policy, inputs, year, texts=False)`` leaves null the reasons and gaps that follow
  from the row alone (rule policies); ``explain(policy, results)`` writes them, the same text.
- ``equity_related_pairs(relations, pairs, ...)`` and ``related_parties(relations, ids, ...)``:
  the relation graph with the path of each link (see ``graph``).
- ``policy.consequences``: lists (key-service list = A and B holders and their related parties,
  …), public-notice days, public fields, factor prices per class.
"""

from .engine import TEXT_COLUMNS, evaluate, explain
from .graph import equity_related_pairs, related_parties
from .inputs import EvaluationInputs, InputError, inputs_fingerprint
from .loader import DEFAULT_POLICY, PolicyInfo, list_policies, load_policy, load_policy_file
from .schema import REVIEW, Policy, PolicyError

__all__ = [
    "DEFAULT_POLICY",
    "REVIEW",
    "TEXT_COLUMNS",
    "EvaluationInputs",
    "InputError",
    "Policy",
    "PolicyError",
    "PolicyInfo",
    "equity_related_pairs",
    "evaluate",
    "explain",
    "inputs_fingerprint",
    "list_policies",
    "load_policy",
    "load_policy_file",
    "related_parties",
]
