"""Lifecycle cases for the demo district, built from the ledger already in the database.

``populate(today)`` (called by ``landcycle demo``) replaces any earlier lifecycle records (the
holiday table is kept) and creates, through the same services officers use, cases in every
state of every workflow. Parcels and enterprises are picked in code order, so the result is
deterministic for a given ledger and date. Figures that the ledger does not hold (costs of the
available-land list, planned investment of applications) are demo values, marked as such.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from django.db import transaction

from landcycle.core.context import changes_by
from landcycle.ledger.models import Jurisdiction, Parcel

from . import models as m
from .services import (
    LifecycleError,
    admission,
    agreements,
    available,
    exits,
    projects,
    renewal,
    stockland,
)
from .services.calendar import load_calendar
from .workcalendar import add_months

BEILUN_TABLE = Path(__file__).with_name("data") / "beilun-2024-2026-street-tasks.csv"
SOURCE = "demo lifecycle"
OFFICER = "演示经办人"
MIN_PARCELS = 40


def _clear() -> None:
    _clear_documents()  # l4: documents hold protected keys to the cases (below)
    for model in (
        m.Clawback,
        m.ExitStep,
        m.ExitCase,
        m.AgreementTerm,
        m.SupervisionAgreement,
        m.AvailableLandEntry,
        m.AvailableLandList,
        m.StockLandCase,
        m.AdmissionApplication,
        m.ProjectProgress,
        m.ProjectLead,
        m.EnterpriseMeasure,
        m.StreetTarget,
        m.TaskTable,
    ):
        model.objects.all().delete()
    m.RenewalProject.parcels.through.objects.all().delete()
    m.RenewalProject.objects.all().delete()


def populate(today: dt.date) -> dict[str, dict[str, int]]:
    """Create the demo's lifecycle cases; returns counts by workflow and state."""
    parcels = list(
        Parcel.objects.filter(holder__isnull=False)
        .select_related("holder", "jurisdiction")
        .order_by("code")
    )
    if len(parcels) < MIN_PARCELS:
        raise LifecycleError(
            f"the demo needs ≥ {MIN_PARCELS} parcels with a holder, found {len(parcels)}"
        )
    calendar = load_calendar()
    with changes_by(source=SOURCE), transaction.atomic():
        _clear()
        pool = iter(parcels)
        _exits(today, pool, calendar)
        _agreements(today, pool)
        _admissions(today, pool, calendar)
        _stock_land(today, calendar)
        _available(today, parcels)
        _renewal(today, parcels)
        _renewal_plan_refused(parcels)
        _projects(today, parcels)
        _documents(today)  # l4 (below)
    return summary()


def summary() -> dict[str, dict[str, int]]:
    def count(model, field):
        return dict(Counter(model.objects.values_list(field, flat=True)))

    return {
        "exit": count(m.ExitCase, "state"),
        "admission": count(m.AdmissionApplication, "status"),
        "agreement": count(m.SupervisionAgreement, "status"),
        "stockland": count(m.StockLandCase, "status"),
        "available_list": count(m.AvailableLandList, "status"),
        "renewal": count(m.RenewalProject, "status"),
        "project": count(m.ProjectLead, "status"),
    }


def _days(today, n):
    return today - dt.timedelta(days=n)


