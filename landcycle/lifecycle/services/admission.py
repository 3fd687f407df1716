"""Admission to the park (seeds/003 第四–七条): checks with reasons, the 3-working-day initial
assessment, approval by the committee or escalation to the district government.

Investment intensity by supply method, tax per hectare and the class A tags come from the A rules
of the policy ``mentougou-admission-2021`` (shipped, or a user copy), so the annual compliance check
and admission read the same numbers; ``rules.toml`` [admission] keeps what the policy does not
say (industry positioning, the assessment period). The assessment names the policy it used.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from landcycle.core.units import parse_unit
from landcycle.evaluation.engine import load_policy
from landcycle.evaluation.policies import policies_in_use

from ..models import AdmissionApplication
from ..rules import rules
from ..workcalendar import WorkCalendar
from . import LifecycleError, deadlines
from . import timeline as timeline_steps
from .calendar import load_calendar

App = AdmissionApplication
POLICY_NAME = "mentougou-admission-2021"
RATE = "10k_cny/ha"


@dataclass(frozen=True)
class Thresholds:
    investment_per_ha: dict[str, float]  # supply method → 万元/公顷
    tax_per_ha: float  # 万元/公顷
    class_a_tags: frozenset[str]
    source: str


def thresholds() -> Thresholds:
    """Class A thresholds from the admission policy's A rules (one source for the numbers)."""
    policy = load_policy(
        POLICY_NAME, extra_dirs=settings.LANDCYCLE_POLICY_DIRS, legacy_names=policies_in_use
    )
    rate = parse_unit(RATE)
    investment: dict[str, float] = {}
    tax: float | None = None
    tags: set[str] = set()
    for rule in policy.rules:
        if rule.klass != "A":
            continue
        methods: list[str] = []
        for condition in rule.all:
            if (
                condition.kind == "fact"
                and condition.subject == "supply_method"
                and condition.op == "in"
            ):
                methods = list(condition.value)
            elif condition.kind == "tag":
                tags.update(condition.value)
            elif condition.kind == "metric" and condition.threshold is not None:
                if condition.subject.startswith("investment"):
                    for method in methods:
                        investment[method] = condition.threshold.to(rate)
                elif "tax" in condition.subject:
                    tax = condition.threshold.to(rate)
    if not investment or tax is None or not tags:
        raise LifecycleError(f"{policy.path}: no class A investment, tax and tag rules to admit by")
    return Thresholds(investment, tax, frozenset(tags), f"{policy.name} {policy.version}")


@dataclass
class Assessment:
    proposed_class: str  # A, B or none
    reasons: list[str] = field(default_factory=list)
    needs_people: bool = False  # a qualitative ground (重大项目/前沿技术) decides
    source: str = ""


def assess(app: AdmissionApplication, limits: Thresholds | None = None) -> Assessment:
    """The admission checks of seeds/003 on one application (no database access)."""
    limits = limits or thresholds()
    policy = rules()
    industries = set(policy.get("admission", "industries"))
    class_b_also = set(policy.get("admission", "class_b_also"))
    a_tags = limits.class_a_tags
    reasons, blocking = [], False
    field_label = App.IndustryField(app.industry_field).label
    if app.on_negative_list:
        reasons.append("主要经营范围属于《北京市新增产业的禁止和限制目录》，不予准入")
        blocking = True
    if not app.registers_in_park:
        reasons.append("未承诺在园区工商登记和税务注册（独立法人），不符合第五条")
        blocking = True
    positioned = field_label in industries
    if positioned:
        reasons.append(f"符合园区产业定位（{field_label}）")
    elif field_label in class_b_also:
        reasons.append("为园区发展提供配套服务的企业，可按一般企业（B类）准入")
    else:
        reasons.append(f"产业领域「{field_label}」不符合园区医疗器械、人工智能、数字视听产业定位")
        blocking = True
    area_ha = app.land_area_m2 / 10_000 if app.land_area_m2 else 0
    if area_ha <= 0:
        return Assessment("none", [*reasons, "拟用地面积须大于0"], source=limits.source)
    intensity = app.planned_investment_10k_cny / area_ha
    tags = sorted(a_tags & set(app.tags or []))
    a_ok = bool(tags)
    reasons.append(
        f"企业标签：{'、'.join(tags)}"
        if tags
        else "无世界500强、中国500强、行业龙头、央企或重点国企、上市或拟上市公司标签"
    )
    minimum = limits.investment_per_ha.get(app.supply_method)
    method = app.get_supply_method_display()
    if minimum is None:
        reasons.append(f"供地方式「{method}」无A类投资强度标准")
        a_ok = False
    elif intensity >= minimum:
        reasons.append(f"投资强度 {intensity:,.0f} 万元/公顷 ≥ {minimum:,.0f}（{method}）")
    else:
        reasons.append(f"投资强度 {intensity:,.0f} 万元/公顷 < {minimum:,.0f}（{method}）")
        a_ok = False
    if app.expected_tax_10k_cny is None:
        reasons.append("未填报预计年纳税，无法核对A类税收标准")
        a_ok = False
    else:
        tax = app.expected_tax_10k_cny / area_ha
        ok = tax >= limits.tax_per_ha
        reasons.append(
            f"年度税收 {tax:,.0f} 万元/公顷 {'≥' if ok else '<'} {limits.tax_per_ha:,.0f}"
        )
        a_ok = a_ok and ok
    if blocking:
        return Assessment("none", reasons, source=limits.source)
    if a_ok and positioned:
        return Assessment("A", [*reasons, "符合重点企业（A类）条件"], source=limits.source)
    if app.major_project:
        return Assessment(
            "A", [*reasons, "申报国家/市级重大项目或前沿技术，A类须经人工认定"], True, limits.source
        )
    return Assessment("B", [*reasons, "按一般企业（B类）准入"], source=limits.source)


