"""Build the demo district in the database: generate → workbook → import → evaluate.

The evaluation shows the yearly cycle: the previous year's run is published and made final (so
lists, year-over-year moves and low-efficiency land exist), and the latest year's run is put on
public notice (公示), where objections can be raised.

Beilun, a Zhejiang district, adopts ``zhejiang-mujun`` (亩均论英雄) for both years
(``DEMO_POLICY``); the CLI default ``beijing-etown-2023`` is evaluated too for the latest year, as a
what-if draft (模拟试算) that changes nothing outside its own pages.

Re-running is safe: the import upserts by natural key (an unchanged district updates nothing),
and the evaluation reuses the latest run of the same year and policy when the policy file and
the ledger inputs are unchanged (same policy hash and inputs fingerprint); otherwise it stores
a new draft run, left as a draft while another run of the year is on notice or final.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from landcycle.core.context import changes_by
from landcycle.demo.generator import DEFAULT_YEARS, generate_district
from landcycle.demo.workbook import EXCEL_MAX_ROWS, write_csv_folder, write_workbook
from landcycle.web.serve import demo_marker, is_demo_installation  # noqa: F401

WORKBOOK_NAME = "beilun-demo.xlsx"
CSV_FOLDER_NAME = "beilun-demo"
SOURCE = "demo"
DEMO_POLICY = "zhejiang-mujun"  # Beilun's adopted policy (a Zhejiang district: 亩均论英雄)
ADOPTION_REASON = "示范：北仑区属浙江省，按亩均论英雄改革开展亩均效益评价"


class DemoError(Exception):
    pass


@dataclass
class DemoResult:
    path: Path  # the workbook (or CSV folder) that was imported
    import_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: int = 0
    run_id: int | None = None
    run_reused: bool = False
    run_status: str = ""
    notice_end: dt.date | None = None
    previous_run_id: int | None = None
    what_if_run_id: int | None = None
    what_if_policy: str = ""
    what_if_class_counts: dict[str, int] = field(default_factory=dict)
    adoption_note: str = ""
    year: int | None = None
    policy_name: str = ""
    class_counts: dict[str, int] = field(default_factory=dict)
    users: list[dict] = field(default_factory=list)
    lifecycle: dict[str, dict[str, int]] = field(default_factory=dict)
    lifecycle_note: str = ""


def demo_dir() -> Path:
    return Path(settings.DATA_DIR) / "demo"


def write_demo_files(tables, output: Path | None = None, csv: bool = False) -> Path:
    """The workbook in ``output`` (default <data dir>/demo), or CSV files when asked or when a
    sheet is past Excel's row limit."""
    directory = Path(output) if output else demo_dir()
    if csv or max(frame.height for frame in tables.values()) + 1 > EXCEL_MAX_ROWS:
        return write_csv_folder(tables, directory / CSV_FOLDER_NAME)
    return write_workbook(tables, directory / WORKBOOK_NAME)


def workbook_cells(tables) -> int:
    """Cells of the demo workbook (rows × columns over its sheets, headers included)."""
    return sum((frame.height + 1) * frame.width for frame in tables.values())


def import_limit(name: str) -> int:
    """An import limit (``landcycle.imports.limits``), e.g. LANDCYCLE_IMPORT_MAX_CELLS."""
    from landcycle.imports.limits import limit

    return limit(name)