def _exits(today, pool, calendar):
    T = m.ExitCase.Trigger
    plans = [  # (trigger, days since verification, how far the case goes)
        (T.UNAUTHORISED_DISPOSAL, 400, "complete_exit"),
        (T.TAX_BELOW_COMMITMENT, 260, "exit_notice"),
        (T.NOT_PRODUCING, 150, "close_corrected"),
        (T.ILLEGAL_OPERATION, 60, "rectification_notice"),
        (T.DEREGISTERED_OR_LEFT, 25, "interview"),
        (T.UNAUTHORISED_DISPOSAL, 45, None),  # interview overdue
        (T.TAX_BELOW_COMMITMENT, 3, None),
    ]
    for serial, (trigger, age, last) in enumerate(plans, start=1):
        parcel = next(pool)
        case = exits.open_case(
            enterprise=parcel.holder,
            parcel=parcel,
            trigger=trigger,
            facts=f"{parcel.code}：{m.ExitCase.Trigger(trigger).label}（演示数据）",
            verified_on=_days(today, age),
            actor_name=OFFICER,
            calendar=calendar,
            issue_notice=True,  # l2: the interview notice (DOCX) stored with the case
            assigned_to=_officer_for(parcel),
        )
        on = case.verified_on
        steps = ["interview", "rectification_notice", "exit_notice", "complete_exit"]
        if last == "close_corrected":
            steps = ["interview", "rectification_notice", "close_corrected"]
        for action in steps:
            if last is None:
                break
            if action == "interview":
                on = on + dt.timedelta(days=12)
            elif action in ("rectification_notice", "close_corrected"):
                on = on + dt.timedelta(days=10 if action == "rectification_notice" else 70)
            elif action == "exit_notice":
                on = case.rectification_due
            else:
                on = case.exit_due
            kwargs = {}
            if action == "complete_exit":
                kwargs = {
                    "contract_terminated": True,
                    "clawbacks": [
                        {
                            "kind": "subsidy",
                            "description": "入园建设补贴（演示）",
                            "amount_10k_cny": 150.0,
                        },
                        {"kind": "honour", "description": "区级重点企业称号（演示）"},
                    ],
                }
            # Numbered by the plan, not the row id: a second demo run issues the same notices
            # (the same bytes, hence the same stored files).
            number = f"演示〔{on.year}〕{serial}-{steps.index(action) + 1}号"
            exits.transition(
                case,
                action,
                on=on,
                actor_name=OFFICER,
                document_number=number,
                calendar=calendar,
                issue_notice=True,  # l2: rectification / exit notices stored with the case
                **kwargs,
            )
            if action == last:
                break


# ---- l2 (issue 13, exit and stock-land pages): officers in charge, disposal progress ----------


def _officer_for(parcel):
    """The demo's street officer of the parcel's street, else the evaluation officer (the demo
    users are created before the lifecycle cases; None when they are not there)."""
    from django.contrib.auth import get_user_model

    from landcycle.web.models import Profile

    for profile in Profile.objects.filter(role="street_officer").select_related(
        "jurisdiction", "user"
    ):
        if profile.jurisdiction and parcel.jurisdiction.path.startswith(profile.jurisdiction.path):
            return profile.user
    return get_user_model().objects.filter(username="evaluator").first()


def _stock_land_record(today, cases):
    """Officers in charge of every case and a progress report on the cases being disposed."""
    for case in cases:
        case.assigned_to = _officer_for(case.parcel)
        case.save(update_fields=["assigned_to"])
        if case.status == m.StockLandCase.Status.IN_PROGRESS:
            stockland.record_progress(
                case,
                on=today,
                note="企业已提交复工计划，专班现场核查（演示）",
                actor_name=OFFICER,
                progress_percent=40,
            )


def _agreements(today, pool):
    terms = [
        {"indicator": "investment_per_ha", "value": 11_000, "unit": "万元/公顷"},
        {"indicator": "tax_per_ha", "value": 2_000, "unit": "万元/公顷"},
        {"indicator": "green_building_stars", "value": 1, "unit": "星"},
    ]
    for index, years_ago in enumerate((5, 4, 3, 2, 1, 6)):
        parcel = next(pool)
        signed = add_months(today, -12 * years_ago)
        agreement = agreements.create_agreement(
            number=f"DEMO-LY-{index + 1:03d}",
            parcel=parcel,
            enterprise=parcel.holder,
            signed_on=signed,
            valid_to=add_months(signed, 12 * 5),
            terms=terms,
        )
        if index == 5:
            agreements.expire(agreement, on=today)
        elif index == 0:
            agreements.terminate(agreement, on=add_months(signed, 30))
        if index % 2:
            agreements.record_green_building(agreement, stars=1)


