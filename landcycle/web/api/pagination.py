"""Limit/offset pagination with a ceiling: one request never asks for the whole ledger."""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

# Past this an offset is no row of any ledger, and SQLite cannot take it as an integer.
MAX_OFFSET = 10**12


def _whole_number(request, name: str, low: int, high: int) -> int | None:
    """The query parameter ``name`` as an int in [low, high]; None if absent; else a 400."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        message = f"须为 {low}–{high} 的整数 must be a whole number from {low} to {high}"
        raise ValidationError({name: [f"{message}: {raw[:40]!r}"]})
    return value


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """``?limit=`` at most ``LANDCYCLE_API_MAX_LIMIT`` (1000) rows; a larger, negative or
    non-numeric ``limit`` or ``offset`` is a 400 saying so (DRF would silently clamp or ignore)."""

    @property
    def max_limit(self) -> int:
        """The largest ``limit`` a request may ask (LANDCYCLE_API_MAX_LIMIT)."""
        return settings.LANDCYCLE_API_MAX_LIMIT

    def get_limit(self, request):
        """``?limit=`` as 1..max_limit (default when absent); anything else is a 400."""
        value = _whole_number(request, self.limit_query_param, 1, self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request):
        """``?offset=`` as 0..10¹² (0 when absent); anything else is a 400."""
        value = _whole_number(request, self.offset_query_param, 0, MAX_OFFSET)
        return value or 0