def build_demo(
    parcels: int = 2000,
    seed: int = 2024,
    output: Path | None = None,
    policy_name: str | None = None,
    say: Callable[[str], None] = lambda text: None,
    csv: bool = False,
) -> DemoResult:
    """Generate, write, import and evaluate the demo district; ``say`` reports each step."""
    from landcycle.imports.services import run_import

    clock = time.perf_counter()

    def step(text: str) -> None:
        say(f"{text} ({time.perf_counter() - clock:.1f} s)")

    tables = generate_district(parcels=parcels, seed=seed)
    step(f"生成 generated {parcels:,} 宗地 parcels")
    demo_marker().parent.mkdir(parents=True, exist_ok=True)
    demo_marker().write_text("landcycle demo: serve may use this directory's random key\n")
    if not csv and workbook_cells(tables) > import_limit("LANDCYCLE_IMPORT_MAX_CELLS"):
        # A workbook this large is refused by the import's cell limit (issue 10): the same
        # district as CSV files, which have no such limit, goes through the same importer.
        csv = True
        say("工作簿超过导入的单元格上限，改写为CSV文件 workbook over the cell limit: writing CSV")
    path = write_demo_files(tables, output, csv=csv)
    step(f"示范数据 demo data: {path}")
    with changes_by(source=SOURCE):
        imported = run_import([path])
    step("导入 imported")
    if not imported.ok:
        lines = [p.line() for p in imported.errors[:10]]
        raise DemoError(
            f"导入失败 import failed with {len(imported.errors)} error(s): " + "; ".join(lines)
        )
    result = DemoResult(
        path=path,
        import_counts={sheet: counts.as_dict() for sheet, counts in imported.counts.items()},
        warnings=len(imported.warnings),
    )
    result.year = DEFAULT_YEARS[-1]
    policy_name = policy_name or DEMO_POLICY
    result.adoption_note = adopt_demo_policy(result.year, policy_name)
    run, reused, previous = evaluate_demo_years(result.year, policy_name, dt.date.today())
    step(f"评价 evaluated {result.year - 1} and {result.year}")
    what_if = what_if_run(result.year, policy_name)
    if what_if is not None:
        result.what_if_run_id, result.what_if_policy = what_if.pk, what_if.policy_name
        result.what_if_class_counts = dict(what_if.class_counts)
        step(f"模拟试算 what-if {what_if.policy_name}")
    result.run_id, result.run_reused = run.pk, reused
    result.run_status, result.notice_end = run.get_status_display(), run.notice_end
    result.previous_run_id = previous.pk
    result.policy_name = run.policy_name
    result.class_counts = dict(run.class_counts)
    result.users = _demo_users()
    result.lifecycle, result.lifecycle_note = _lifecycle_cases(dt.date.today())
    step("案件 lifecycle cases")
    return result


def evaluate_demo_years(year: int, policy_name: str | None, today: dt.date):
    """(run of ``year``, reused, final run of the year before), publishing as described above."""
    from landcycle.evaluation import services as evaluation
    from landcycle.evaluation.models import EvaluationRun

    status = EvaluationRun.Status
    policy = evaluation.get_policy(policy_name)
    with changes_by(source=SOURCE):
        previous = evaluation.latest_final_run(year - 1, policy.name)
        if previous is None:
            previous, _ = evaluate_year(year - 1, policy_name)
            if previous.status == status.DRAFT and not _public_run_exists(year - 1, policy.name):
                # Results of a year are published in the middle of the next one.
                previous = evaluation.publish(previous, start=dt.date(year, 6, 1))
            if previous.status == status.NOTICE:
                previous = evaluation.finalize(previous, today=evaluation.final_from(previous))
        run, reused = evaluate_year(year, policy_name)
        if run.status == status.DRAFT and not _public_run_exists(year, policy.name):
            run = evaluation.publish(run, start=today)
    return run, reused, previous


def adopt_demo_policy(year: int, policy_name: str) -> str:
    """Adopt ``policy_name`` for the demo zone for ``year`` and the year before; '' or why not
    (e.g. an older demo database whose runs of another policy are final already)."""
    from landcycle.evaluation import adoption
    from landcycle.evaluation import services as evaluation

    notes = []
    with changes_by(source=SOURCE):
        for each in (year - 1, year):
            try:
                adoption.adopt(each, policy_name, ADOPTION_REASON)
            except evaluation.EvaluationError as exc:
                notes.append(str(exc))
    return "; ".join(notes)