def _admissions(today, pool, calendar):
    zone = next(pool).jurisdiction
    base = [  # (field, tags, supply, investment per ha, tax per ha, days ago, outcome)
        ("medical_devices", ["上市公司"], "tender_auction", 12_000, 2_400, 40, "approve"),
        ("artificial_intelligence", ["行业龙头"], "lease_then_sell", 7_500, 2_100, 30, "escalate"),
        ("digital_audiovisual", [], "tender_auction", 6_000, 800, 20, "reject"),
        ("other", [], "long_lease", 3_000, 200, 15, "withdraw"),
        ("park_service", [], "lease_then_sell", 5_000, 600, 8, "assess"),
        ("medical_devices", ["拟上市公司"], "tender_auction", 11_000, 2_000, 1, None),
    ]
    for index, (field, tags, supply, inv, tax, age, outcome) in enumerate(base):
        area = 20_000.0 + 5_000 * index
        app = admission.submit(
            received_on=_days(today, age),
            calendar=calendar,
            enterprise_name=f"演示申请企业{index + 1}",
            jurisdiction=zone,
            industry_field=field,
            tags=tags,
            supply_method=supply,
            land_area_m2=area,
            planned_investment_10k_cny=inv * area / 10_000,
            expected_tax_10k_cny=tax * area / 10_000,
        )
        if outcome is None:
            continue
        on = app.assessment_due or app.received_on + dt.timedelta(days=2)
        on = min(on, today)
        if outcome == "withdraw":
            admission.withdraw(app, on=on)
            continue
        admission.record_assessment(app, on=on)
        number = f"门园准〔{today.year}〕{index + 1}号"
        if outcome == "approve":
            admission.decide(
                app, approve=True, on=on + dt.timedelta(days=3), note="管委会同意准入",
                document=number,
            )  # fmt: skip
        elif outcome == "reject":
            admission.decide(
                app, approve=False, on=on + dt.timedelta(days=3),
                note="不符合A类标准且非主导产业", document=number,
            )  # fmt: skip
        elif outcome == "escalate":
            admission.escalate(app, on=on + dt.timedelta(days=1), note="申请一企一策，报区政府")
            admission.decide(
                app, approve=True, on=on + dt.timedelta(days=10), note="区政府批准",
                document=f"门政批〔{today.year}〕{index + 1}号",
            )  # fmt: skip
    # one more application waiting for the district
    app = admission.submit(
        received_on=_days(today, 12),
        calendar=calendar,
        enterprise_name="演示申请企业7",
        jurisdiction=zone,
        industry_field="artificial_intelligence",
        tags=["央企"],
        supply_method="tender_auction",
        land_area_m2=30_000,
        planned_investment_10k_cny=36_000,
        expected_tax_10k_cny=6_600,
        major_project=True,
    )
    admission.record_assessment(app, on=min(app.assessment_due or today, today))
    admission.escalate(app, on=today, note="国家重大项目，报区政府审批")
    _enterprise_side(today, calendar, zone)


# ---- l1: the demo enterprise user's own cases (admission pages, issue 13) -------------------


def _enterprise_side(today, calendar, zone):
    """The demo enterprise user (holder of the largest parcel, see web.demo_users) gets an
    application waiting for its supplementary material, one whose material it answered, and a
    supervision agreement on its parcel, so its side of the pages has something to show."""
    parcel = (
        Parcel.objects.filter(holder__isnull=False)
        .select_related("holder", "jurisdiction")
        .order_by("-registered_area_m2", "code")
        .first()
    )
    holder = parcel.holder
    for age, answered in ((2, False), (9, True)):
        app = admission.submit(
            received_on=_days(today, age),
            calendar=calendar,
            enterprise=holder,
            enterprise_name=holder.name,
            jurisdiction=parcel.jurisdiction or zone,
            industry_field="medical_devices",
            tags=["行业龙头"],
            supply_method="tender_auction",
            land_area_m2=15_000.0,
            planned_investment_10k_cny=18_000.0,
            expected_tax_10k_cny=None if not answered else 3_300.0,
        )
        admission.request_material(
            app, items="请补充预计年纳税额及测算依据（演示）", on=app.received_on, calendar=calendar
        )
        if answered:
            admission.submit_material(
                app, reply="预计年纳税 3300 万元，附测算表（演示）", on=_days(today, age - 2)
            )
    if not m.SupervisionAgreement.objects.filter(parcel=parcel).exists():
        signed = add_months(today, -12 * 4)
        agreements.create_agreement(
            number="DEMO-LY-ENT",
            parcel=parcel,
            enterprise=holder,
            signed_on=signed,
            valid_to=add_months(signed, 12 * 10),
        )


