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


def get_policy(name: str | None):
    from .engine import PolicyError, load_policy

    try:
        return load_policy(name or DEFAULT_POLICY, extra_dirs=policy_dirs())
    except PolicyError as exc:
        raise EvaluationError(str(exc)) from exc


def available_policies():
    from .engine import PolicyError, list_policies

    try:
        return list_policies(extra_dirs=policy_dirs())
    except PolicyError as exc:
        raise EvaluationError(str(exc)) from exc
