"""Public notice (公示) and objections (异议) online (issue 12, points 2–3).

- What the public sees: runs on notice of the adopted policy (a what-if run is never shown to
  the public, even on notice), with only the fields the policy marks public
  (``consequences.public_fields``); and which run that is when an officer starts another run of
  the same year and policy (``public_view``).
- An enterprise user files an objection to its own parcel's result within the notice period,
  with its reason and evidence (an attachment kept under ``MEDIA_ROOT``); an evaluation officer
  answers it (upheld / rejected, reply). An upheld objection leads to a corrected run
  (``services.correct``), as from the command line.

Every rule of the run's life (dates, states, corrections) stays in ``services``; this module
adds who files and answers online and the evidence. Errors: ``services.EvaluationError`` with
the reason in Chinese first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import PurePath

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from landcycle.core.permissions import Action, restrict, scope_of
from landcycle.core.uploads import UploadRefused, check_upload
from landcycle.ledger.models import Parcel

from . import services
from .models import EvaluationResult, EvaluationRun, Objection, runs_prefetch

Status = EvaluationRun.Status
EvaluationError = services.EvaluationError

# Labels of the fields a policy may mark public (consequences.public_fields), in Chinese.
PUBLIC_FIELD_LABELS = {
    "parcel_code": "宗地编号",
    "holder_name": "产权单位",
    "enterprise_name": "企业名称",
    "group": "分组",
    "class": "评价类别",
    "area_m2": "面积（公顷）",
}
CLASS_LABELS = {"REVIEW": "待复核"}
# The public notice's rows are what ``restrict`` gives the public, whoever is signed in.
PUBLIC = AnonymousUser()

# Evidence attached to an objection: documents and photos, not programs or archives of them
# (core.uploads: place "attachments"; the one size limit LANDCYCLE_UPLOAD_MAX_MB).
ATTACHMENTS = "attachments"


# ---------------------------------------------------------------- what the public sees


def public_notice_runs() -> list[EvaluationRun]:
    """Runs on notice that the public sees (``notice_public``: of the policy adopted for their
    year when published, not what-ifs), newest first. One query."""
    rows = EvaluationRun.objects.filter(status=Status.NOTICE, notice_public=True)
    return list(rows.order_by("-year", "-id"))


def public_fields(run: EvaluationRun) -> list[str]:
    """The fields of the run's results its policy publishes during the notice (known ones)."""
    from .texts import run_policies

    policy = run_policies([run.pk]).get(run.pk)
    if policy is None:
        return []
    return [f for f in policy.consequences.public_fields if f in PUBLIC_FIELD_LABELS]


def public_columns(run: EvaluationRun) -> list[tuple[str, str]]:
    return [(f, PUBLIC_FIELD_LABELS[f]) for f in public_fields(run)]


def public_values(row: dict, fields: list[str]) -> list:
    """One result's public fields, in ``fields`` order, from a ``notice_results`` row."""
    holder = row["holder__name"] or ""
    values = {
        "parcel_code": row["parcel_code"],
        "holder_name": holder,
        "enterprise_name": holder,
        "group": row["group"],
        "class": CLASS_LABELS.get(row["klass"], row["klass"]),
        "area_m2": None if row["area_m2"] is None else round(row["area_m2"] / 10_000, 4),
    }
    return [values[f] for f in fields]


def notice_results(run: EvaluationRun, user, search: str = "") -> QuerySet:
    """Rows (dicts of the fields a policy may publish, and ``pk``) of ``run``'s results that
    ``user`` may view (the public: those of a public notice), in the ledger's parcel order (the
    unique (run, parcel) index serves it); ``search`` matches the parcel code or the holder's
    name. Values, not instances: no reasons are written for the public. The page pages it by
    ids (``web.tables.paged``): a deep page of 100,000 results is a slice, not an OFFSET."""
    rows = restrict(EvaluationResult.objects.filter(run=run), user, Action.VIEW)
    if search.strip():
        text = search.strip()
        rows = rows.filter(Q(parcel_code__icontains=text) | Q(holder__name__icontains=text))
    return rows.order_by("parcel_id").values(
        "pk", "parcel_code", "holder__name", "group", "klass", "area_m2"
    )


@dataclass(frozen=True)
class PublicView:
    """What the public sees for a year and policy (told before another run is started)."""

    year: int
    policy_name: str
    notice: EvaluationRun | None  # the run on notice, if any
    final: EvaluationRun | None  # the final run, if any
    what_if: bool  # the policy is not the adopted one: the public sees none of its runs

    @property
    def text(self) -> str:
        """One sentence in Chinese saying which run the public sees."""
        if self.what_if:
            return (
                f"「{self.policy_name}」不是 {self.year} 年度的采用政策，它的评价均为模拟试算，"
                "公众看不到其任何批次。"
            )
        parts = []
        if self.notice is not None:
            parts.append(
                f"公示中的批次 #{self.notice.pk}（公示期 {self.notice.notice_start} 至 "
                f"{self.notice.notice_end}）"
            )
        if self.final is not None:
            parts.append(f"已生效的批次 #{self.final.pk}（门户与驾驶舱的当前结果）")
        if not parts:
            return "公众目前看不到该年度该政策的任何评价结果。"
        return "公众目前看到的是：" + "；".join(parts) + "。"