def _stock_land(today, calendar):
    report = stockland.sync_cases(today, calendar=calendar)
    cases = list(m.StockLandCase.objects.order_by("parcel__code", "category"))
    moves = [
        ("plan",),
        ("plan", "start"),
        ("plan", "start", "dispose"),
        ("plan", "dispose"),
        ("cancel",),
    ]
    for case, actions in zip(cases, moves, strict=False):
        on = today
        for action in actions:
            fields = {}
            if action == "plan":
                fields = {
                    "plan": "约谈企业，限期开工或协议收回（演示）",
                    "task_force": "闲置土地和低效工业用地盘活工作专班",
                    "lead_unit": "自然资源和规划局",
                    "deadline": add_months(today, 6),
                }
            elif action == "dispose":
                fields = {"disposal_method": "企业追加投资复工（演示）"}
            elif action == "cancel":
                fields = {"reason": "核查后已动工，撤销认定（演示）"}
            stockland.transition(case, action, on=on, actor_name=OFFICER, **fields)
    _stock_land_record(today, cases)
    return report


def _available(today, parcels):
    district = _district(parcels)
    streets = sorted({p.jurisdiction for p in parcels}, key=lambda j: j.path)
    lists = [
        available.create_list(today.year, district, f"{district.name}{today.year}年度可供土地清单"),
        available.create_list(
            today.year + 1, district, f"{district.name}{today.year + 1}年度可供土地清单（报审）"
        ),
        available.create_list(
            today.year + 1, streets[0], f"{streets[0].name}{today.year + 1}年度可供土地清单（草稿）"
        ),
    ]
    suggested = available.suggest_from_stock(lists[0])
    free = [p for p in parcels if p.jurisdiction_id == streets[0].pk][-3:]
    for index, land_list in enumerate(lists):
        items = (
            suggested[:5]
            if index == 0
            else [{"parcel": p, "category": "reserve"} for p in free[index - 1 : index]]
        )
        entries = [
            {
                **item,
                "cost_10k_cny": round(item["parcel"].registered_area_m2 / 10_000 * 15 * 30, 1),
                "conditions": "投资强度、容积率、亩均税收按标准地控制指标（演示）",
                "procedure": "挂牌出让，签订履约监管协议",
                "time_days": 60,
            }
            for item in items
        ]
        if entries:
            available.add_entries(land_list, entries)
    if lists[0].entries.exists():
        available.approve(lists[0], user=_any_user(), on=today)
        available.publish(lists[0], on=today)
    if lists[1].entries.exists():
        available.approve(lists[1], user=_any_user(), on=today)


def _any_user():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user = user_model.objects.filter(is_superuser=True).order_by("pk").first()
    return (
        user
        or user_model.objects.get_or_create(
            username="lifecycle-demo", defaults={"is_active": False}
        )[0]
    )


def _district(parcels) -> Jurisdiction:
    street = parcels[0].jurisdiction
    return street.parent or street


