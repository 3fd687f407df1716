"""The policy each zone adopts for a year (采用政策), and which runs are the current results.

A zone is a top-level jurisdiction (a district or development zone: ``parent`` is empty). For a
zone and year an administrator adopts one policy; the final run of that policy for the year is
the zone's current results (``services.current_runs``). Any other run is a what-if (如果…试算,
模拟): shown on its own pages, changing nothing else.

Without an adoption for a zone and year, the policy counted as adopted is, in this order: the
zone's latest earlier adoption (a standing policy carries on until another is adopted); for a
zone that never adopted (databases made before adoptions) the policy of the first run of that
year that became final (what the public saw first: a later what-if cannot replace it); else the
CLI default policy (``services.DEFAULT_POLICY``). See ``docs/architecture.md`` (Adopted policy).

An adoption is changed only while no run of the policy counted as adopted for that year is
final: once results are public, switching the standard would change a published list.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from landcycle.core.context import current
from landcycle.ledger.models import Jurisdiction

from . import policies
from .models import EvaluationRun, PolicyAdoption

Status = EvaluationRun.Status


def zones() -> list[Jurisdiction]:
    """Top-level jurisdictions (辖区): the units that adopt a policy."""
    return list(Jurisdiction.objects.filter(parent__isnull=True).order_by("name", "pk"))


def zone_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The top-level jurisdiction above ``jurisdiction`` (itself when it is one)."""
    top_id = int(jurisdiction.path.strip("/").split("/")[0]) if jurisdiction.path else None
    if top_id is None or top_id == jurisdiction.pk:
        return jurisdiction
    return Jurisdiction.objects.get(pk=top_id)


def find_zone(name: str | None) -> Jurisdiction:
    """The zone named ``name``; without a name the only zone (refused when there are several).

    Raises the services' ``EvaluationError`` with a Chinese reason.
    """
    error = policies.EvaluationError
    tops = zones()
    if name:
        found = [z for z in tops if z.name == name.strip()]
        if not found:
            known = "、".join(z.name for z in tops) or "（无）"
            raise error(
                f"没有名为「{name}」的辖区（顶级行政区划）；现有：{known} / no zone {name!r}"
            )
        return found[0]
    if len(tops) == 1:
        return tops[0]
    if not tops:
        raise error("台账中还没有行政区划，先导入宗地 / the ledger has no jurisdictions yet")
    known = "、".join(z.name for z in tops)
    raise error(f"有多个辖区（{known}），请指定辖区 / several zones: give --zone")


@dataclass(frozen=True)
class Adopted:
    """The policy counted as adopted for a zone and year, and where that comes from."""

    zone_id: int
    year: int
    policy_name: str
    adoption: PolicyAdoption | None  # None: a fallback (see the module's docstring)
    carried_from: int | None = None  # the earlier year whose adoption carries on

    @property
    def basis_zh(self) -> str:
        if self.adoption is not None:
            return "已采用"
        if self.carried_from is not None:
            return f"本年度未采用，沿用 {self.carried_from} 年度采用的政策"
        return "未采用，沿用该年度首个生效批次的政策，没有时为默认政策"


class PolicyBook:
    """Adoptions and final runs, read once (two queries): which policy counts for a zone and
    year, and which run is the current one."""

    def __init__(self, year: int | None = None):
        # All adoptions up to the year (a few per zone and year): earlier ones carry on.
        adoptions = PolicyAdoption.objects.all()
        # Runs that are or were final (a superseded one was final if it has a finalized_at).
        runs = EvaluationRun.objects.filter(Q(status=Status.FINAL) | Q(finalized_at__isnull=False))
        if year is not None:
            adoptions = adoptions.filter(year__lte=year)
            runs = runs.filter(year=year)
        self.adoptions = {(a.zone_id, a.year): a for a in adoptions}
        self.runs = list(runs.order_by(F("finalized_at").asc(nulls_first=True), "pk"))
        self.first_final_policy: dict[int, str] = {}
        for run in self.runs:  # oldest first: the first to become final wins
            self.first_final_policy.setdefault(run.year, run.policy_name)

    def adopted(self, zone_id: int, year: int) -> Adopted:
        adoption = self.adoptions.get((zone_id, year))
        if adoption is not None:
            return Adopted(zone_id, year, adoption.policy_name, adoption)
        earlier = [a for (z, y), a in self.adoptions.items() if z == zone_id and y < year]
        if earlier:  # the zone's standing policy carries on until it adopts another
            carried = max(earlier, key=lambda a: a.year)
            return Adopted(zone_id, year, carried.policy_name, None, carried.year)
        name = self.first_final_policy.get(year) or policies.DEFAULT_POLICY
        return Adopted(zone_id, year, name, None)

    def final_run(self, year: int, policy_name: str) -> EvaluationRun | None:
        """The year's final run of the policy (a corrected one replaces it when final)."""
        finals = [
            r
            for r in self.runs
            if r.year == year and r.policy_name == policy_name and r.status == Status.FINAL
        ]
        return finals[-1] if finals else None

    def years(self) -> list[int]:
        """Years with a final run, newest first."""
        return sorted({r.year for r in self.runs if r.status == Status.FINAL}, reverse=True)


