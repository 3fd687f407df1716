"""Row rules of import batches: the zone's own records, for zone-wide roles only (and importing
needs the IMPORT action)."""

from __future__ import annotations

from django.db.models import Q

from landcycle.core.permissions import RowRule, register

from .models import ImportBatch


def register_rules() -> None:
    """Register the imports' row rules (called once by ``ImportsConfig.ready``)."""
    register(
        ImportBatch,
        RowRule(by_jurisdiction=lambda path: Q(pk__in=[]), by_enterprise=lambda eid: Q(pk__in=[])),
    )
