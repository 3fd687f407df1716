"""What follows from the classes of a run: summaries, the results table, and the lists.

Which classes feed which list, whether a list takes in the right holders' related parties, and
the differentiated factor prices all come from the policy file (``[[consequences.lists]]`` and
``[[consequences.factor_prices]]``). Lists come from a final run; a draft or a run on notice can
be previewed, and the export then says 预览 (preview) on every sheet and file name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import connection
from django.db.models import Count, Sum

from landcycle.core.safe_output import XLSX_FRAME_OPTIONS, csv_safe_frame, open_workbook
from landcycle.ledger.models import Enterprise, Person

from .derived import frame_with_per_mu
from .loading import LoadWindow, fetch_frame, load_frame
from .models import RESULT_FIGURES, EvaluationResult, EvaluationRun
from .services import REVIEW_CLASS, EvaluationError
from .texts import explain_frame, run_policies

Status = EvaluationRun.Status


def _class_sort_key(klass: str) -> tuple[int, str]:
    return (1 if klass == REVIEW_CLASS else 0, klass)


def class_summary(run: EvaluationRun) -> pl.DataFrame:
    """class, parcels, share, area_ha — one query (two for runs stored without areas)."""
    results = EvaluationResult.objects.filter(run=run).values("klass")
    rows = list(results.annotate(parcels=Count("id"), area=Sum("area_m2"), known=Count("area_m2")))
    if any(r["known"] < r["parcels"] for r in rows):  # results stored before areas were kept
        rows = results.annotate(parcels=Count("id"), area=Sum("parcel__registered_area_m2"))
    total = sum(r["parcels"] for r in rows) or 1
    data = sorted(
        (
            (r["klass"], r["parcels"], r["parcels"] / total, (r["area"] or 0.0) / 10_000)
            for r in rows
        ),
        key=lambda r: _class_sort_key(r[0]),
    )
    return pl.DataFrame(
        data,
        schema={"class": pl.Utf8, "parcels": pl.Int64, "share": pl.Float64, "area_ha": pl.Float64},
        orient="row",
    )


def year_over_year(run: EvaluationRun) -> pl.DataFrame:
    """Moves against the previous year's final run: ``B → A`` with the number of parcels."""
    rows = (
        EvaluationResult.objects.filter(run=run)
        .exclude(previous_class="")
        .values("previous_class", "klass")
        .annotate(parcels=Count("id"))
        .order_by("previous_class", "klass")
    )
    return pl.DataFrame(
        [(f"{r['previous_class']} → {r['klass']}", r["parcels"]) for r in rows],
        schema={"move": pl.Utf8, "parcels": pl.Int64},
        orient="row",
    )


def results_table(run: EvaluationRun, lang: str = "zh") -> pl.DataFrame:
    """The ``landcycle results`` table: parcel_code, class, score, reasons, then indicators.

    One query; the other indicators' JSON is decoded by Polars for the whole column (a million
    rows in seconds, where a Python loop over dicts would take a minute).
    """
    meta = EvaluationResult._meta
    q = connection.ops.quote_name

    def col(name):
        return q(meta.get_field(name).column)

    other = col("other_indicators")
    if connection.vendor == "postgresql":
        other = f"CAST({other} AS TEXT)"
    columns = ["parcel_code", "klass", "score", "rule", "reasons_zh", "reasons_en"]
    sql = (
        f"SELECT {', '.join(col(c) for c in (*columns, *RESULT_FIGURES))}, {other} "
        f"FROM {q(meta.db_table)} WHERE {col('run')} = {int(run.pk)} "
        f"ORDER BY {col('parcel_code')}"
    )
    schema = {c: pl.Utf8 for c in columns} | {"klass": pl.Utf8, "score": pl.Float64}
    schema = {("class" if c == "klass" else c): t for c, t in schema.items()}
    schema |= {name: pl.Float64 for name in RESULT_FIGURES} | {"other": pl.Utf8}
    frame = fetch_frame(sql, schema).with_columns(pl.col("reasons_zh", "reasons_en").fill_null(""))
    # Figures a run never gave (a column all null) are left out, as they were left out of JSON.
    figures = [c for c in RESULT_FIGURES if frame[c].null_count() < frame.height]
    others = frame["other"].fill_null("{}")
    if frame.is_empty() or others.eq("{}").all():
        decoded = pl.DataFrame()
    else:
        decoded = others.str.json_decode(infer_schema_length=None).struct.unnest()
    # Results stored before figures had columns keep them in the JSON.
    decoded = decoded.select(c for c in decoded.columns if c not in (*columns, "class"))
    figures = [c for c in figures if c not in decoded.columns]
    extra = frame_with_per_mu(pl.concat([frame.select(figures), decoded], how="horizontal"))
    frame = pl.concat(
        [frame.select("parcel_code", "class", "score", "rule", "reasons_zh", "reasons_en"), extra],
        how="horizontal",
    )
    # Texts that follow from the row are written now, from the run's policy (see ``texts``).
    frame = explain_frame(run_policies([run.pk])[run.pk], frame)
    reasons = "reasons_zh" if lang == "zh" else "reasons_en"
    return frame.select(
        "parcel_code", "class", "score", pl.col(reasons).alias("reasons"), *extra.columns
    )