def _renewal(today, parcels):
    district = _district(parcels)
    table = renewal.import_task_table(
        BEILUN_TABLE,
        district_name=district.name,
        name="低效工业用地综合整治 2024-2026",
        start_year=2024,
        end_year=2026,
        source="仑政办〔2024〕22号 附件2",
    )
    by_street: dict[int, list[Parcel]] = {}
    for parcel in parcels:
        by_street.setdefault(parcel.jurisdiction_id, []).append(parcel)
    R = m.RenewalProject
    statuses = [R.Status.COMPLETED, R.Status.IN_PROGRESS, R.Status.APPROVED, R.Status.PLANNED]
    streets = list(
        table.targets.values_list("street_id", flat=True).distinct().order_by("street_id")
    )
    modes, paths = list(R.Mode.values), list(R.Path.values)
    start = max(dt.date(2024, 7, 1), _days(today, 700))
    measured: set[tuple[int, str]] = set()
    for index, street_id in enumerate(streets):
        group = by_street.get(street_id, [])
        if len(group) < 2:
            continue
        area = sum(p.registered_area_m2 for p in group[:2])
        status = statuses[index % len(statuses)]
        street = group[0].jurisdiction
        project = renewal.create_project(
            name=f"{street.name}老旧工业区块改造（演示）",
            street=street,
            kind=R.Kind.BLOCK,
            mode=modes[index % len(modes)],
            path=paths[index % len(paths)],
            land_area_m2=area,
            parcels=group[:2],
            planned_far=2.2,
            planned_floor_area_m2=area * 2.2,
            admin_living_land_m2=area * 0.1,
            admin_living_floor_m2=area * 2.2 * 0.2,
        )
        far = renewal.create_project(
            name=f"{group[1].code} 容积率提升（演示）",
            street=street,
            kind=R.Kind.FAR,
            mode=R.Mode.SELF_RENOVATION,
            path=R.Path.SORT_UPGRADE,
            land_area_m2=group[1].registered_area_m2,
            parcels=group[1:2],
            planned_far=2.0,
            planned_floor_area_m2=group[1].registered_area_m2 * 2.0,
        )
        for item, target in ((project, status), (far, statuses[(index + 1) % len(statuses)])):
            steps = {R.Status.APPROVED: 1, R.Status.IN_PROGRESS: 2, R.Status.COMPLETED: 3}.get(
                target, 0
            )
            for step, action in enumerate(("approve_plan", "start", "complete")[:steps]):
                on = min(today, start + dt.timedelta(days=90 * (step + 1)))
                renewal.transition(item, action, on=on, new_floor_area_m2=item.land_area_m2 * 0.1)
        kinds = list(m.EnterpriseMeasure.Kind.values)
        for offset, parcel in enumerate(group[2:5]):
            kind = kinds[offset % len(kinds)]
            if (parcel.holder_id, kind) in measured:
                continue  # one measure of a kind per enterprise
            measured.add((parcel.holder_id, kind))
            renewal.record_measure(
                enterprise=parcel.holder,
                street=street,
                kind=kind,
                completed_on=min(today, start + dt.timedelta(days=120)),
                note="演示",
            )


# ---- l3 (issue 13): a plan the checks refuse, so the renewal pages show the reasons --------


def _renewal_plan_refused(parcels):
    """A planned block whose plan fails the checks (FAR 1.5 without a reason, 20 % of the land
    for offices and living): 批准方案 is refused with these reasons on its page."""
    street = parcels[-1].jurisdiction
    area = parcels[-1].registered_area_m2
    R = m.RenewalProject
    renewal.create_project(
        name=f"{street.name}低容积率厂区改造（演示：方案待修改）",
        street=street,
        kind=R.Kind.BLOCK,
        mode=R.Mode.MARKET_PARTICIPATION,
        path=R.Path.DEMOLISH_RELOCATE,
        land_area_m2=area,
        parcels=parcels[-1:],
        planned_far=1.5,
        planned_floor_area_m2=area * 1.5,
        admin_living_land_m2=area * 0.2,
        admin_living_floor_m2=area * 1.5 * 0.1,
    )


