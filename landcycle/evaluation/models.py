"""Evaluation runs, their results, and objections raised during the public notice.

A run is the policy applied to the ledger for one year. It records which policy (name, version,
hash of the file's content) and which inputs (a fingerprint of the loaded frames), so that it can
be reproduced. Results are written once and never edited: a correction is a new run that names
the run it corrects (and the objection that led to it).

Status: draft (草稿) → notice (公示中) → final (已生效); a run under notice whose correction is
finalised becomes superseded (已更正). Only final runs feed lists and prices.
"""

from django.conf import settings
from django.db import models

from landcycle.core.changelog import ChangeLogged
from landcycle.core.permissions import RestrictedQuerySet


class WrittenJSONField(models.JSONField):
    """JSON stored as written: PostgreSQL ``json`` rather than ``jsonb``.

    Results' indicators are written a million at a time and read whole, never searched inside;
    ``json`` only checks the text, which makes the COPY of a million results about 45 % faster
    than building ``jsonb``. The price: PostgreSQL's ``json`` has no comparison, containment or
    ``has_key`` operators, so filter or sort inside it through a key's text, e.g.
    ``Cast(KT("indicators__tax_10k_cny_per_ha"), FloatField())``.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if isinstance(value, dict | list):  # psycopg already decoded a json column
            return value
        return super().from_db_value(value, expression, connection)


class IndicatorsField(WrittenJSONField):
    """(Named by migrations 0005–0006; results now keep figures in columns, see
    ``EvaluationResult.indicators``.) A result's indicators; per-mu money figures derived on read.

    The column holds each per-hectare figure only (``derived.with_per_mu`` puts the per-mu one
    back when the value is loaded), a sixth less for the database to ingest per result. Inside
    the database, read a per-mu figure as its per-hectare key's value ÷ 15.
    """

    def from_db_value(self, value, expression, connection):
        from .derived import with_per_mu

        return with_per_mu(super().from_db_value(value, expression, connection))


class EvaluationRun(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        NOTICE = "notice", "公示中"
        FINAL = "final", "已生效"
        SUPERSEDED = "superseded", "已更正"

    year = models.PositiveSmallIntegerField("评价年度")
    policy_name = models.CharField("评价政策", max_length=100)
    policy_version = models.CharField("政策版本", max_length=50, blank=True)
    policy_hash = models.CharField("政策文件哈希", max_length=64)
    # The policy file as it was: results' texts are written from it when read (see ``texts``).
    policy_source = models.TextField("政策文件", blank=True)
    inputs_fingerprint = models.CharField("输入数据指纹", max_length=64)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField("创建时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    source = models.CharField("来源", max_length=200, blank=True)
    parcel_count = models.PositiveIntegerField("宗地数", default=0)
    class_counts = models.JSONField("各类数量", default=dict, blank=True)
    # The latest final run of the previous year with the same policy: base of "B → A" moves.
    previous_run = models.ForeignKey(
        "self",
        verbose_name="上年度评价",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的评价",
        null=True,
        blank=True,
        related_name="corrections",
        on_delete=models.PROTECT,
    )
    notice_days = models.PositiveSmallIntegerField("公示期 (天)", null=True, blank=True)
    # How notice_days count, from the policy (consequences.notice_unit): 自然日 or 工作日.
    notice_unit = models.CharField(
        "公示期计法",
        max_length=12,
        choices=[("days", "自然日"), ("working_days", "工作日")],
        default="days",
    )
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示结束", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    # Set when published: the notice is the public's (the run is of the adopted policy, not a
    # what-if), so the portal shows it and its public fields.
    notice_public = models.BooleanField("向社会公示", default=False)
    finalized_at = models.DateTimeField("生效时间", null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    forced = models.BooleanField("提前生效", default=False)
    note = models.TextField("说明", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "评价批次"
        verbose_name_plural = "评价批次"
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "policy_name", "status"])]

    def __str__(self):
        return f"#{self.pk} {self.year} {self.policy_name} {self.get_status_display()}"


# Figures every evaluation gives, each stored in a column of its own (in this order).
RESULT_FIGURES = (
    "area_m2",
    "output_10k_cny_per_ha",
    "revenue_10k_cny_per_ha",
    "tax_10k_cny_per_ha",
    "value_added_10k_cny_per_ha",
    "rd_expense_10k_cny_per_ha",
    "investment_10k_cny_per_ha",
    "output_10k_cny",
    "tax_10k_cny",
)
RANK_FIELDS = ("rank_jurisdiction", "rank_industry", "industry")


def merged_indicators(figures: dict, other: dict | None) -> dict:
    """A result's figures (columns, then the JSON of the others) as one dict, per-mu derived."""
    from .derived import with_per_mu

    merged = {name: value for name, value in figures.items() if value is not None}
    # Results stored before the figures had columns keep them all in the JSON.
    merged.update(other or {})
    return with_per_mu(merged)