# ---------------------------------------------------------------- lists


@dataclass(frozen=True)
class BuiltList:
    key: str
    title_zh: str
    title_en: str
    classes: tuple[str, ...]
    public: bool
    preview: bool
    frame: pl.DataFrame


_LIST_SCHEMA = {
    "统一社会信用代码": pl.Utf8,
    "企业名称": pl.Utf8,
    "身份": pl.Utf8,  # 产权单位 (right holder) or 关联方 (related party)
    "类别": pl.Utf8,
    "宗地编号": pl.Utf8,
    "关联依据": pl.Utf8,
    "复核宗地": pl.Utf8,  # parcels whose class is an officers' review decision (复核结论)
}


def _holders(run: EvaluationRun, results=None) -> pl.DataFrame:
    """enterprise_id, parcel_id, parcel_code, class (decided where a REVIEW decision is in
    force, ``review``), decided (bool) of the run's held parcels; ``results`` a (restricted)
    queryset of the run's results, default all of them."""
    from .review import decided_classes

    results = EvaluationResult.objects.filter(run=run) if results is None else results
    # The holder's code and name come with the row (a join): reading them afterwards by id
    # bound tens of thousands of ids into one IN list per list (0.5 s at 100k parcels).
    rows = results.filter(holder_id__isnull=False).values_list(
        "holder_id", "parcel_id", "parcel_code", "klass", "holder__uscc", "holder__name"
    )
    frame = pl.DataFrame(
        list(rows),
        schema={
            "enterprise_id": pl.Int64,
            "parcel_id": pl.Int64,
            "parcel_code": pl.Utf8,
            "class": pl.Utf8,
            "uscc": pl.Utf8,
            "name": pl.Utf8,
        },
        orient="row",
    )
    decided = decided_classes(run)
    if not decided:
        return frame.with_columns(pl.lit(False).alias("decided"))
    table = pl.DataFrame(
        {"parcel_id": list(decided), "decided_class": list(decided.values())},
        schema={"parcel_id": pl.Int64, "decided_class": pl.Utf8},
    )
    review = pl.col("class") == REVIEW_CLASS
    return (
        frame.join(table, on="parcel_id", how="left")
        .with_columns(
            (review & pl.col("decided_class").is_not_null()).alias("decided"),
            pl.when(review)
            .then(pl.coalesce("decided_class", "class"))
            .otherwise("class")
            .alias("class"),
        )
        .drop("decided_class")
    )


def _names_of(ids: pl.Series, holders: pl.DataFrame) -> pl.DataFrame:
    """enterprise_id, uscc, name of ``ids``: the holders' from ``holders`` (read with their
    results), the others' (related parties) in one query."""
    known = holders.select("enterprise_id", "uscc", "name").unique("enterprise_id")
    others = ids.filter(~ids.is_in(known["enterprise_id"].implode())).unique().to_list()
    if not others:
        return known
    return pl.concat([known, _enterprise_names(others)])


def _enterprise_names(ids: list[int]) -> pl.DataFrame:
    rows = Enterprise.objects.filter(pk__in=ids).values_list("id", "uscc", "name")
    return pl.DataFrame(
        list(rows),
        schema={"enterprise_id": pl.Int64, "uscc": pl.Utf8, "name": pl.Utf8},
        orient="row",
    )


