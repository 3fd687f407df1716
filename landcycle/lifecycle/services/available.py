"""The annual available-land list (年度可供土地清单, seeds/004 任务8): draft → approved → published.

``published_available_land()`` is what the public portal reads: published lists only, and only
the fields named in ``rules.toml`` [available_land].public_fields.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from landcycle.ledger.models import Jurisdiction

from ..models import AvailableLandEntry, AvailableLandList, StockLandCase
from ..rules import rules
from . import LifecycleError

Status = AvailableLandList.Status

# Stock categories map one to one onto list categories.
_FROM_STOCK = {c: c for c in ("unsupplied", "idle", "low_efficiency")}


def create_list(year: int, jurisdiction: Jurisdiction, title: str = "") -> AvailableLandList:
    """A draft list of ``jurisdiction`` for ``year`` (one per year and jurisdiction).

    Raises LifecycleError for a missing jurisdiction, a year outside 2000–2100 or a list that
    exists already. Source: seeds/004 任务8."""
    if jurisdiction is None:
        raise LifecycleError("须选择区域")
    if year is None or not 2000 <= int(year) <= 2100:
        raise LifecycleError(f"年度 {year!r} 无效（2000–2100）")
    existing = AvailableLandList.objects.filter(year=year, jurisdiction=jurisdiction).first()
    if existing is not None:
        raise LifecycleError(
            f"{jurisdiction.name}{year}年度已有清单「{existing.title}」（{existing.get_status_display()}）"
        )
    return AvailableLandList.objects.create(
        year=year,
        jurisdiction=jurisdiction,
        title=title or f"{jurisdiction.name}{year}年度可供土地清单",
    )


def add_entries(land_list: AvailableLandList, entries: list[dict]) -> int:
    """Add parcels: dicts with parcel, category, cost_10k_cny, conditions, procedure, time_days.
    Only a draft can change; every entry is checked before any is written."""
    if land_list.status != Status.DRAFT:
        raise LifecycleError(f"清单「{land_list.get_status_display()}」，只有草稿可以修改")
    errors, rows = [], []
    present = set(land_list.entries.values_list("parcel_id", flat=True))
    for index, item in enumerate(entries, start=1):
        parcel = item.get("parcel")
        where = f"第{index}条 ({getattr(parcel, 'code', '?')})"
        if parcel is None:
            errors.append(f"{where}: 宗地为空")
            continue
        if not parcel.jurisdiction.path.startswith(land_list.jurisdiction.path):
            errors.append(f"{where}: 宗地不在{land_list.jurisdiction.name}范围内")
        if parcel.pk in present:
            errors.append(f"{where}: 宗地已在清单中")
        if item.get("category") not in AvailableLandEntry.Category.values:
            errors.append(f"{where}: 土地类型 {item.get('category')!r} 无效")
        cost = item.get("cost_10k_cny")
        if cost is not None and cost < 0:
            errors.append(f"{where}: 用地成本不能为负")
        for key in ("conditions", "procedure"):
            if not str(item.get(key, "")).strip():
                errors.append(
                    f"{where}: {AvailableLandEntry._meta.get_field(key).verbose_name}为空"
                )
        if item.get("time_days") in (None, "") or int(item["time_days"]) <= 0:
            errors.append(f"{where}: 供地周期须为正整数（日）")
        present.add(parcel.pk)
        rows.append(
            AvailableLandEntry(
                land_list=land_list,
                **{
                    k: item.get(k)
                    for k in (
                        "parcel",
                        "category",
                        "cost_10k_cny",
                        "conditions",
                        "procedure",
                        "time_days",
                    )
                },
            )
        )
    if errors:
        raise LifecycleError("; ".join(errors))
    AvailableLandEntry.objects.bulk_create(rows)
    return len(rows)


def suggest_from_stock(land_list: AvailableLandList) -> list[dict]:
    """Open stock-land cases in the list's area as draft entries (cost etc. left to the officer)."""
    cases = StockLandCase.objects.filter(
        status__in=StockLandCase.OPEN_STATUSES,
        parcel__jurisdiction__path__startswith=land_list.jurisdiction.path,
    ).select_related("parcel", "parcel__jurisdiction")
    seen, out = set(land_list.entries.values_list("parcel_id", flat=True)), []
    for case in cases:
        if case.parcel_id in seen:
            continue
        seen.add(case.parcel_id)
        out.append({"parcel": case.parcel, "category": _FROM_STOCK[case.category]})
    return out


def approve(land_list: AvailableLandList, *, user, on: dt.date) -> AvailableLandList:
    if land_list.status != Status.DRAFT:
        raise LifecycleError(f"清单「{land_list.get_status_display()}」，不能审核")
    if user is None:
        raise LifecycleError("审核须由经办人员完成 (user)")
    if not land_list.entries.exists():
        raise LifecycleError("清单为空，不能审核")
    land_list.status, land_list.approved_by, land_list.approved_on = Status.APPROVED, user, on
    land_list.save()
    return land_list


def publish(land_list: AvailableLandList, *, on: dt.date) -> AvailableLandList:
    if land_list.status != Status.APPROVED:
        raise LifecycleError(f"清单「{land_list.get_status_display()}」，须先审核后公开")
    land_list.status, land_list.published_on = Status.PUBLISHED, on
    land_list.save()
    return land_list


def withdraw(land_list: AvailableLandList) -> AvailableLandList:
    """Back to draft (e.g. a correction): the portal stops showing it at once."""
    if land_list.status == Status.DRAFT:
        raise LifecycleError("清单已是草稿")
    with transaction.atomic():
        land_list.status, land_list.published_on = Status.DRAFT, None
        land_list.approved_by, land_list.approved_on = None, None
        land_list.save()
    return land_list


def published_available_land(
    year: int | None = None, jurisdiction: Jurisdiction | None = None
) -> list[dict]:
    """Entries of published lists as plain dicts of public fields only (one query)."""
    entries = AvailableLandEntry.objects.filter(land_list__status=Status.PUBLISHED)
    if year is not None:
        entries = entries.filter(land_list__year=year)
    if jurisdiction is not None:
        entries = entries.filter(parcel__jurisdiction__path__startswith=jurisdiction.path)
    public = list(rules().get("available_land", "public_fields"))
    labels = dict(AvailableLandEntry.Category.choices)
    rows = entries.order_by("land_list__year", "parcel__code").values_list(
        "land_list__year",
        "parcel__code",
        "parcel__name",
        "parcel__jurisdiction__name",
        "parcel__land_use",
        "parcel__registered_area_m2",
        "category",
        "cost_10k_cny",
        "conditions",
        "procedure",
        "time_days",
        "parcel__geometry_wkt",
    )
    out = []
    for (
        list_year,
        code,
        name,
        place,
        use,
        area,
        category,
        cost,
        conditions,
        procedure,
        days,
        wkt,
    ) in rows:
        full = {
            "year": list_year,
            "parcel_code": code,
            "name": name,
            "jurisdiction": place,
            "land_use": use,
            "area_m2": area,
            "category": category,
            "category_label": labels.get(category, category),
            "cost_10k_cny": cost,
            "conditions": conditions,
            "procedure": procedure,
            "time_days": days,
            "geometry_wkt": wkt,
        }
        out.append(
            {k: v for k, v in full.items() if k in public or k in ("year", "category_label")}
        )
    return out
