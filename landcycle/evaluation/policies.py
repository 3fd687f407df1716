"""Policies as the evaluation reads them (shipped and configured policy files), and the errors the
evaluation's services raise. Below the services, the texts and the adoption, which all need them."""

from __future__ import annotations

from django.conf import settings

DEFAULT_POLICY = "beijing-etown-2023"


class EvaluationError(Exception):
    """A request the evaluation cannot fulfil; the message says why (shown to the user)."""


class TransitionError(EvaluationError):
    pass


# ---------------------------------------------------------------- policies


def policy_dirs() -> list:
    return list(getattr(settings, "LANDCYCLE_POLICY_DIRS", []))


def policies_in_use() -> set[str]:
    """Names of the policies adopted (``PolicyAdoption``) or run (``EvaluationRun``) in the
    database: their files may predate the required related-party rule and are read with seed
    000's values filled in (``engine.loader.load_policy_file``). Two queries, made only when a
    policy file omits the rule."""
    from .models import EvaluationRun, PolicyAdoption

    adopted = PolicyAdoption.objects.values_list("policy_name", flat=True).distinct()
    run = EvaluationRun.objects.values_list("policy_name", flat=True).distinct()
    return set(adopted) | set(run)


def get_policy(name: str | None):
    """The policy called ``name`` (default ``DEFAULT_POLICY``) from the configured and shipped
    files; ``EvaluationError`` with the file, line and key when a file is invalid."""
    from .engine import PolicyError, load_policy

    try:
        return load_policy(
            name or DEFAULT_POLICY, extra_dirs=policy_dirs(), legacy_names=policies_in_use
        )
    except PolicyError as exc:
        raise EvaluationError(str(exc)) from exc


def available_policies():
    """Every policy, shipped and configured (``engine.list_policies``); ``EvaluationError`` when
    a file is invalid."""
    from .engine import PolicyError, list_policies

    try:
        return list_policies(extra_dirs=policy_dirs(), legacy_names=policies_in_use)
    except PolicyError as exc:
        raise EvaluationError(str(exc)) from exc
