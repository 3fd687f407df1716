"""Small input frames for engine tests, built from a few keyword arguments (no database)."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl

from landcycle.evaluation.engine import EvaluationInputs

YEAR = 2025
# Every policy states its related-party rule (schema.RELATED_PARTY_KEYS): test policies too.
RELATED_RULE = """
[consequences.related_parties]
holder_roles = ["legal_representative", "actual_controller", "shareholder", "director", "supervisor", "executive"]
holder_share_percent = 20
party_roles = ["actual_controller", "shareholder"]
control_share_percent = 50
shareholding_depth = 3
"""
_ids = itertools.count(1)


class Land:
    """Collects rows; ``inputs()`` gives the EvaluationInputs. Defaults make an A-ready parcel."""

    def __init__(self):
        self.parcels, self.enterprises, self.indicators = [], [], []
        self.leases, self.violations, self.commitments, self.relations = [], [], [], []

    def enterprise(self, *, industry="C3311", scale="above", tags=(), **kw) -> int:
        eid = kw.pop("enterprise_id", None) or next(_ids) + 1000
        self.enterprises.append(
            {
                "enterprise_id": eid,
                "industry_code": industry,
                "scale": scale,
                "tags": list(tags),
                **kw,
            }
        )
        return eid

    def parcel(self, *, holder=None, area_m2=10_000.0, project_type="self_used", **kw) -> int:
        pid = next(_ids)
        if holder is None:
            holder = self.enterprise()
        self.parcels.append(
            {
                "parcel_id": pid,
                "code": kw.pop("code", f"T{pid:05d}"),
                "jurisdiction_id": kw.pop("jurisdiction_id", 1),
                "area_m2": area_m2,
                "holder_id": holder or None,
                "project_type": project_type,
                "supply_method": kw.pop("supply_method", "tender_auction"),
                **kw,
            }
        )
        return pid

    def holder_of(self, pid: int) -> int:
        return next(p["holder_id"] for p in self.parcels if p["parcel_id"] == pid)

    def figures(self, enterprise_id, *, parcel_id=None, year=YEAR, **values):
        self.indicators.append(
            {"enterprise_id": enterprise_id, "year": year, "parcel_id": parcel_id, **values}
        )

    def lease(self, parcel_id, tenant_id, *, area_m2=1_000.0, approved=False, start=None, end=None):
        self.leases.append(
            {
                "parcel_id": parcel_id,
                "tenant_id": tenant_id,
                "area_m2": area_m2,
                "approved": approved,
                "start": start or dt.date(YEAR - 1, 1, 1),
                "end": end,
            }
        )

    def violation(self, parcel_id, kind, *, status="open", found_on=None, **flags):
        self.violations.append(
            {
                "parcel_id": parcel_id,
                "kind": kind,
                "status": status,
                "found_on": found_on or dt.date(YEAR, 3, 1),
                "refuses_correction": flags.get("refuses"),
                "agrees_to_renewal": flags.get("agrees"),
            }
        )

    def commitment(self, parcel_id, indicator, value, unit, year=YEAR):
        self.commitments.append(
            {
                "parcel_id": parcel_id,
                "indicator": indicator,
                "value": value,
                "unit": unit,
                "year": year,
            }
        )

    def shareholder(self, subject, *, enterprise=None, person=None, share=51.0, kind="shareholder"):
        self.relations.append(
            {
                "subject_id": subject,
                "kind": kind,
                "party_enterprise_id": enterprise,
                "party_person_id": person,
                "share_percent": share,
            }
        )

    def inputs(self) -> EvaluationInputs:
        def frame(rows, schema=None):
            return (
                pl.DataFrame(rows, schema_overrides=schema, infer_schema_length=None)
                if rows
                else None
            )

        return EvaluationInputs(
            parcels=frame(self.parcels),
            enterprises=frame(self.enterprises, {"tags": pl.List(pl.String)}),
            indicators=frame(self.indicators),
            leases=frame(self.leases),
            violations=frame(
                self.violations, {"refuses_correction": pl.Boolean, "agrees_to_renewal": pl.Boolean}
            ),
            commitments=frame(self.commitments),
            relations=frame(
                self.relations, {"party_enterprise_id": pl.Int64, "party_person_id": pl.Int64}
            ),
        )


def row(result: pl.DataFrame, parcel_id: int) -> dict:
    return result.filter(pl.col("parcel_id") == parcel_id).row(0, named=True)
