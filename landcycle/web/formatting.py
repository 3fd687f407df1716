"""How numbers read on every page and export of the frame: no float noise.

A figure computed in binary floating point (61525.99999999999) is shown as an officer writes it
(61,526): rounded to a number of decimals, trailing zeros dropped, thousands grouped. The template
filters ``number`` / ``ha_mu`` (``{% load web_tags %}``) and the tables call these.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def number(value, digits: int = 2, grouping: bool = True) -> str:
    """``value`` rounded half-up to at most ``digits`` decimals (trailing zeros dropped), with
    thousands separators; "" for None, "—" for NaN/infinity; anything not a number (a text,
    even one of digits such as a parcel code) is returned as text unchanged.

    >>> number(61525.99999999999)
    '61,526'
    >>> number(0.1 + 0.2)
    '0.3'
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    as_float = float(value)
    if not math.isfinite(as_float):
        return "—"
    # Through the shortest repr, so that 2.675 rounds as written (2.68), not as stored.
    exact = Decimal(repr(as_float)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    if exact == 0:
        exact = Decimal(0)  # no "-0"
    text = f"{exact:,.{digits}f}" if grouping else f"{exact:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def day(value) -> str:
    """A date as officers read it in lists, ``2026-09-01``; "—" for none (an unset deadline)."""
    return value.isoformat() if value else "—"


def rounded(value, digits: int = 2) -> float | None:
    """``value`` as a float rounded half-up to ``digits`` decimals (for exports: a number cell
    without noise); None stays None."""
    if value is None:
        return None
    as_float = float(value)
    if not math.isfinite(as_float):
        return None
    exact = Decimal(repr(as_float)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(exact)


M2_PER_HA = 10_000.0
MU_PER_HA = 15.0


def ha_mu(area_m2) -> str:
    """An area in square metres as officers read it: ``1.23 公顷（18.45 亩）``."""
    if area_m2 is None:
        return ""
    ha = float(area_m2) / M2_PER_HA
    return f"{number(ha, 2)} 公顷（{number(ha * MU_PER_HA, 2)} 亩）"