def submit(*, received_on: dt.date, calendar: WorkCalendar | None = None, **fields) -> App:
    """Record an application; the initial assessment is due in 3 working days."""
    required = (
        "enterprise_name",
        "jurisdiction",
        "industry_field",
        "supply_method",
        "land_area_m2",
        "planned_investment_10k_cny",
    )
    missing = [k for k in required if fields.get(k) in (None, "")]
    if missing:
        raise LifecycleError(f"入园申请缺少: {', '.join(missing)}")
    if fields["industry_field"] not in App.IndustryField.values:
        raise LifecycleError(f"产业领域 {fields['industry_field']!r} 无效")
    if fields["supply_method"] not in dict(App._meta.get_field("supply_method").choices):
        raise LifecycleError(f"供地方式 {fields['supply_method']!r} 无效")
    if fields["land_area_m2"] <= 0 or fields["planned_investment_10k_cny"] < 0:
        raise LifecycleError("拟用地面积须大于0，计划总投资不能为负")
    calendar = calendar or load_calendar()
    app = App(received_on=received_on, **fields)
    period = rules().period("admission", "initial_assessment")
    deadlines.store(app, "assessment_due", deadlines.compute(received_on, period, calendar))
    app.save()
    return app


def record_assessment(app: App, *, on: dt.date, user=None) -> Assessment:
    """The initial assessment (第七条, 3 working days): the checks of ``assess`` with their
    reasons, a late assessment noted. Raises LifecycleError unless the application is
    submitted and ``on`` is not before its receipt."""
    if app.status != App.Status.SUBMITTED:
        raise LifecycleError(f"申请处于「{app.get_status_display()}」，不能初评")
    if on < app.received_on:
        raise LifecycleError("初评日期早于受理日期")
    result = assess(app)
    app.proposed_class = result.proposed_class
    late = app.assessment_due is not None and on > app.assessment_due
    app.assessment_reasons = [*result.reasons, f"标准来源: {result.source}"] + (
        [f"初评逾期（期限 {app.assessment_due}）"] if late else []
    )
    app.assessed_on, app.status = on, App.Status.ASSESSED
    if user is not None:
        app.assigned_to = app.assigned_to or user
    app.save()
    return result


def escalate(app: App, *, on: dt.date, note: str = "") -> App:
    """An assessed application goes to the district government (第七条: 需报请区政府批准的企业).

    Raises LifecycleError unless it is assessed and ``on`` is not before the assessment."""
    if app.status != App.Status.ASSESSED:
        raise LifecycleError(f"申请处于「{app.get_status_display()}」，不能报请区政府")
    if app.assessed_on and on < app.assessed_on:
        raise LifecycleError(f"报区政府日期 {on} 早于初评日期 {app.assessed_on}")
    app.status, app.decision_note, app.escalated_on = App.Status.ESCALATED, note, on
    app.save()
    return app


def decide(
    app: App, *, approve: bool, on: dt.date, user=None, note: str = "", document: str = ""
) -> App:
    """The committee decides an assessed application; the district one it escalated.
    Approving an application the checks found inadmissible needs a written reason."""
    if app.status not in (App.Status.ASSESSED, App.Status.ESCALATED):
        raise LifecycleError(f"申请处于「{app.get_status_display()}」，不能批复")
    if app.assessed_on and on < app.assessed_on:
        raise LifecycleError("批复日期早于初评日期")
    if approve and app.proposed_class == App.ProposedClass.NONE and not note.strip():
        raise LifecycleError("初评不符合准入条件，批准须写明理由（一事一议）")
    with transaction.atomic():
        app.decision_body = (
            App.DecisionBody.DISTRICT
            if app.status == App.Status.ESCALATED
            else App.DecisionBody.COMMITTEE
        )
        app.status = App.Status.APPROVED if approve else App.Status.REJECTED
        app.decided_on, app.decided_by = on, user
        app.decision_note = "\n".join(x for x in (app.decision_note, note) if x)
        app.decision_document = document
        app.save()
    return app


def withdraw(app: App, *, on: dt.date) -> App:
    """The enterprise withdraws an application not yet decided (recorded with its date)."""
    if app.status in (App.Status.APPROVED, App.Status.REJECTED, App.Status.WITHDRAWN):
        raise LifecycleError(f"申请已{app.get_status_display()}，不能撤回")
    if on < app.received_on:
        raise LifecycleError(f"撤回日期 {on} 早于受理日期 {app.received_on}")
    app.status, app.withdrawn_on = App.Status.WITHDRAWN, on
    app.save()
    return app