class ResultQuerySet(RestrictedQuerySet):
    """Results as model instances come with their reasons and gaps: ``texts.ResultIterable``,
    installed as ``result_iterable`` by ``EvaluationConfig.ready`` (the texts read the models,
    so the models do not import the texts); ``values()`` returns what is stored."""

    result_iterable = models.query.ModelIterable

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._iterable_class = self.result_iterable

    def without_texts(self) -> "ResultQuerySet":
        """The results as stored, texts not written: for a caller that keeps only some of them
        and writes theirs with ``texts.write_texts`` (the card: not the hidden what-if runs)."""
        clone = self._chain()
        clone._iterable_class = models.query.ModelIterable
        return clone


class EvaluationResult(models.Model):
    """One parcel's class in one run. Written in bulk once; never updated.

    Reasons and gaps that follow from the result itself (a rule policy's) are stored empty and
    written when results are read, from the run's policy (``texts``); querysets of results do
    this for the instances they return (``values()`` returns what is stored).

    The figures every evaluation gives (``RESULT_FIGURES``) and the ranks have columns of their
    own: typed, so they sort and filter in SQL, and a third fewer bytes per result than as JSON
    keys. The figures that depend on the policy are JSON in ``other_indicators``. Per-mu money
    figures are not stored (per-hectare ÷ 15). ``result.indicators`` gives them all as one dict,
    as the engine named them (see ``derived``).
    """

    # No index of its own: the unique (run, parcel) index serves lookups by run, and every
    # index costs time when a million results are written. No database constraint either: a
    # deferred foreign key queues one check per row until commit (about 1 s per 100,000
    # results); results are written only by ``services.store`` right after their run, and
    # deleting a run still cascades (Django deletes its results).
    run = models.ForeignKey(
        EvaluationRun,
        verbose_name="评价批次",
        related_name="results",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
    )
    # Results are a historical record: they keep the code and survive later ledger edits, so
    # the parcel and holder are referenced without a database constraint.
    parcel = models.ForeignKey(
        "ledger.Parcel",
        verbose_name="宗地",
        related_name="+",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    parcel_code = models.CharField("宗地编号", max_length=64)
    holder = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name="产权单位",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        # Indexed: an enterprise's own results (its results page, objections, the enterprise
        # user's restriction ``holder = it OR parcel of it``) would scan every result of a run.
        db_index=True,
    )
    klass = models.CharField("类别", max_length=12)
    score = models.FloatField("得分", null=True, blank=True)
    rule = models.CharField("适用规则", max_length=100, blank=True)
    reasons_zh = models.TextField("理由", blank=True)
    reasons_en = models.TextField("Reasons", blank=True)
    gap_zh = models.TextField("差距", blank=True)
    gap_en = models.TextField("Gap", blank=True)
    next_class = models.CharField("可升至", max_length=12, blank=True)
    previous_class = models.CharField("上年度类别", max_length=12, blank=True)
    group = models.CharField("分组", max_length=50, blank=True)
    area_m2 = models.FloatField("面积 (m²)", null=True, blank=True)
    output_10k_cny_per_ha = models.FloatField("地均产值 (万元/公顷)", null=True, blank=True)
    revenue_10k_cny_per_ha = models.FloatField("地均营业收入 (万元/公顷)", null=True, blank=True)
    tax_10k_cny_per_ha = models.FloatField("地均税收 (万元/公顷)", null=True, blank=True)
    value_added_10k_cny_per_ha = models.FloatField("地均增加值 (万元/公顷)", null=True, blank=True)
    rd_expense_10k_cny_per_ha = models.FloatField("地均研发经费 (万元/公顷)", null=True, blank=True)
    investment_10k_cny_per_ha = models.FloatField("地均投资 (万元/公顷)", null=True, blank=True)
    output_10k_cny = models.FloatField("产值 (万元)", null=True, blank=True)
    tax_10k_cny = models.FloatField("税收 (万元)", null=True, blank=True)
    other_indicators = WrittenJSONField("其他指标", default=dict, blank=True)
    rank_jurisdiction = models.PositiveIntegerField("街道内排名", null=True, blank=True)
    rank_industry = models.PositiveIntegerField("行业内排名", null=True, blank=True)
    industry = models.CharField("行业", max_length=20, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        constraints = [
            models.UniqueConstraint(fields=["run", "parcel"], name="result_unique_parcel"),
        ]

    def __str__(self):
        return f"{self.parcel_code} {self.klass}"

    @property
    def indicators(self) -> dict:
        """Every figure of the result by the engine's name, per-mu ones derived."""
        return merged_indicators(
            {name: getattr(self, name) for name in RESULT_FIGURES}, self.other_indicators
        )

    @property
    def ranks(self) -> dict:
        return {name: getattr(self, name) for name in RANK_FIELDS}

    @property
    def move(self) -> str:
        """Year-over-year move such as ``B → A`` ('' without a previous final class)."""
        if not self.previous_class:
            return ""
        return f"{self.previous_class} → {self.klass}"


class Objection(models.Model):
    """An enterprise's objection (异议) to a result during the public notice, and its answer."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name="评价批次", related_name="objections", on_delete=models.PROTECT
    )
    parcel = models.ForeignKey(
        "ledger.Parcel", verbose_name="宗地", related_name="+", on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "ledger.Enterprise",
        verbose_name="提出企业",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.PROTECT,
    )
    raised_by = models.CharField("提出人", max_length=100)
    text = models.TextField("异议内容")
    raised_on = models.DateField("提出日期")
    # Filed online: the account that filed it and its evidence (证明材料), kept under MEDIA_ROOT.
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提出账号",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    attachment = models.FileField(
        "证明材料", upload_to="evaluation/objections/%Y/", blank=True, max_length=300
    )
    answer = models.TextField("答复", blank=True)
    answered_by = models.CharField("答复人", max_length=100, blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    answered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复账号",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    # The run re-made after the ledger was corrected because this objection was upheld.
    correction = models.ForeignKey(
        EvaluationRun,
        verbose_name="更正评价",
        null=True,
        blank=True,
        related_name="resolved_objections",
        on_delete=models.PROTECT,
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "异议"
        verbose_name_plural = "异议"
        ordering = ["raised_on", "id"]

    def __str__(self):
        return f"#{self.pk} {self.parcel} {self.raised_by}"

    @property
    def answered(self) -> bool:
        return self.upheld is not None

    @property
    def attachment_name(self) -> str:
        """The evidence's file name as uploaded (without the storage folder)."""
        return self.attachment.name.rsplit("/", 1)[-1] if self.attachment else ""


class PolicyAdoption(ChangeLogged):
    """The policy a zone (top-level jurisdiction) adopts for a year's evaluation (采用政策).

    The final run of the adopted policy is that zone and year's current results: the portal's
    lists, the dashboard, map colours, the parcel card, lists and prices and stock-land findings
    read it (``services.current_runs``). Every other run of the year is a what-if (模拟试算).
    Changed only through ``adoption.adopt``, and only while no run of the adopted policy for the
    year is final; every save is in the change log (``ChangeLogged``).
    """

    zone = models.ForeignKey(
        "ledger.Jurisdiction",
        verbose_name="辖区",
        related_name="+",
        on_delete=models.PROTECT,
    )
    year = models.PositiveSmallIntegerField("评价年度")
    policy_name = models.CharField("采用政策", max_length=100)
    reason = models.TextField("采用理由")
    adopted_at = models.DateTimeField("采用时间")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="采用人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    source = models.CharField("来源", max_length=200, blank=True)

    class Meta:
        verbose_name = "采用政策"
        verbose_name_plural = "采用政策"
        ordering = ["-year", "zone_id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="adoption_unique_zone_year")
        ]

    def __str__(self):
        return f"{self.zone} {self.year} {self.policy_name}"


class ReviewDecision(ChangeLogged):
    """An officer's decision (复核结论) on a parcel the engine left to review (待复核).

    The engine's result stays as it was (``EvaluationResult.klass`` = REVIEW, with its reasons);
    this record adds the class the officers decided, why, the evidence and who decided when. Where
    the run's policy asks for it (``[review] second_officer``) a second officer confirms it before
    it counts. A decision in force is the parcel's class for lists, prices, stock land and the
    portal (``review.decided_classes``). A corrected run carries a decision over when the
    parcel's facts did not change (``facts_hash``), else it is carried over flagged (需重新复核)
    and counts no more. Changed only through ``landcycle.evaluation.review``.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", "待确认"
        IN_FORCE = "in_force", "已生效"
        FLAGGED = "flagged", "需重新复核"

    run = models.ForeignKey(
        EvaluationRun, verbose_name="评价批次", related_name="decisions", on_delete=models.CASCADE
    )
    parcel = models.ForeignKey(
        "ledger.Parcel",
        verbose_name="宗地",
        related_name="+",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    parcel_code = models.CharField("宗地编号", max_length=64)
    engine_class = models.CharField("系统评价类别", max_length=12)
    decided_class = models.CharField("复核类别", max_length=12)
    reason = models.TextField("复核理由")
    evidence_name = models.CharField("证明材料", max_length=200, blank=True)
    # Relative to MEDIA_ROOT (outside the web root); served only through the review pages.
    evidence_path = models.CharField("证明材料存放位置", max_length=300, blank=True)
    evidence_type = models.CharField("材料类型", max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField("材料大小 (字节)", null=True, blank=True)
    evidence_sha256 = models.CharField("材料哈希", max_length=64, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="复核人",
        null=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    decided_by_name = models.CharField("复核人姓名", max_length=150)
    decided_at = models.DateTimeField("复核时间")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    confirmed_by_name = models.CharField("确认人姓名", max_length=150, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.AWAITING, db_index=True
    )
    # The result's facts when decided: class, rule, figures (see ``review.facts_hash``).
    facts_hash = models.CharField("事实指纹", max_length=64)
    carried_from = models.ForeignKey(
        "self",
        verbose_name="沿用自",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    flag_reason = models.TextField("标记原因", blank=True)

    class Meta:
        verbose_name = "复核结论"
        verbose_name_plural = "复核结论"
        ordering = ["run_id", "parcel_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "parcel"], name="decision_unique_parcel"),
        ]

    def __str__(self):
        return f"{self.parcel_code} {self.engine_class} → {self.decided_class}"

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.IN_FORCE


def runs_prefetch(lookup: str = "run") -> models.Prefetch:
    """Prefetch of the runs of related rows without each run's policy text (its hash names it):
    for panels whose rows are usually none, where a join would cost compiling every column."""
    return models.Prefetch(lookup, queryset=EvaluationRun.objects.defer("policy_source"))