def _projects(today, parcels):
    district = _district(parcels)
    others = [j for j in Jurisdiction.objects.exclude(pk=district.pk).order_by("path")[:1]]
    other = (
        others[0]
        if others
        else Jurisdiction.objects.create(name="演示另行择优区", kind=Jurisdiction.Kind.DISTRICT)
    )
    plans = [  # (name, 万元, days since the first talk, progress days ago, outcome)
        ("新能源汽车零部件智能工厂（演示）", 85_000, 40, None, None),
        ("集成电路封测基地（演示）", 120_000, 150, 130, None),  # stalled: reassignable
        ("高端医疗器械产业园（演示）", 30_000, 200, 100, "landed"),
        ("工业机器人总部（演示）", 15_000, 220, None, "reassign"),
        ("生物医药中试平台（演示）", 12_000, 300, 280, "dropped"),
        ("数字视听制作中心（演示）", 8_000, 120, None, None),  # below 1 亿元: no alert
        ("智能装备研发中心（演示）", 20_000, 85, None, None),  # due within days (l3)
    ]
    for name, amount, age, progress_age, outcome in plans:
        project = projects.register(
            name=name,
            total_investment_10k_cny=amount,
            leading_district=district,
            first_talk_on=_days(today, age),
        )
        if progress_age is not None:
            projects.record_progress(
                project, on=_days(today, progress_age), note="签订投资意向书", substantive=True
            )
        if outcome == "landed":
            projects.close(project, landed=True, on=_days(today, 30), note="签订入园协议")
        elif outcome == "dropped":
            projects.close(project, landed=False, on=_days(today, 60), note="企业放弃投资")
        elif outcome == "reassign":
            projects.reassign(project, to=other, on=today)


# ---- Documents (一地一档; l4) ---------------------------------------------------------------
# Each agreement's signed text (DOCX) on its case and parcel, and an inspection photo (internal)
# on each open stock-land case: the parcel cards and the case pages show them. Exit notices are
# stored by the exit workflow itself.


def _clear_documents() -> None:
    """Delete the demo's documents and the exit notices stored with their steps, files too
    (a second demo run leaves no orphan file behind)."""
    for document in m.Document.objects.all():
        document.file.delete(save=False)
    m.Document.objects.all().delete()
    for step in m.ExitStep.objects.exclude(document_file=""):
        step.document_file.delete(save=False)


def _agreement_docx(agreement) -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_heading("履约监管协议书（演示）", level=1)
    document.add_paragraph(f"协议编号：{agreement.number}")
    document.add_paragraph(f"宗地：{agreement.parcel.code}　企业：{agreement.enterprise.name}")
    for term in agreement.terms.all():
        document.add_paragraph(f"{term.get_indicator_display()} {term.op} {term.value} {term.unit}")
    out = io.BytesIO()
    document.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(docx: bytes) -> bytes:
    """The same bytes for the same text: zip members carry the time they were written."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def _photo_png(seed: int, width: int = 64, height: int = 48) -> bytes:
    """A small PNG standing in for a site photo (a colour gradient)."""
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(tag + data))
        return struct.pack(">I", len(data)) + tag + data + crc

    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 4 + seed) % 256, (y * 5) % 256, 120)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _documents(today) -> None:
    from .services.documents import attach

    agreements_ = m.SupervisionAgreement.objects.select_related("parcel", "enterprise")
    for agreement in agreements_.prefetch_related("terms").order_by("number"):
        attach(
            _agreement_docx(agreement),
            name=f"{agreement.number}.docx",
            kind=m.Document.Kind.CONTRACT,
            target=agreement,
            title=f"履约监管协议书 {agreement.number}",
            dated=agreement.signed_on,
        )
    cases = m.StockLandCase.objects.filter(status__in=m.StockLandCase.OPEN_STATUSES)
    for index, case in enumerate(cases.select_related("parcel").order_by("pk")[:10]):
        attach(
            _photo_png(index * 37),
            name=f"{case.parcel.code}-巡查.png",
            kind=m.Document.Kind.PHOTO,
            target=case,
            title=f"{case.parcel.code} 现场巡查照片（演示）",
            dated=today,
            internal=True,
        )
