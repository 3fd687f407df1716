"""Indicators that are not stored because they follow from stored ones.

A money figure per mu (亩均) is its figure per hectare (地均) × 1/15 (1 亩 = 1/15 公顷): storing
both doubled six of a result's indicators. Results store the per-hectare figure only when the
engine gave both; the per-mu one is computed on read, right after its per-hectare key, rounded
to the same six significant digits as stored figures.
"""

from __future__ import annotations

import math

import polars as pl

from landcycle.core.units import HECTARE, MU

PER_MU_OF_PER_HA = MU.factor / HECTARE.factor  # value per mu = value per hectare × this
SIG_FIGS = 6  # stored figures carry six significant digits (see services._result_frame)
_PER_HA, _PER_MU = "_per_ha", "_per_mu"


def _money_figures() -> list[str]:
    from .engine.vocabulary import MONEY_FIGURES

    return MONEY_FIGURES


def per_mu_pairs() -> dict[str, str]:
    """Per-hectare key → its derived per-mu key, for every money figure."""
    return {f"{f}{_PER_HA}": f"{f}{_PER_MU}" for f in _money_figures()}


def derivable(columns) -> set[str]:
    """The per-mu columns among ``columns`` whose per-hectare column is there too."""
    present = set(columns)
    return {mu for ha, mu in per_mu_pairs().items() if ha in present and mu in present}


def round_sig(value: float, digits: int = SIG_FIGS) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def with_per_mu(indicators: dict) -> dict:
    """Stored indicators with the per-mu figures put back after their per-hectare ones."""
    if not isinstance(indicators, dict):
        return indicators
    pairs = per_mu_pairs()
    if not any(key in pairs for key in indicators):
        return indicators
    out = {}
    for key, value in indicators.items():
        out[key] = value
        mu = pairs.get(key)
        if mu is not None and mu not in indicators:
            out[mu] = None if value is None else round_sig(value * PER_MU_OF_PER_HA)
    return out


def frame_with_per_mu(frame: pl.DataFrame) -> pl.DataFrame:
    """The same for a frame of indicator columns (e.g. the ``results`` table)."""
    pairs = {ha: mu for ha, mu in per_mu_pairs().items() if ha in frame.columns}
    pairs = {ha: mu for ha, mu in pairs.items() if mu not in frame.columns}
    if not pairs:
        return frame
    frame = frame.with_columns(
        (pl.col(ha).cast(pl.Float64) * PER_MU_OF_PER_HA).round_sig_figs(SIG_FIGS).alias(mu)
        for ha, mu in pairs.items()
    )
    order = []
    for column in frame.columns:
        if column in pairs.values():
            continue
        order.append(column)
        if column in pairs:
            order.append(pairs[column])
    return frame.select(order)