def public_view(year: int, policy_name: str) -> PublicView:
    from .adoption import what_if_ids

    runs = EvaluationRun.objects.filter(year=year, policy_name=policy_name)
    notice = runs.filter(status=Status.NOTICE).order_by("-id").first()
    final = services.latest_final_run(year, policy_name)
    probe = notice or final or EvaluationRun(pk=0, year=year, policy_name=policy_name)
    return PublicView(year, policy_name, notice, final, bool(what_if_ids([probe])))


# ---------------------------------------------------------------- objections


def _name(user) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} ({user.get_username()})" if full else user.get_username()


def check_attachment(upload) -> None:
    """Refuse evidence that is empty, too large or of a type not accepted, judged by its content
    and name (``core.uploads.check_upload``, place "attachments"); EvaluationError, Chinese
    first."""
    if upload is None:
        return
    try:
        check_upload(upload, PurePath(upload.name or "").name, ATTACHMENTS)
    except UploadRefused as refused:
        raise EvaluationError(f"证明材料：{refused}") from None


def objectable_results(user, run: EvaluationRun | None = None):
    """The results ``user`` may object to: its own parcels' (SUBMIT) in runs on notice."""
    rows = restrict(EvaluationResult.objects.filter(run__status=Status.NOTICE), user, Action.SUBMIT)
    if run is not None:
        rows = rows.filter(run=run)
    return rows.select_related("run", "holder").order_by("-run__year", "run_id", "parcel_code")


def file_objection(
    run: EvaluationRun,
    parcel: Parcel,
    user,
    text: str,
    attachment=None,
    on: dt.date | None = None,
) -> Objection:
    """An enterprise user's objection to its parcel's result in ``run`` (on notice, within the
    notice period: ``services.raise_objection``), with optional evidence. One open objection
    per parcel and run: a second waits for the answer to the first.
    """
    result = objectable_results(user, run).filter(parcel=parcel).first()
    if result is None:
        raise EvaluationError(
            f"宗地 {parcel.code} 不是本企业在评价批次 #{run.pk} 中的宗地，或该批次不在公示期，"
            "不能对其提出异议 (not your parcel in a run on notice)"
        )
    check_attachment(attachment)
    open_one = Objection.objects.filter(run=run, parcel=parcel, upheld__isnull=True).first()
    if open_one is not None:
        raise EvaluationError(
            f"宗地 {parcel.code} 已有待答复的异议 #{open_one.pk}（{open_one.raised_on} 提出），"
            "请等待答复 (an objection to this parcel awaits its answer)"
        )
    enterprise_id = scope_of(user).enterprise_id
    uscc = None
    if enterprise_id:
        from landcycle.ledger.models import Enterprise

        uscc = Enterprise.objects.filter(pk=enterprise_id).values_list("uscc", flat=True).first()
    with transaction.atomic():
        objection = services.raise_objection(
            run, result.parcel_code, _name(user), text, on=on, enterprise_uscc=uscc or None
        )
        objection.raised_by_user = user
        if attachment is not None:
            objection.attachment.save(PurePath(attachment.name).name, attachment, save=False)
        objection.save(update_fields=["raised_by_user", "attachment"])
    return objection


def answer(
    objection: Objection, user, upheld: bool, reply: str, on: dt.date | None = None
) -> Objection:
    """The officer's answer (upheld / rejected, reply), by ``user``: ``services.answer_objection``."""
    with transaction.atomic():
        objection = Objection.objects.select_for_update().select_related("run").get(pk=objection.pk)
        services.answer_objection(objection, reply, _name(user), upheld, on=on)
        objection.answered_by_user = user
        objection.save(update_fields=["answered_by_user"])
    return objection


def objections_of(user, *, run: EvaluationRun | None = None, parcel: Parcel | None = None):
    """Objections ``user`` may view, of a run or a parcel, oldest first."""
    rows = restrict(Objection.objects.all(), user, Action.VIEW)
    if run is not None:
        rows = rows.filter(run=run)
    if parcel is not None:
        rows = rows.filter(parcel=parcel)
    # Related rows by prefetch: most runs and parcels have no objection, and a join would cost
    # every page compiling four tables' columns; with rows, four small queries.
    return rows.prefetch_related(runs_prefetch(), "parcel", "enterprise", "correction").order_by(
        "raised_on", "id"
    )


def days_left(run: EvaluationRun, today: dt.date | None = None) -> int | None:
    """Calendar days until the notice ends (0 on its last day); None when not on notice."""
    if run.status != Status.NOTICE or run.notice_end is None:
        return None
    return max((run.notice_end - (today or timezone.localdate())).days, 0)
