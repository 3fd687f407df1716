"""What follows from the classes, as pages: the lists the run's policy defines (key-service list
with related parties and the path relating each, A list, C renewal list, D enforcement list…) and
the differentiated factor-price table, each searchable and paged, exported as xlsx or CSV.

The run shown is the current one (the final run of the adopted policy, ``current_runs``) unless
another is chosen; a run not final is a preview (预览) and a what-if is labelled so. Rows are the
user's: the holders come from the results ``restrict`` gives them.
"""

from __future__ import annotations

import io

import polars as pl
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from landcycle.core.permissions import Action
from landcycle.web import cache
from landcycle.web.decorators import requires
from landcycle.web.formatting import number
from landcycle.web.navigation import MenuItem

from .. import adoption, display, lists, review
from ..models import EvaluationResult, EvaluationRun
from ..services import EvaluationError, current_runs

PAGE_SIZE = 50
MENU = [MenuItem("名单与价格", "evaluation:lists", action=Action.VIEW, order=52)]
SEARCHED = ("企业名称", "统一社会信用代码", "宗地编号")


def _chosen_run(request) -> EvaluationRun | None:
    runs = EvaluationRun.objects.restrict(request.user)
    wanted = request.GET.get("run", "")
    if wanted:
        try:
            return runs.get(pk=int(wanted))
        except (ValueError, EvaluationRun.DoesNotExist):
            raise Http404 from None
    found = current_runs()
    return runs.filter(pk=found[0].run.pk).first() if found else None


def _built(request, run):
    """The run's lists from the user's results; computed once per data version and scope (a
    decision or any ledger write is a new version), so paging and searching reuse it."""
    results = EvaluationResult.objects.restrict(request.user).filter(run=run)
    return cache.value(
        f"lists:{run.pk}:{run.status}",
        results,
        cache.data_version(),
        lambda: lists.build_lists(run, preview=run.status != run.Status.FINAL, results=results),
    )


def _searched(frame: pl.DataFrame, query: str) -> pl.DataFrame:
    columns = [c for c in SEARCHED if c in frame.columns]
    if not query or not columns:
        return frame
    hit = pl.lit(False)
    for column in columns:
        hit = hit | pl.col(column).fill_null("").str.contains(query, literal=True)
    return frame.filter(hit)


def _cells(frame: pl.DataFrame) -> list[list[str]]:
    """Rows as shown: numbers without float noise, REVIEW as 待复核."""
    out = []
    for row in frame.iter_rows():
        cells = []
        for name, value in zip(frame.columns, row, strict=True):
            if isinstance(value, float | int) and not isinstance(value, bool):
                cells.append(number(value))
            elif name == "类别":
                cells.append(display.class_label(value))
            else:
                cells.append("" if value is None else str(value))
        out.append(cells)
    return out


def _run_choices(request):
    runs = list(
        EvaluationRun.objects.restrict(request.user)
        .exclude(status=EvaluationRun.Status.SUPERSEDED)
        .order_by("-year", "-id")[:50]
    )
    what_ifs = adoption.what_if_ids(runs)
    return [
        (r.pk, f"{r.year} 年度 · {r.policy_name} · {r.get_status_display()}"
         + (" · 模拟" if r.pk in what_ifs else ""))
        for r in runs
    ]  # fmt: skip


@requires(Action.VIEW)
@require_safe
def list_page(request):
    run = _chosen_run(request)
    context = {"run": run, "runs": _run_choices(request)}
    if run is None:
        messages.info(request, "还没有生效的采用政策评价：选择一个评价批次预览名单")
        return render(request, "evaluation/lists.html", context)
    try:
        built = _built(request, run)
    except EvaluationError as exc:
        messages.error(request, str(exc))
        return render(request, "evaluation/lists.html", context)
    key = request.GET.get("list") or (built[0].key if built else "")
    chosen = next((b for b in built if b.key == key), None)
    if built and chosen is None:
        raise Http404
    policy = review.run_policy(run)
    query = request.GET.get("q", "").strip()
    frame = _searched(chosen.frame, query) if chosen else pl.DataFrame()
    page = Paginator(range(frame.height), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = frame.slice(page.start_index() - 1, PAGE_SIZE) if frame.height else frame
    spec = next((s for s in policy.consequences.lists if chosen and s.id == chosen.key), None)
    context |= {
        "built": built,
        "chosen": chosen,
        "columns": frame.columns,
        "rows": _cells(shown),
        "page": page,
        "query": query,
        "policy": policy,
        "what_if": adoption.is_what_if(run),
        "related_rule": lists.related_party_rule_zh(policy)
        if spec is not None and spec.include_related_parties
        else "",
        "measures": [
            (klass, text)
            for klass, text in policy.consequences.measures_zh.items()
            if chosen and (not chosen.classes or klass in chosen.classes)
        ],
    }
    return render(request, "evaluation/lists.html", context)


@requires(Action.EXPORT)
@require_safe
def list_export(request, fmt):
    """xlsx: every list of the run, one sheet each; csv: the chosen list (``?list=``)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    run = _chosen_run(request)
    if run is None:
        raise Http404
    try:
        built = _built(request, run)
    except EvaluationError:
        raise Http404 from None
    suffix = "-预览" if run.status != run.Status.FINAL else ""
    if fmt == "csv":
        key = request.GET.get("list") or (built[0].key if built else "")
        item = next((b for b in built if b.key == key), None)
        if item is None:
            raise Http404
        response = HttpResponse(lists.list_csv(item), content_type="text/csv; charset=utf-8")
        name = f"{run.year}-{item.key}{suffix}.csv"
    else:
        output = io.BytesIO()
        lists.lists_workbook(built, output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{run.year}-名单{suffix}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


urlpatterns = [
    path("lists/", list_page, name="lists"),
    path("lists/export.<str:fmt>", list_export, name="lists_export"),
]