def request_material(
    app: App, *, items: str, on: dt.date, calendar: WorkCalendar | None = None
) -> App:
    """Ask the enterprise for supplementary material (补正材料), due in the rules'
    ``admission.material_within`` (working days, holiday table). Raises LifecycleError when the
    application is decided or withdrawn, another request is open, or ``items`` is empty."""
    if app.status not in (App.Status.SUBMITTED, App.Status.ASSESSED):
        raise LifecycleError(f"申请处于「{app.get_status_display()}」，不能要求补正材料")
    if not items.strip():
        raise LifecycleError("请写明需要补正的材料")
    if app.material_request and app.material_submitted_on is None:
        raise LifecycleError(f"已要求补正材料（期限 {app.material_due or '待定'}），企业尚未提交")
    if on < app.received_on:
        raise LifecycleError(f"要求补正日期 {on} 早于受理日期 {app.received_on}")
    calendar = calendar or load_calendar()
    period = rules().period("admission", "material_within")
    app.material_request, app.material_requested_on = items.strip(), on
    app.material_reply, app.material_submitted_on = "", None
    deadlines.store(app, "material_due", deadlines.compute(on, period, calendar))
    app.save()
    return app


def submit_material(app: App, *, reply: str, on: dt.date) -> App:
    """The enterprise answers the open material request (a late answer is kept and shown as
    late). Raises LifecycleError when nothing was asked, it was answered, or ``reply`` is empty."""
    if not app.material_request or app.material_submitted_on is not None:
        raise LifecycleError("本申请没有待提交的补正材料")
    if app.status not in (App.Status.SUBMITTED, App.Status.ASSESSED):
        raise LifecycleError(f"申请处于「{app.get_status_display()}」，不能提交材料")
    if not reply.strip():
        raise LifecycleError("请填写提交的材料说明")
    if app.material_requested_on and on < app.material_requested_on:
        raise LifecycleError(f"提交日期 {on} 早于要求补正日期 {app.material_requested_on}")
    app.material_reply, app.material_submitted_on = reply.strip(), on
    app.save()
    return app


def next_steps(app: App) -> list[str]:
    """The steps the service allows now (names of the page forms): assess, material, reply,
    escalate, approve, reject, withdraw."""
    S = App.Status
    steps = []
    open_request = bool(app.material_request) and app.material_submitted_on is None
    if app.status == S.SUBMITTED:
        steps.append("assess")
    if app.status in (S.SUBMITTED, S.ASSESSED):
        steps.append("reply" if open_request else "material")
    if app.status == S.ASSESSED:
        steps.append("escalate")
    if app.status in (S.ASSESSED, S.ESCALATED):
        steps += ["approve", "reject"]
    if app.status in (S.SUBMITTED, S.ASSESSED, S.ESCALATED):
        steps.append("withdraw")
    return steps


def timeline(app: App) -> list[timeline_steps.Step]:
    """The application's steps in order, done ones with date, who and deadline; the pending
    deadline (assessment or material) as an open step."""
    Step = timeline_steps.Step
    who = timeline_steps.recorded(
        app,
        [
            "received_on",
            "material_requested_on",
            "material_submitted_on",
            "assessed_on",
            "escalated_on",
            "decided_on",
            "withdrawn_on",
        ],
    )

    def step(label, field, on, **extra):
        by, at = who.get(field, ("", None))
        return Step(label, on, recorded_by=by, recorded_at=at, **extra)

    flags = app.deadline_flags or {}
    steps = [step("受理申请", "received_on", app.received_on, detail=app.enterprise_name)]
    if app.material_requested_on:
        steps.append(
            step(
                "要求补正材料",
                "material_requested_on",
                app.material_requested_on,
                detail=app.material_request,
            )  # fmt: skip
        )
        steps.append(
            step(
                "企业提交补正材料",
                "material_submitted_on",
                app.material_submitted_on,
                due=app.material_due,
                due_flag=flags.get("material_due", ""),
                detail=app.material_reply,
            )  # fmt: skip
        )
    if app.status != App.Status.WITHDRAWN or app.assessed_on:
        detail = app.get_proposed_class_display() if app.proposed_class else ""
        steps.append(
            step(
                "初步评估（3个工作日内）",
                "assessed_on",
                app.assessed_on,
                due=app.assessment_due,
                due_flag=flags.get("assessment_due", ""),
                detail=detail,
            )  # fmt: skip
        )
    if app.escalated_on:
        steps.append(step("报请区政府审批", "escalated_on", app.escalated_on))
    if app.decided_on:
        label = "准予入园" if app.status == App.Status.APPROVED else "不予准入"
        steps.append(
            step(
                f"{app.get_decision_body_display()}批复：{label}",
                "decided_on",
                app.decided_on,
                document=app.decision_document,
                detail=app.decision_note,
            )  # fmt: skip
        )
    if app.withdrawn_on:
        steps.append(step("企业撤回申请", "withdrawn_on", app.withdrawn_on))
    return steps
