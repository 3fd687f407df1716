"""Renewal of low-efficiency industrial land (seeds/002): street task tables, progress computed
from the recorded projects and enterprise measures, street ranking and reward, plan checks."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from landcycle.core.units import MU, Dimension, UnknownUnit, split_header, unit_named
from landcycle.imports.tables import column_letter
from landcycle.ledger.models import Enterprise, IndicatorReport, Jurisdiction, Parcel

from ..models import EnterpriseMeasure, RenewalProject, StreetTarget, TaskTable
from ..models.renewal import TargetIndicator
from ..rules import rules
from . import LifecycleError

Ind = TargetIndicator
LABELS = {label: key for key, label in Ind.choices}
TOTAL_ROW = ("全区", "合计", "总计", "district")
STREET_HEADERS = ("街道", "街道（区块）", "街道(区块)", "street", "")
# Units a target may be given in, and the factor to the stored unit of its indicator.
STORED_UNIT = {
    Ind.BLOCKS_RENOVATED: "个",
    Ind.RENOVATED_LAND: "m2",
    Ind.FAR_PROJECTS: "个",
    Ind.NEW_FLOOR_AREA: "m2",
    Ind.ENTERPRISES_HELPED: "家",
    Ind.POLLUTERS_REMEDIATED: "家",
    Ind.GREEN_FACTORIES: "家",
    Ind.TAX_PER_MU_GROWTH: "%",
}
ADDITIVE = [k for k in Ind.values if k != Ind.TAX_PER_MU_GROWTH]


def _factor(indicator: str, unit: str | None) -> float:
    stored = STORED_UNIT[indicator]
    if stored != "m2":
        if unit not in (None, stored, "个", "家", "项", "%"):
            raise LifecycleError(f"单位 {unit!r} 不适用于{Ind(indicator).label}")
        return 1.0
    if unit is None:
        raise LifecycleError(f"{Ind(indicator).label} 须在表头注明面积单位")
    try:
        if unit.startswith("万") and unit != "万元":
            named, scale = unit_named(unit[1:]), 10_000
        else:
            named, scale = unit_named(unit), 1
    except UnknownUnit:
        raise LifecycleError(f"未知单位 {unit!r}") from None
    if named.dimension != Dimension.AREA:
        raise LifecycleError(f"{Ind(indicator).label} 的单位 {unit!r} 不是面积单位")
    return scale * named.factor


@dataclass
class ParsedTable:
    district_totals: dict[str, float]
    streets: dict[str, dict[str, float]]  # street name → indicator → value (stored units)
    units: dict[str, str] = field(default_factory=dict)


def read_rows(path: Path) -> tuple[str, list[tuple[int, list[str]]]]:
    """(where: file and sheet, [(row number as the user sees it, cells as text)]) of a task
    table file.

    Read by the import's own readers (``landcycle.imports.readers``), so the same size and cell
    limits (``imports.limits``), encodings (UTF-8 / GBK CSV) and workbook kinds (.xlsx .xls
    .ods …) apply as to a ledger import; the first sheet holding anything is the table. Raises
    LifecycleError naming the file or sheet and why it could not be read.
    """
    from landcycle.imports.readers import read_file
    from landcycle.imports.readers.shapes import ROW, Inputs

    path = Path(path)
    if not path.is_file():
        raise LifecycleError(f"{path.name}: 文件不存在 file not found")
    inputs = Inputs()
    read_file(path, inputs, alone=True)
    errors = [p for p in inputs.problems if not p.warning]
    if errors:
        raise LifecycleError("; ".join(p.line() for p in errors))
    for grid in inputs.grids:
        if grid.frame.height and len(grid.frame.columns) > 1:
            cells = [c for c in grid.frame.columns if c != ROW]
            rows = grid.frame.select(ROW, *cells).rows()
            where = path.name if grid.name == path.stem else f"{path.name}「{grid.name}」"
            return where, [(row[0], ["" if v is None else v for v in row[1:]]) for row in rows]
    raise LifecycleError(f"{path.name}: 空表 (no cells)")


def parse_task_table(text_or_rows, source: str = "") -> ParsedTable:
    """Read a task decomposition table: a street column, one column per indicator with its
    unit in the header, a 全区 row and one row per street.

    ``text_or_rows``: CSV text, rows of cells, or ``(row number, cells)`` pairs as
    ``read_rows`` gives them. Every error names the row (as the user sees it), the column
    (number, letter and header) and the value; the streets must add up to the 全区 row.
    Raises LifecycleError with all errors. Source: seeds/002 附件2.
    """
    if isinstance(text_or_rows, str):
        rows = list(csv.reader(io.StringIO(text_or_rows.lstrip("\ufeff"))))
    else:
        rows = list(text_or_rows)
    if rows and isinstance(rows[0], tuple) and len(rows[0]) == 2 and isinstance(rows[0][0], int):
        numbered = [(n, [str(c) for c in cells]) for n, cells in rows]
    else:
        numbered = [(n, [str(c) for c in cells]) for n, cells in enumerate(rows, start=1)]
    numbered = [(n, r) for n, r in numbered if any(c.strip() for c in r)]
    if not numbered:
        raise LifecycleError(f"{source}: 空表")
    errors, columns = [], []
    header_number, header = numbered[0][0], [c.strip() for c in numbered[0][1]]

    def at(number: int, col: int) -> str:
        return f"{source} 第{number}行 第{col}列({column_letter(col - 1)})"

    if header[0] not in STREET_HEADERS:
        errors.append(f"{at(header_number, 1)}: 应为「街道」，而非 {header[0]!r}")
    for col, cell in enumerate(header[1:], start=2):
        base, unit = split_header(cell)
        key = LABELS.get(base) or (base if base in Ind.values else None)
        if key is None:
            errors.append(f"{at(header_number, col)}: 未知指标 {base!r}")
            continue
        try:
            columns.append((col, key, _factor(key, unit), unit or ""))
        except LifecycleError as exc:
            errors.append(f"{at(header_number, col)}「{cell}」: {exc}")
    totals, streets = None, {}
    for number, row in numbered[1:]:
        name = row[0].strip()
        values = {}
        for col, key, factor, _unit in columns:
            cell = row[col - 1].strip() if col - 1 < len(row) else ""
            try:
                value = float(cell.replace(",", "")) * factor
            except ValueError:
                value = None
            if value is None or not math.isfinite(value) or value < 0:
                errors.append(
                    f"{at(number, col)} ({name})「{header[col - 1]}」: {cell!r} 不是非负数字"
                )
                continue
            values[key] = value
        if not name:
            errors.append(f"{source} 第{number}行: 街道为空")
        elif name in TOTAL_ROW:
            totals = values
        elif name in streets:
            errors.append(f"{source} 第{number}行: 街道 {name} 重复")
        else:
            streets[name] = values
    if totals is None:
        errors.append(f"{source}: 缺少「全区」行")
    elif not streets:
        errors.append(f"{source}: 没有街道行")
    elif not errors:
        for _col, key, factor, unit in columns:
            if key not in ADDITIVE:
                continue
            total = sum(v[key] for v in streets.values())
            if not math.isclose(total, totals[key], rel_tol=1e-9, abs_tol=1e-6):
                errors.append(
                    f"{source}: {Ind(key).label} 各街道合计 {total / factor:g}{unit}"
                    f" ≠ 全区 {totals[key] / factor:g}{unit}"
                )
    if errors:
        raise LifecycleError("; ".join(errors))
    return ParsedTable(totals, streets, {k: STORED_UNIT[k] for _, k, _, _ in columns})


def _street(district: Jurisdiction, name: str, children: list[Jurisdiction]) -> Jurisdiction:
    """The district's street called ``name`` or ``name``+街道/区… (新碶 → 新碶街道); created under
    the district if it has none."""
    for candidates in (children, [c for c in children if c.name.startswith(name)]):
        exact = [c for c in candidates if c.name == name]
        if exact:
            return exact[0]
        if len(candidates) == 1 and candidates is not children:
            return candidates[0]
    return Jurisdiction.objects.create(name=name, parent=district, kind=Jurisdiction.Kind.STREET)


def import_task_table(
    path: Path | str,
    *,
    district_name: str = "",
    name: str,
    start_year: int,
    end_year: int,
    source: str = "",
    district: Jurisdiction | None = None,
) -> TaskTable:
    """Validate the whole table first, then write it in one transaction (replacing a table of
    the same name and district). ``district`` (a Jurisdiction) or ``district_name`` (found, or
    created as a district). Raises LifecycleError (nothing written) naming file, sheet, row,
    column and value of every problem. Source: seeds/002 附件2."""
    path = Path(path)
    if not (name or "").strip():
        raise LifecycleError("任务表名称为空")
    if start_year > end_year:
        raise LifecycleError(f"起始年度 {start_year} 晚于终止年度 {end_year}")
    where, rows = read_rows(path)
    parsed = parse_task_table(rows, where)
    with transaction.atomic():
        if district is None:
            district = Jurisdiction.objects.filter(name=district_name).order_by("path").first()
        if district is None:
            district = Jurisdiction.objects.create(
                name=district_name, kind=Jurisdiction.Kind.DISTRICT
            )
        TaskTable.objects.filter(district=district, name=name).delete()
        table = TaskTable.objects.create(
            name=name.strip(),
            source=source or path.name,
            district=district,
            start_year=start_year,
            end_year=end_year,
            district_totals=parsed.district_totals,
        )
        children = list(district.children.all())
        rows = []
        for street_name, values in parsed.streets.items():
            street = _street(district, street_name, children)
            rows += [
                StreetTarget(table=table, street=street, indicator=k, value=v, unit=parsed.units[k])
                for k, v in values.items()
            ]
        StreetTarget.objects.bulk_create(rows)
    return table


def street_totals(table: TaskTable) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for indicator, value in table.targets.values_list("indicator", "value"):
        out[indicator] += value
    return dict(out)


# ---- progress -------------------------------------------------------------------------------


@dataclass
class StreetProgress:
    street_id: int
    street: str
    targets: dict[str, float]
    actual: dict[str, float | None]
    renovated_mu: float = 0.0
    completion: float = 0.0  # mean over additive indicators of min(actual / target, 1)
    rank: int | None = None
    reward_rate: float | None = None  # 万元/亩
    reward_10k_cny: float | None = None

    def ratio(self, indicator: str) -> float | None:
        target, actual = self.targets.get(indicator), self.actual.get(indicator)
        if not target or actual is None:
            return None
        return actual / target


def progress(table: TaskTable, as_of: dt.date) -> list[StreetProgress]:
    """Each street's progress against its targets on ``as_of``, from the recorded projects and
    measures (a few queries in all), ranked, with the reward of streets that completed."""
    start = dt.date(table.start_year, 1, 1)
    end = min(as_of, dt.date(table.end_year, 12, 31))
    targets: dict[int, dict[str, float]] = defaultdict(dict)
    names = {}
    for street_id, street_name, indicator, value in table.targets.values_list(
        "street_id", "street__name", "indicator", "value"
    ):
        targets[street_id][indicator] = value
        names[street_id] = street_name
    actual = {sid: defaultdict(float) for sid in targets}
    projects = RenewalProject.objects.filter(street_id__in=targets).values_list(
        "street_id",
        "kind",
        "status",
        "land_area_m2",
        "new_floor_area_m2",
        "started_on",
        "completed_on",
    )
    for sid, kind, status, land, floor, started, completed in projects:
        done = status == RenewalProject.Status.COMPLETED and completed and start <= completed <= end
        if kind == RenewalProject.Kind.BLOCK and done:
            actual[sid][Ind.BLOCKS_RENOVATED] += 1
            actual[sid][Ind.RENOVATED_LAND] += land
        if kind == RenewalProject.Kind.FAR and started and start <= started <= end:
            actual[sid][Ind.FAR_PROJECTS] += 1  # 推进: counted once works start
        if done:
            actual[sid][Ind.NEW_FLOOR_AREA] += floor or 0
    measure_key = {
        EnterpriseMeasure.Kind.HELPED: Ind.ENTERPRISES_HELPED,
        EnterpriseMeasure.Kind.REMEDIATED: Ind.POLLUTERS_REMEDIATED,
        EnterpriseMeasure.Kind.GREEN_FACTORY: Ind.GREEN_FACTORIES,
    }
    for sid, kind in EnterpriseMeasure.objects.filter(
        street_id__in=targets, completed_on__gte=start, completed_on__lte=end
    ).values_list("street_id", "kind"):
        actual[sid][measure_key[kind]] += 1
    growth = tax_per_mu_growth(list(targets), table.start_year - 1, end.year)
    out = []
    for sid, street_targets in targets.items():
        values: dict[str, float | None] = {k: actual[sid].get(k, 0.0) for k in ADDITIVE}
        values[Ind.TAX_PER_MU_GROWTH] = growth.get(sid)
        item = StreetProgress(sid, names[sid], street_targets, values)
        item.renovated_mu = values[Ind.RENOVATED_LAND] / MU.factor
        ratios = [min(item.ratio(k), 1.0) for k in ADDITIVE if item.ratio(k) is not None]
        item.completion = sum(ratios) / len(ratios) if ratios else 0.0
        out.append(item)
    _rank_and_reward(out)
    return out


def _rank_and_reward(items: list[StreetProgress]) -> None:
    policy = rules()
    bands = sorted(policy.get("renewal", "reward_bands"), key=lambda b: b["top_share"])
    min_completion = float(policy.get("renewal", "reward_min_completion"))
    overshoot = {i.street_id: sum(i.ratio(k) or 0 for k in ADDITIVE) for i in items}
    items.sort(key=lambda i: (-i.completion, -overshoot[i.street_id], i.street))
    n = len(items)
    for position, item in enumerate(items, start=1):
        item.rank = position
        if item.completion < min_completion:
            continue
        for band in bands:
            if position / n <= band["top_share"] + 1e-9:
                item.reward_rate = float(band["rate"])
                item.reward_10k_cny = round(item.reward_rate * item.renovated_mu, 2)
                break


def tax_per_mu_growth(street_ids: list[int], base_year: int, last_year: int) -> dict[int, float]:
    """Average yearly growth (%) of above-scale enterprises' tax per 亩 in each street, from
    ``base_year`` to the latest year ≤ ``last_year`` with figures. An enterprise's tax counts in
    a street in proportion to the area it holds there. Two queries."""
    held: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for holder, sid, area in Parcel.objects.filter(
        jurisdiction_id__in=street_ids, holder__scale=Enterprise.Scale.ABOVE
    ).values_list("holder_id", "jurisdiction_id", "registered_area_m2"):
        held[holder][sid] += area
    tax: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    reports = IndicatorReport.objects.filter(
        enterprise_id__in=list(held),
        year__gte=base_year,
        year__lte=last_year,
        tax_10k_cny__isnull=False,
    ).values_list("enterprise_id", "year", "tax_10k_cny")
    for enterprise, year, amount in reports:
        total = sum(held[enterprise].values())
        for sid, area in held[enterprise].items():
            tax[sid][year] += amount * area / total
    out = {}
    for sid in street_ids:
        years = tax.get(sid, {})
        area_mu = sum(h[sid] for h in held.values() if sid in h) / MU.factor
        later = [y for y in years if y > base_year]
        if base_year not in years or not later or not area_mu or years[base_year] <= 0:
            continue
        last = max(later)
        ratio = years[last] / years[base_year]  # the same area both years: per-mu ratio
        out[sid] = round((ratio ** (1 / (last - base_year)) - 1) * 100, 2)
    return out


# ---- projects and measures ----------------------------------------------------------------


def create_project(
    *,
    name: str,
    street: Jurisdiction,
    kind: str,
    mode: str,
    path: str,
    land_area_m2: float,
    parcels=(),
    **plan,
) -> RenewalProject:
    """Record a renewal project (状态: 计划) with its parcels; the plan is checked when approved.

    ``kind``/``mode``/``path``: RenewalProject's choices; ``land_area_m2`` > 0 in m²; ``plan``:
    planned_far, planned_floor_area_m2, admin_living_land_m2, admin_living_floor_m2 (m²) and
    far_exception_reason. Raises LifecycleError naming each bad field. Source: seeds/002 四、五.
    """
    R = RenewalProject
    allowed = {
        "planned_far",
        "planned_floor_area_m2",
        "admin_living_land_m2",
        "admin_living_floor_m2",
        "far_exception_reason",
    }
    errors = [f"未知字段 {key}" for key in sorted(set(plan) - allowed)]
    if not (name or "").strip():
        errors.append("项目名称为空")
    if street is None:
        errors.append("须指定街道")
    for label, value, choices in (
        ("项目类型", kind, R.Kind),
        ("改造模式", mode, R.Mode),
        ("改造路径", path, R.Path),
    ):
        if value not in choices.values:
            errors.append(f"{label} {value!r} 无效")
    if land_area_m2 is None or land_area_m2 <= 0:
        errors.append(f"涉企用地面积 {land_area_m2!r} 平方米无效（须 > 0）")
    for key in ("planned_far", "planned_floor_area_m2", "admin_living_land_m2"):
        if plan.get(key) is not None and plan[key] < 0:
            errors.append(f"{R._meta.get_field(key).verbose_name} 不能为负")
    if errors:
        raise LifecycleError("; ".join(errors))
    with transaction.atomic():
        project = R.objects.create(
            name=name.strip(),
            street=street,
            kind=kind,
            mode=mode,
            path=path,
            land_area_m2=float(land_area_m2),
            **{k: v for k, v in plan.items() if v is not None},
        )
        if parcels:
            project.parcels.set(parcels)
    return project


PLAN_FIELDS = (
    "planned_far",
    "planned_floor_area_m2",
    "admin_living_land_m2",
    "admin_living_floor_m2",
    "far_exception_reason",
)


def revise_plan(project: RenewalProject, **plan) -> RenewalProject:
    """Change the plan of a project not yet approved (状态: 计划): ``plan`` holds any of
    PLAN_FIELDS (m², FAR, reason). The checks run again at approval (``check_plan``). Raises
    LifecycleError once the plan is approved, for unknown fields or negative figures.
    Source: seeds/002 六(五)."""
    if project.status != RenewalProject.Status.PLANNED:
        raise LifecycleError(f"项目处于「{project.get_status_display()}」，方案已批准，不能修改")
    errors = [f"未知字段 {key}" for key in sorted(set(plan) - set(PLAN_FIELDS))]
    for key, value in plan.items():
        if key in PLAN_FIELDS[:4] and value is not None and value < 0:
            errors.append(f"{RenewalProject._meta.get_field(key).verbose_name} 不能为负")
    if errors:
        raise LifecycleError("; ".join(errors))
    for key, value in plan.items():
        if key in ("admin_living_land_m2", "admin_living_floor_m2"):
            value = value or 0.0
        elif key == "far_exception_reason":
            value = (value or "").strip()
        setattr(project, key, value)
    project.save()
    return project


def record_measure(
    *, enterprise: Enterprise, street: Jurisdiction, kind: str, completed_on: dt.date, note=""
) -> EnterpriseMeasure:
    """An enterprise helped, remediated or certified green in a street (counted by progress).

    One measure of each kind per enterprise; raises LifecycleError if recorded already or the
    kind is unknown. Source: seeds/002 三 (帮扶提升、散乱污整治、绿色工厂).
    """
    if kind not in EnterpriseMeasure.Kind.values:
        raise LifecycleError(f"类型 {kind!r} 无效")
    if completed_on is None:
        raise LifecycleError("须填写完成日期")
    existing = EnterpriseMeasure.objects.filter(enterprise=enterprise, kind=kind).first()
    if existing is not None:
        raise LifecycleError(
            f"{enterprise}「{existing.get_kind_display()}」已于 {existing.completed_on} 记录"
        )
    return EnterpriseMeasure.objects.create(
        enterprise=enterprise, street=street, kind=kind, completed_on=completed_on, note=note
    )


# ---- plans ----------------------------------------------------------------------------------


def check_plan(project: RenewalProject) -> list[str]:
    """Problems of a renewal plan against seeds/002 六(五): FAR ≥ 2.0 in principle;
    administrative and living facilities ≤ 15 % of land and ≤ 30 % of floor area."""
    policy = rules()
    far_min = float(policy.get("renewal", "far_min"))
    land_max = float(policy.get("renewal", "admin_living_land_share_max"))
    floor_max = float(policy.get("renewal", "admin_living_floor_share_max"))
    problems = []
    if project.planned_far is None:
        problems.append("未填写规划容积率")
    elif project.planned_far < far_min and not project.far_exception_reason.strip():
        problems.append(f"规划容积率 {project.planned_far:g} 低于 {far_min:g} 且未说明理由")
    if project.land_area_m2 and project.admin_living_land_m2 / project.land_area_m2 > land_max:
        share = project.admin_living_land_m2 / project.land_area_m2
        problems.append(f"行政办公及生活服务设施用地占 {share:.1%}，超过 {land_max:.0%}")
    if project.admin_living_floor_m2:
        if not project.planned_floor_area_m2:
            problems.append("未填写规划总建筑面积，无法核算配套设施建筑面积占比")
        elif project.admin_living_floor_m2 / project.planned_floor_area_m2 > floor_max:
            share = project.admin_living_floor_m2 / project.planned_floor_area_m2
            problems.append(f"行政办公及生活服务设施建筑面积占 {share:.1%}，超过 {floor_max:.0%}")
    return problems


STEP_LABELS = {"approve_plan": "批准方案", "start": "开工", "complete": "竣工完成"}
R_STATUS_LABELS = dict(RenewalProject.Status.choices)
PROJECT_TRANSITIONS = {
    "approve_plan": ((RenewalProject.Status.PLANNED,), RenewalProject.Status.APPROVED),
    "start": ((RenewalProject.Status.APPROVED,), RenewalProject.Status.IN_PROGRESS),
    "complete": ((RenewalProject.Status.IN_PROGRESS,), RenewalProject.Status.COMPLETED),
}


def transition(project: RenewalProject, action: str, *, on: dt.date, new_floor_area_m2=None):
    """Move a project one step: approve_plan (plan checks must pass), start, complete
    (``new_floor_area_m2`` in m², ≥ 0). Raises LifecycleError with the reasons. seeds/002 四–六."""
    if action not in PROJECT_TRANSITIONS:
        raise LifecycleError(f"未知步骤 {action!r}")
    sources, target = PROJECT_TRANSITIONS[action]
    if project.status not in sources:
        raise LifecycleError(
            f"项目处于「{project.get_status_display()}」，不能执行「{STEP_LABELS[action]}」"
            f"（须处于「{'、'.join(R_STATUS_LABELS[s] for s in sources)}」）"
        )
    if action == "approve_plan":
        problems = check_plan(project)
        if problems:
            raise LifecycleError("方案不符合要求: " + "; ".join(problems))
        project.plan_approved_on = on
    elif action == "start":
        project.started_on = on
    else:
        if new_floor_area_m2 is not None:
            if new_floor_area_m2 < 0:
                raise LifecycleError("新增竣工建筑面积不能为负")
            project.new_floor_area_m2 = new_floor_area_m2
        project.completed_on = on
    project.status = target
    project.save()
    return project