def related_parties_of(holder_ids: list[int], policy, year: int) -> pl.DataFrame:
    """Enterprises related to the holders (关联方) as the policy's
    ``[consequences.related_parties]`` reads the term (``engine.related_parties_by_rule``).

    Returns enterprise_id (the related party), holder_id and basis: the path that relates it,
    naming the enterprises and persons (``甲公司 —实际控制人— 张三 —实际控制人— 乙公司``). Three
    queries: relations, then the names.
    """
    from .engine.graph import related_parties_by_rule
    from .naming import name_references

    relations = load_frame("relations", LoadWindow(year))
    rule = policy.consequences.related_parties
    found = related_parties_by_rule(relations, holder_ids, rule)
    if found.is_empty():
        return pl.DataFrame(
            schema={"enterprise_id": pl.Int64, "holder_id": pl.Int64, "basis": pl.Utf8}
        )
    prefix = {"person": "共同责任人", "shareholding": "股权控制", "common_parent": "同一控股股东"}
    paths = name_references(found["path_zh"].to_list())
    return found.select(
        pl.col("related_id").alias("enterprise_id"),
        pl.col("enterprise_id").alias("holder_id"),
        (
            pl.col("via").replace_strict(prefix, default="关联")
            + pl.lit("：")
            + pl.Series("path", paths, dtype=pl.Utf8)
        ).alias("basis"),
    )


def related_party_rule_zh(policy) -> str:
    """The policy's related-party rule as one Chinese sentence (shown beside the list)."""
    from .engine.graph import KIND_ZH

    rule = policy.consequences.related_parties
    holder = (
        "、".join(
            f"持股 ≥ {rule.holder_share_percent:g}% 的股东" if k == "shareholder" else KIND_ZH[k]
            for k in rule.holder_roles
        )
        or "（无）"
    )
    party = "、".join(
        f"持股 ≥ {rule.control_share_percent:g}% 的股东" if k == "shareholder" else KIND_ZH[k]
        for k in rule.party_roles
    )
    text = f"产权单位的{holder}，在另一企业担任{party or '（无）'}的，该企业为关联方"
    if rule.shareholding_depth:
        text += (
            f"；沿持股 ≥ {rule.control_share_percent:g}% 的控股关系向上、向下至多 "
            f"{rule.shareholding_depth} 层的企业，及同一控股股东控制的企业，为关联方"
        )
    return text + "。"


def _person_names(ids: list[int]) -> pl.DataFrame:
    rows = Person.objects.filter(pk__in=ids).values_list("id", "name")
    return pl.DataFrame(
        list(rows), schema={"person_id": pl.Int64, "person_name": pl.Utf8}, orient="row"
    )


def build_lists(run: EvaluationRun, preview: bool = False, results=None) -> list[BuiltList]:
    """Every list the run's policy defines, plus the factor-price table when it has one.

    Classes are the decided ones where a REVIEW decision is in force (``review``); the column
    复核宗地 names the parcels whose class comes from a decision. ``results``: a (restricted)
    queryset of the run's results to build from (a page passes the user's rows), default all.
    """
    if run.status != Status.FINAL and not preview:
        raise EvaluationError(
            f"run #{run.pk} is {run.get_status_display()}: lists come from a final run "
            "(use --preview to look at them before)"
        )
    if run.status == Status.SUPERSEDED and not preview:
        raise EvaluationError(f"run #{run.pk} has been superseded by a correction")
    from .review import run_policy

    policy = run_policy(run)
    holders = _holders(run, results)
    is_preview = run.status != Status.FINAL
    built = []
    for spec in policy.consequences.lists:
        chosen = holders.filter(pl.col("class").is_in(list(spec.classes)))
        per_holder = chosen.group_by("enterprise_id").agg(
            pl.col("class").unique().sort().str.join("/").alias("类别"),
            pl.col("parcel_code").sort().str.join(", ").alias("宗地编号"),
            pl.col("parcel_code").filter(pl.col("decided")).sort().str.join(", ").alias("复核宗地"),
        )
        frame = per_holder.with_columns(
            pl.lit("产权单位").alias("身份"), pl.lit("").alias("关联依据")
        )
        if spec.include_related_parties and per_holder.height:
            related = related_parties_of(per_holder["enterprise_id"].to_list(), policy, run.year)
            related = related.join(
                per_holder.select("enterprise_id", "类别", "宗地编号").rename(
                    {"enterprise_id": "holder_id"}
                ),
                on="holder_id",
                how="inner",
            )
            # A related party that is itself a holder on the list is listed once, as holder.
            related = related.filter(
                ~pl.col("enterprise_id").is_in(per_holder["enterprise_id"].implode())
            )
            related = related.group_by("enterprise_id").agg(
                pl.col("类别").unique().sort().str.join("/"),
                pl.col("宗地编号").unique().sort().str.join(", "),
                pl.col("basis").unique().sort().str.join("; ").alias("关联依据"),
            )
            frame = pl.concat(
                [
                    frame.select(
                        "enterprise_id", "类别", "宗地编号", "身份", "关联依据", "复核宗地"
                    ),
                    related.with_columns(
                        pl.lit("关联方").alias("身份"), pl.lit("").alias("复核宗地")
                    ).select("enterprise_id", "类别", "宗地编号", "身份", "关联依据", "复核宗地"),
                ]
            )
        names = _names_of(frame["enterprise_id"], holders)
        frame = (
            frame.join(names, on="enterprise_id", how="left")
            .rename({"uscc": "统一社会信用代码", "name": "企业名称"})
            .select(list(_LIST_SCHEMA))
            # right holders first, then their related parties
            .sort(pl.col("身份") == "关联方", "统一社会信用代码")
        )
        built.append(
            BuiltList(
                spec.id,
                spec.title_zh,
                spec.title_en,
                tuple(spec.classes),
                spec.public,
                is_preview,
                frame,
            )
        )
    prices = factor_price_table(policy, holders)
    if prices is not None:
        built.append(
            BuiltList(
                "factor_prices",
                "差别化要素价格",
                "differentiated factor prices",
                (),
                False,
                is_preview,
                prices,
            )
        )
    return built