def what_if_run(year: int, adopted_policy: str):
    """The CLI default policy evaluated for ``year`` as a what-if draft (None when it is the
    adopted policy)."""
    from landcycle.evaluation import services as evaluation

    if evaluation.get_policy(None).name == adopted_policy:
        return None
    run, _ = evaluate_year(year, evaluation.DEFAULT_POLICY)
    return run


def _public_run_exists(year: int, policy_name: str) -> bool:
    from landcycle.evaluation.models import EvaluationRun

    status = EvaluationRun.Status
    return EvaluationRun.objects.filter(
        year=year, policy_name=policy_name, status__in=[status.NOTICE, status.FINAL]
    ).exists()


def evaluate_year(year: int, policy_name: str | None = None):
    """(run, reused): the matching existing run, or a new draft run of ``year``."""
    from landcycle.evaluation import services as evaluation
    from landcycle.evaluation.models import EvaluationRun

    policy = evaluation.get_policy(policy_name)
    with changes_by(source=SOURCE):
        prepared = evaluation.prepare(policy, year)
        same = (
            EvaluationRun.objects.filter(
                year=year,
                policy_name=policy.name,
                policy_hash=policy.sha256,
                inputs_fingerprint=prepared.fingerprint,
            )
            .order_by("-id")
            .first()
        )
        if same is not None:
            return same, True
        return evaluation.store(prepared, note="landcycle demo"), False


def _demo_users() -> list[dict]:
    """Demo users of every role."""
    from landcycle.demo.users import create_demo_users

    return create_demo_users()


def _lifecycle_cases(today: dt.date) -> tuple[dict[str, dict[str, int]], str]:
    """Cases of every workflow in every state."""
    from landcycle.lifecycle.demo import populate
    from landcycle.lifecycle.services import LifecycleError

    try:
        return populate(today), ""
    except LifecycleError as exc:  # e.g. a district too small for every workflow
        return {}, str(exc)


def summary_lines(result: DemoResult) -> list[str]:
    lines = ["导入 import (created / updated / unchanged):"]
    for sheet, counts in result.import_counts.items():
        lines.append(
            f"  {sheet}: {counts.get('created', 0)} / {counts.get('updated', 0)} / "
            f"{counts.get('unchanged', 0)}"
        )
    if result.warnings:
        lines.append(f"  {result.warnings} 条警告 warnings (e.g. parcels whose area differs > 5 %)")
    total = sum(result.class_counts.values()) or 1
    reused = "沿用 reused" if result.run_reused else "新建 new"
    notice = f", 公示至 notice until {result.notice_end}" if result.notice_end else ""
    lines.append(
        f"评价 evaluation {result.year} · {result.policy_name} · run #{result.run_id} "
        f"({reused}; {result.run_status}{notice}); {result.year - 1}: run #{result.previous_run_id} "
        "已生效 final:"
    )
    for klass, count in sorted(result.class_counts.items()):
        lines.append(f"  {klass}: {count} ({count / total:.1%})")
    if result.adoption_note:
        lines.append(f"采用政策 adoption: {result.adoption_note}")
    if result.what_if_run_id:
        counts = " ".join(f"{k}:{v}" for k, v in sorted(result.what_if_class_counts.items()))
        lines.append(
            f"模拟试算 what-if {result.year} · {result.what_if_policy} · run "
            f"#{result.what_if_run_id} (草稿，不改变公示名单和看板): {counts}"
        )
    if result.lifecycle:
        lines.append("全生命周期案件 lifecycle cases (workflow: state count):")
        for workflow, states in result.lifecycle.items():
            text = ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
            lines.append(f"  {workflow}: {text}")
    elif result.lifecycle_note:
        lines.append(f"全生命周期案件 lifecycle cases skipped: {result.lifecycle_note}")
    if result.users:
        lines.append("示范用户 demo users (username / password / role / scope):")
        for user in result.users:
            lines.append(
                f"  {user['username']} / {user['password']} / {user['role']} / {user['scope']}"
            )
    return lines
