"""Supervision agreements (履约监管协议, 标准地): commitments per parcel, the yearly check against
the indicator reports, and the first-quarter review of enterprises in the park ≥ 1 year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from landcycle.core.units import parse_unit
from landcycle.ledger.models import IndicatorReport, Parcel

from ..models import AgreementTerm, SupervisionAgreement
from ..rules import RulesError, convert_quantity, rules
from ..workcalendar import add_calendar_period, add_months
from . import LifecycleError

Ind = AgreementTerm.Indicator
# The canonical unit each indicator is compared in ("" = a plain number: percent, stars).
CANONICAL = {
    Ind.INVESTMENT_PER_HA: "10k_cny/ha",
    Ind.TAX_PER_HA: "10k_cny/ha",
    Ind.OUTPUT_PER_HA: "10k_cny/ha",
    Ind.ENERGY_EFFICIENCY: "10k_cny/tce",
    Ind.RD_INTENSITY: "",
    Ind.GREEN_BUILDING_STARS: "",
}
PLAIN_UNITS = {
    Ind.RD_INTENSITY: ("%", "percent"),
    Ind.GREEN_BUILDING_STARS: ("星", "star", "stars"),
}


def unit_label(key: str) -> str:
    """The Chinese label of a canonical unit key ("10k_cny/ha" → "万元/公顷"; "" stays "")."""
    return parse_unit(key).label if key else ""


def canonical_value(indicator: str, value: float, unit: str) -> float:
    if indicator not in CANONICAL:
        raise LifecycleError(f"未知指标 {indicator!r}")
    if not CANONICAL[indicator]:
        if unit not in PLAIN_UNITS[indicator]:
            raise LifecycleError(f"{Ind(indicator).label} 的单位应为 {PLAIN_UNITS[indicator][0]}")
        return value
    try:
        return convert_quantity(value, unit, CANONICAL[indicator])
    except (RulesError, ValueError) as exc:
        raise LifecycleError(f"{Ind(indicator).label}: {exc}") from None


def create_agreement(
    *,
    number: str,
    parcel: Parcel,
    enterprise,
    signed_on: dt.date,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    attainment_due: dt.date | None = None,
    terms: list[dict] | None = None,
) -> SupervisionAgreement:
    """An agreement with its terms (default: the rules' default terms); attainment in the rules'
    ``agreements.attainment_within`` (3 years) unless given. ``terms``: dicts of indicator, op,
    value, unit (e.g. 万元/公顷), from_year. Raises LifecycleError listing every problem."""
    policy = rules()
    terms = terms if terms is not None else list(policy.get("agreements", "default_terms"))
    errors = []
    for index, term in enumerate(terms, start=1):
        try:
            canonical_value(term.get("indicator"), float(term.get("value")), term.get("unit", ""))
        except (LifecycleError, TypeError, ValueError) as exc:
            errors.append(f"承诺 {index}: {exc}")
        if term.get("op", ">=") not in AgreementTerm.Op.values:
            errors.append(f"承诺 {index}: 比较 {term.get('op')!r} 无效")
    if not str(number).strip():
        errors.append("请填写协议编号")
    elif SupervisionAgreement.objects.filter(number=number).exists():
        errors.append(f"协议编号 {number} 已存在")
    if enterprise is None:
        errors.append("请指定乙方企业")
    if valid_to is not None and valid_to < (valid_from or signed_on):
        errors.append(f"有效期止 {valid_to} 早于有效期起 {valid_from or signed_on}")
    if len({t.get("indicator") for t in terms}) != len(terms):
        errors.append("同一指标只能承诺一次")
    if errors:
        raise LifecycleError("; ".join(errors))
    attainment_due = attainment_due or add_calendar_period(
        signed_on, policy.period("agreements", "attainment_within")
    )
    with transaction.atomic():
        agreement = SupervisionAgreement.objects.create(
            number=number,
            parcel=parcel,
            enterprise=enterprise,
            signed_on=signed_on,
            valid_from=valid_from or signed_on,
            valid_to=valid_to,
            attainment_due=attainment_due,
        )
        AgreementTerm.objects.bulk_create(
            AgreementTerm(
                agreement=agreement,
                indicator=t["indicator"],
                op=t.get("op", ">="),
                value=float(t["value"]),
                unit=t["unit"],
                from_year=t.get("from_year"),
            )
            for t in terms
        )
    return agreement


MAX_GREEN_BUILDING_STARS = 3  # 绿色建筑评价标准 GB/T 50378-2019: 一星级 to 三星级


def expire(agreement: SupervisionAgreement, *, on: dt.date) -> SupervisionAgreement:
    """An active agreement whose validity ended on or before ``on`` becomes 已到期.

    Raises LifecycleError when it is not active, has no end date or is still valid on ``on``.
    """
    if agreement.status != SupervisionAgreement.Status.ACTIVE:
        raise LifecycleError(f"协议{agreement.get_status_display()}，不能到期")
    if agreement.valid_to is None or on < agreement.valid_to:
        raise LifecycleError(f"协议有效期至 {agreement.valid_to or '未约定'}，{on} 尚未到期")
    agreement.status = SupervisionAgreement.Status.EXPIRED
    agreement.save()
    return agreement


def terminate(agreement: SupervisionAgreement, *, on: dt.date) -> SupervisionAgreement:
    """An active agreement is ended early (解除, e.g. by both parties); the change log keeps
    who and when. Raises LifecycleError unless it is active and ``on`` is not before signing."""
    if agreement.status != SupervisionAgreement.Status.ACTIVE:
        raise LifecycleError(f"协议{agreement.get_status_display()}，不能解除")
    if on < agreement.signed_on:
        raise LifecycleError(f"解除日期 {on} 早于签订日期 {agreement.signed_on}")
    agreement.status = SupervisionAgreement.Status.TERMINATED
    agreement.save()
    return agreement


def review_window(year: int) -> tuple[dt.date, dt.date]:
    """(end of ``year``'s first-quarter review, latest entry date of an enterprise reviewed):
    from the rules' ``annual_review_month_end`` and ``annual_review_min_tenure``."""
    policy = rules()
    month = int(policy.get("agreements", "annual_review_month_end"))
    due = add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)
    tenure = policy.period("agreements", "annual_review_min_tenure")
    if tenure.unit not in ("months", "years"):
        raise LifecycleError("annual_review_min_tenure must be in months or years")
    return due, add_months(due, -tenure.value * (12 if tenure.unit == "years" else 1))


def review_due(agreement: SupervisionAgreement, year: int) -> dt.date | None:
    """End of ``year``'s first-quarter review if the agreement is in it (active, in the park
    long enough by then), else None (seeds/003 附件 五)."""
    due, latest_entry = review_window(year)
    active = agreement.status == SupervisionAgreement.Status.ACTIVE
    return due if active and agreement.valid_from <= latest_entry else None


def record_green_building(
    agreement: SupervisionAgreement, *, stars: int | None
) -> SupervisionAgreement:
    """The certified green-building stars (1–3; None: not certified yet), read by the check."""
    if stars is not None and not 1 <= int(stars) <= MAX_GREEN_BUILDING_STARS:
        raise LifecycleError(f"绿色建筑星级 {stars!r} 无效（1–{MAX_GREEN_BUILDING_STARS}）")
    agreement.green_building_stars = None if stars is None else int(stars)
    agreement.save()
    return agreement


@dataclass(frozen=True)
class Breach:
    agreement_id: int
    number: str
    parcel_code: str
    enterprise: str
    indicator: str
    committed: float  # canonical unit
    actual: float | None  # None: no figures reported
    unit: str  # the canonical unit's Chinese label (万元/公顷), or the term's (%, 星)
    reason: str


# The commitments' names for the report's figures (IndicatorReport.FIGURES) the check reads;
# investment last: it is also summed over the years.
CHECKED_FIGURES = {
    "output": "output_10k_cny",
    "revenue": "revenue_10k_cny",
    "tax": "tax_10k_cny",
    "value_added": "value_added_10k_cny",
    "energy": "energy_tce",
    "rd": "rd_expense_10k_cny",
    "investment": "investment_10k_cny",
}


def _figures(agreements, year: int) -> dict[int, dict[str, float | None]]:
    """Per agreement: the year's figures on its parcel (direct, or the enterprise's report split
    by the area it holds) and cumulative investment up to the year. Two queries."""
    enterprises = {a.enterprise_id for a in agreements}
    held: dict[int, float] = defaultdict(float)
    for holder, area in Parcel.objects.filter(holder_id__in=enterprises).values_list(
        "holder_id", "registered_area_m2"
    ):
        held[holder] += area
    reports = IndicatorReport.objects.filter(
        enterprise_id__in=enterprises, year__lte=year
    ).values_list("enterprise_id", "parcel_id", "year", *CHECKED_FIGURES.values())
    by_enterprise = defaultdict(list)
    for row in reports:
        by_enterprise[row[0]].append(row)
    out = {}
    names = tuple(CHECKED_FIGURES)
    for a in agreements:
        area = a.parcel.registered_area_m2
        sums: dict[str, float | None] = dict.fromkeys(names)
        invested = None
        for _e, parcel_id, y, *values in by_enterprise[a.enterprise_id]:
            if parcel_id is not None and parcel_id != a.parcel_id:
                continue
            share = (
                1.0
                if parcel_id == a.parcel_id
                else (area / held[a.enterprise_id] if held[a.enterprise_id] else 0.0)
            )
            if values[-1] is not None:
                invested = (invested or 0.0) + values[-1] * share
            if y == year:
                for name, value in zip(names, values, strict=True):
                    if value is not None:
                        sums[name] = (sums[name] or 0.0) + value * share
        sums["cumulative_investment"] = invested
        out[a.pk] = sums
    return out


def _actual(indicator: str, figures: dict, area_ha: float, agreement) -> float | None:
    def per_ha(value):
        return None if value is None or not area_ha else value / area_ha

    if indicator == Ind.INVESTMENT_PER_HA:
        return per_ha(figures["cumulative_investment"])
    if indicator == Ind.TAX_PER_HA:
        return per_ha(figures["tax"])
    if indicator == Ind.OUTPUT_PER_HA:
        return per_ha(figures["output"])
    if indicator == Ind.ENERGY_EFFICIENCY:
        va, energy = figures["value_added"], figures["energy"]
        return None if va is None or not energy else va / energy
    if indicator == Ind.RD_INTENSITY:
        rd, revenue = figures["rd"], figures["revenue"]
        return None if rd is None or not revenue else rd / revenue * 100
    return None if agreement.green_building_stars is None else float(agreement.green_building_stars)


def check_year(year: int, agreements=None) -> list[Breach]:
    """Every breach of an active agreement's terms in ``year`` (terms apply from their
    ``from_year``, else from the attainment year). Four queries whatever the count."""
    if agreements is None:
        agreements = SupervisionAgreement.objects.filter(status=SupervisionAgreement.Status.ACTIVE)
    agreements = list(agreements.select_related("parcel", "enterprise").prefetch_related("terms"))
    figures = _figures(agreements, year)
    out = []
    for a in agreements:
        area_ha = a.parcel.registered_area_m2 / 10_000
        for term in a.terms.all():
            if year < (term.from_year or a.attainment_due.year):
                continue
            committed = canonical_value(term.indicator, term.value, term.unit)
            actual = _actual(term.indicator, figures[a.pk], area_ha, a)
            unit = unit_label(CANONICAL[term.indicator]) or term.unit
            label = Ind(term.indicator).label
            if actual is None:
                reason = f"{year}年{label}无数据（未报送或无法计算）"
            elif (term.op == ">=" and actual < committed) or (
                term.op == "<=" and actual > committed
            ):
                reason = f"{year}年{label} {actual:,.2f} {'低于' if term.op == '>=' else '高于'}承诺 {committed:,.2f} {unit}"
            else:
                continue
            out.append(
                Breach(
                    a.pk,
                    a.number,
                    a.parcel.code,
                    a.enterprise.name,
                    term.indicator,
                    committed,
                    actual,
                    unit,
                    reason,
                )
            )
    return out


@dataclass(frozen=True)
class AnnualReview:
    year: int
    due: dt.date  # end of the first quarter
    agreements: list[SupervisionAgreement]  # enterprises in the park ≥ 1 year
    breaches: list[Breach]  # on the previous year's figures


def annual_review(year: int, agreements=None) -> AnnualReview:
    """The first-quarter review of ``year`` (seeds/003 附件 五): enterprises in the park for a
    year or more by the end of the quarter, checked on the previous year's figures.
    ``agreements``: the queryset to review (default all; pages pass the user's rows)."""
    due, latest_entry = review_window(year)
    if agreements is None:
        agreements = SupervisionAgreement.objects.all()
    agreements = agreements.filter(
        status=SupervisionAgreement.Status.ACTIVE, valid_from__lte=latest_entry
    )
    listed = list(agreements.select_related("parcel", "enterprise").order_by("number"))
    return AnnualReview(year, due, listed, check_year(year - 1, agreements))