# Factor-price items (the policy's ``item`` keys) as officers name them.
FACTOR_ITEMS_ZH = {
    "electricity": "电价",
    "water": "水价",
    "gas": "气价",
    "sewage": "污水处理费",
    "land_use_tax": "城镇土地使用税",
    "land": "用地",
    "energy": "用能",
}


def factor_price_table(policy, holders: pl.DataFrame) -> pl.DataFrame | None:
    """One row per class and item (electricity, water…) with the surcharge and who pays it."""
    prices = policy.consequences.factor_prices
    if not prices:
        return None
    counts = holders.group_by("class").agg(
        pl.len().alias("parcels"), pl.col("enterprise_id").n_unique().alias("holders")
    )
    by_class = {row["class"]: row for row in counts.iter_rows(named=True)}
    rows = []
    for price in prices:
        row = by_class.get(price.klass, {"parcels": 0, "holders": 0})
        rows.append(
            (
                price.klass,
                FACTOR_ITEMS_ZH.get(price.item, price.item),
                price.label_zh,
                price.surcharge.value,
                price.surcharge.unit_text,
                "示例值（文件未定数额）" if price.example else "",
                row["parcels"],
                row["holders"],
            )
        )
    return pl.DataFrame(
        rows,
        schema={
            "类别": pl.Utf8,
            "项目": pl.Utf8,
            "名称": pl.Utf8,
            "加价": pl.Float64,
            "单位": pl.Utf8,
            "说明": pl.Utf8,
            "宗地数": pl.Int64,
            "企业数": pl.Int64,
        },
        orient="row",
    )


def list_csv(item: BuiltList) -> bytes:
    """One list as CSV bytes: UTF-8 with BOM (for Excel), text cells safe (``csv_safe_frame``)."""
    return b"\xef\xbb\xbf" + csv_safe_frame(item.frame).write_csv().encode("utf-8")


def lists_workbook(built: list[BuiltList], target) -> None:
    """Every list as one sheet of an xlsx workbook written to ``target`` (a path or a binary
    file object); text is written as text, never a formula (``open_workbook``)."""
    options = dict(XLSX_FRAME_OPTIONS)
    if not isinstance(target, str | Path):
        options["in_memory"] = True
    with open_workbook(target if not isinstance(target, Path) else str(target), options) as book:
        names: set[str] = set()
        for item in built:
            # Excel sheet names: at most 31 characters, unique.
            title = (item.title_zh + ("（预览）" if item.preview else ""))[:31]
            while title in names:
                title = title[:29] + f"{len(names):02d}"
            names.add(title)
            item.frame.write_excel(book, worksheet=title, autofit=True)


def export_lists(built: list[BuiltList], directory: Path, fmt: str = "xlsx") -> list[Path]:
    """xlsx: one workbook, one sheet per list; csv: one file per list (UTF-8 with BOM for Excel)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    suffix = "-预览" if any(b.preview for b in built) else ""
    if fmt == "csv":
        written = []
        for item in built:
            path = directory / f"{item.key}{suffix}.csv"
            path.write_bytes(list_csv(item))
            written.append(path)
        return written
    if fmt != "xlsx":
        raise EvaluationError(f"unknown list format {fmt!r}: xlsx or csv")
    path = directory / f"名单{suffix}.xlsx"
    lists_workbook(built, path)
    return [path]