def what_if_ids(runs) -> set[int]:
    """Ids of the ``runs`` that are what-ifs: their policy is not the one counted as adopted
    for their year in any zone. Two queries whatever the number of runs."""
    runs = list(runs)
    if not runs:
        return set()
    book = PolicyBook()
    zone_ids = [z.pk for z in zones()] or [0]
    return {
        run.pk
        for run in runs
        if all(book.adopted(z, run.year).policy_name != run.policy_name for z in zone_ids)
    }


def is_what_if(run: EvaluationRun) -> bool:
    return run.pk in what_if_ids([run])


def adopt(
    year: int,
    policy_name: str,
    reason: str,
    zone: Jurisdiction | None = None,
    user_id: int | None = None,
) -> PolicyAdoption:
    """Adopt ``policy_name`` for ``zone`` (default: the only zone) and ``year``.

    Returns the adoption (unchanged when the policy is already adopted). Raises the services'
    ``EvaluationError`` (Chinese reason first) when the policy is unknown, the reason is empty,
    the zone is not top-level, or a run of the policy counted as adopted for the year is final
    already (``TransitionError``). Who: ``user_id`` or the change context's user; recorded in the
    change log.
    """
    if not reason or not reason.strip():
        raise policies.EvaluationError("请填写采用理由 / a reason is required")
    if not 1900 <= int(year) <= 2200:
        raise policies.EvaluationError(f"评价年度 {year} 不合理 / year {year} is out of range")
    policy = policies.get_policy(policy_name)  # refuses an unknown policy
    zone = zone or find_zone(None)
    if zone.parent_id is not None:
        raise policies.EvaluationError(
            f"「{zone.name}」不是辖区（顶级行政区划）：政策由区县或园区采用 / not a top-level zone"
        )
    context = current()
    with transaction.atomic():
        Jurisdiction.objects.select_for_update().filter(pk=zone.pk).first()  # one at a time
        book = PolicyBook(year)
        counted = book.adopted(zone.pk, year)
        existing = counted.adoption
        if counted.policy_name == policy.name and existing is not None:
            return existing
        final = book.final_run(year, counted.policy_name)
        if final is not None and counted.policy_name != policy.name:
            raise policies.TransitionError(
                f"{zone.name} {year} 年度已按「{counted.policy_name}」生效（批次 #{final.pk}，"
                f"{timezone.localtime(final.finalized_at):%Y-%m-%d}），结果已公开，不能再改采用政策；"
                f"如需按新标准评价，请作为下一年度的采用政策 / run #{final.pk} of "
                f"{counted.policy_name} is final for {year}: the adoption can no longer change"
            )
        adoption = existing or PolicyAdoption(zone=zone, year=year)
        adoption.policy_name = policy.name
        adoption.reason = reason.strip()
        adoption.adopted_at = timezone.now()
        adoption.adopted_by_id = user_id if user_id is not None else context.user_id
        adoption.source = context.source
        adoption.save()  # change-logged (ChangeLogged)
    return adoption


def adoptions(zone: Jurisdiction | None = None) -> list[PolicyAdoption]:
    """Every adoption, newest year first, with zone and user loaded (one query)."""
    rows = PolicyAdoption.objects.select_related("zone", "adopted_by")
    if zone is not None:
        rows = rows.filter(zone=zone)
    return list(rows.order_by("-year", "zone__name"))


def current_results_q(current) -> Q | None:
    """A filter of ``EvaluationResult`` to the current results (``services.current_runs``):
    each zone's parcels in its current run. None when there is no current run."""
    if not current:
        return None
    runs = {c.run.pk for c in current}
    every_zone = {c.zone.pk for c in current if c.zone is not None} == {z.pk for z in zones()}
    if len(runs) == 1 and every_zone:
        return Q(run_id=runs.pop())  # one run for every zone: no join needed
    q = Q(pk__in=[])
    for c in current:
        if c.zone is None:
            q |= Q(run_id=c.run.pk)
        else:
            q |= Q(run_id=c.run.pk, parcel__jurisdiction__path__startswith=c.zone.path)
    return q
