"""One file per parcel (一地一档): the documents of a parcel or a case, their upload, the file
itself (only through here, after restrict), and the parcel card's panel of every case and
document of the parcel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from landcycle.core.permissions import Action, permits, restrict, scope_of
from landcycle.imports.limits import limit
from landcycle.ledger.models import Parcel
from landcycle.web.decorators import requires
from landcycle.web.panels import Panel

from ..forms.documents import DocumentForm, ReplaceForm, WithdrawForm
from ..models import (
    AdmissionApplication,
    AvailableLandEntry,
    Document,
    ExitCase,
    RenewalProject,
    StockLandCase,
    SupervisionAgreement,
)
from ..models.documents import TARGET_FIELDS
from ..services import LifecycleError
from ..services.documents import (
    AVAILABLE_ENTRY,
    DocumentRefused,
    amendable,
    attach,
    cases_of,
    listed,
    mark_amendable,
    may_have_documents,
    parcel_probes,
    replace,
    withdraw,
)

# How many documents the card panel and a case's list show (the documents page shows all).
PANEL_DOCUMENTS = 20


def _model(target: str) -> type[Model]:
    if target not in TARGET_FIELDS:
        raise Http404("没有这种档案对象")
    return Document._meta.get_field(TARGET_FIELDS[target]).related_model


def target_key(obj: Model) -> str:
    """The URL name of ``obj``'s kind of target (``parcel``, ``exit`` …)."""
    for key, field_name in TARGET_FIELDS.items():
        if isinstance(obj, Document._meta.get_field(field_name).related_model):
            return key
    raise LifecycleError(f"不能在“{obj._meta.verbose_name}”上存放档案文件")


def upload_action(user, obj: Model) -> Action | None:
    """The action under which ``user`` may add documents to ``obj`` (HANDLE for officers,
    SUBMIT for an enterprise on its own parcel or case), or None."""
    scope = scope_of(user)
    for action in (Action.HANDLE, Action.SUBMIT):
        if not scope.can(action):
            continue
        if action == Action.SUBMIT and isinstance(obj, Parcel):
            # A parcel's own file takes material from its holder, not from a tenant (who
            # could not see it afterwards: the document rule).
            if obj.holder_id != scope.enterprise_id:
                continue
        if permits(user, action, obj):
            return action
    return None


def documents_context(
    request, obj: Model, limit: int | None = PANEL_DOCUMENTS, cases: dict | None = None
) -> dict:
    """What ``lifecycle/documents/_documents.html`` shows for ``obj``: the documents ``request.user``
    may see (withdrawn ones left out, superseded ones marked; newest first, at most ``limit``),
    their count, the upload form if allowed, and which of them the user may replace or
    withdraw (``d.amendable``). ``cases`` (a parcel's ``cases_of``) saves the subqueries of its
    file."""
    documents = listed(request.user, obj, cases)
    rows = documents.prefetch_related("uploaded_by__landcycle_profile")  # none: no query
    if isinstance(obj, Parcel) and cases is not None and not may_have_documents(obj, cases):
        shown, total = [], 0  # nothing on its file: no query (most parcel cards)
    elif limit:
        # One query when all fit; the count only when they don't.
        shown = list(rows[: limit + 1])
        total = len(shown) if len(shown) <= limit else documents.count()
        shown = shown[:limit]
    else:
        shown = list(rows)
        total = len(shown)
    action = upload_action(request.user, obj)
    mark_amendable(request.user, shown, action)
    key = target_key(obj)
    return {
        "documents": shown,
        "documents_total": total,
        "documents_more": total - len(shown),
        "form": DocumentForm(officer=action == Action.HANDLE) if action else None,
        "may_amend": any(d.amendable for d in shown),
        "target": key,
        "target_obj": obj,
        "documents_url": reverse("lifecycle:documents", kwargs={"target": key, "pk": obj.pk}),
        "next": request.get_full_path(),
    }


@requires(Action.VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request, target: str, pk: int):
    """The documents of one parcel (its whole file) or one case, and the upload form."""
    scope = scope_of(request.user)
    model = _model(target)
    obj = get_object_or_404(
        restrict(model._default_manager.all(), request.user, Action.VIEW), pk=pk
    )
    form = None
    if request.method == "POST":
        if not (scope.can(Action.HANDLE) or scope.can(Action.SUBMIT)):
            raise PermissionDenied
        action = upload_action(request.user, obj)
        if action is None:
            raise Http404("不能在此对象上传文件")
        form = DocumentForm(request.POST, request.FILES, officer=action == Action.HANDLE)
        if getattr(request, "upload_refused_bytes", None):  # cut by the upload handler
            ceiling = limit("LANDCYCLE_IMPORT_MAX_FILE_MB")
            form.add_error(None, f"上传的文件超过 {ceiling} MB 的上传上限，已丢弃，未保存。")
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                document = attach(
                    upload,
                    name=upload.name,
                    kind=form.cleaned_data["kind"],
                    target=obj,
                    user=request.user,
                    title=form.cleaned_data["title"],
                    dated=form.cleaned_data["dated"],
                    internal=form.cleaned_data.get("internal", False),
                )
            except DocumentRefused as exc:
                form.add_error("file", str(exc))
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已存档：{document.title}（{document.original_name}）")
                return redirect(_next(request) or request.path)
    context = documents_context(request, obj, limit=None)
    if form is not None:
        context["form"] = form
    context["next"] = _next(request) or ""
    context["title"] = f"{obj} · 档案"
    return render(request, "lifecycle/documents/documents.html", context)


def _next(request) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return ""


@requires(Action.VIEW)
@require_safe
def document_file(request, pk: int):
    """The stored file, to a user who may see its document (restrict); images inline, every
    other type as a download."""
    visible = Document.objects.restrict(request.user, Action.VIEW)
    document = get_object_or_404(visible.filter(withdrawn_at__isnull=True), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不在存储中") from None
    response = FileResponse(
        handle,
        as_attachment=not document.is_image,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- replace and withdraw (nothing is destroyed: 一地一档 is a record) ----


def _amend(request, pk: int, step: str):
    scope = scope_of(request.user)
    if not (scope.can(Action.HANDLE) or scope.can(Action.SUBMIT)):
        raise PermissionDenied
    document = get_object_or_404(amendable(request.user), pk=pk)
    form_class = ReplaceForm if step == "replace" else WithdrawForm
    form = form_class()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if getattr(request, "upload_refused_bytes", None):  # cut by the upload handler
            ceiling = limit("LANDCYCLE_IMPORT_MAX_FILE_MB")
            form.add_error(None, f"上传的文件超过 {ceiling} MB 的上传上限，已丢弃，未保存。")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if step == "replace":
                    new = replace(
                        document,
                        data["file"],
                        user=request.user,
                        name=data["file"].name,
                        title=data["title"],
                        dated=data["dated"],
                    )
                    done = f"已替换为第 {new.version} 版：{new.title}（{new.original_name}）"
                else:
                    withdraw(document, user=request.user, reason=data["reason"])
                    done = f"已撤回：{document.title}（文件保留，记入修改记录）"
            except DocumentRefused as exc:
                form.add_error("file", str(exc))
            except LifecycleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, done)
                return redirect(_next(request) or _home(document))
    verb = "替换" if step == "replace" else "撤回"
    context = {
        "document": document,
        "form": form,
        "step": step,
        "next": _next(request),
        "title": f"{verb}档案文件 · {document.title}",
    }
    return render(request, "lifecycle/documents/amend.html", context)


def _home(document: Document) -> str:
    """The documents page of the document's case (or parcel)."""
    for key, field_name in reversed(TARGET_FIELDS.items()):  # a case before its parcel
        target_id = getattr(document, f"{field_name}_id")
        if target_id is not None:
            return reverse("lifecycle:documents", kwargs={"target": key, "pk": target_id})
    return "/"


@requires(Action.VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def document_replace(request, pk: int):
    """Replace a document by a new version (confirmation; the old one kept as superseded)."""
    return _amend(request, pk, "replace")


@requires(Action.VIEW)
@require_http_methods(["GET", "HEAD", "POST"])
def document_withdraw(request, pk: int):
    """Withdraw (撤回) a document: reason and confirmation; hidden from the lists, file kept."""
    return _amend(request, pk, "withdraw")


# ---- the parcel card's panel: every case of the parcel and its documents ----


def _link(route: str, pk: int) -> str:
    try:
        return reverse(route, kwargs={"pk": pk})
    except NoReverseMatch:  # that workflow's pages are not (yet) installed
        return ""


def parcel_cases(user, parcel: Parcel, cases: dict[str, list[int]] | None = None) -> list[dict]:
    """Every case of ``parcel`` ``user`` may see, as rows ``{workflow, title, state, deadline,
    url}``: one query per workflow that has a case of the parcel (``cases``, from
    ``cases_of``; read here when not given)."""
    found = cases_of(parcel) if cases is None else cases
    rows = []

    def visible(model, key, *related):
        ids = found.get(key)
        if not ids:  # no query, not even an empty one (compiling it costs as much)
            return []
        queryset = model._default_manager.filter(pk__in=ids).select_related(*related)
        return restrict(queryset, user, Action.VIEW)

    for a in visible(AdmissionApplication, "admission"):
        url = _link("lifecycle:admission_detail", a.pk)
        rows.append(("入园申请", str(a), a.get_status_display(), a.assessment_due, url))
    for g in visible(SupervisionAgreement, "agreement"):
        url = _link("lifecycle:agreement_detail", g.pk)
        rows.append(("履约监管协议", g.number, g.get_status_display(), g.attainment_due, url))
    for e in visible(ExitCase, "exit_case", "enterprise"):
        due = {"verified": e.interview_due, "rectification": e.rectification_due}.get(
            e.state, e.exit_due if e.state == "exit_notice" else None
        )
        title = f"{e.enterprise.name} {e.get_trigger_display()}"
        url = _link("lifecycle:exit_detail", e.pk)
        rows.append(("退出程序", title, e.get_state_display(), due, url))
    for s in visible(StockLandCase, "stockland_case"):
        title = f"{s.get_category_display()}土地处置"
        url = _link("lifecycle:stockland_detail", s.pk)
        rows.append(("存量土地", title, s.get_status_display(), s.deadline, url))
    for entry in visible(AvailableLandEntry, AVAILABLE_ENTRY, "land_list"):
        lst = entry.land_list
        url = _link("lifecycle:available_detail", lst.pk)
        rows.append(("可供土地清单", lst.title, lst.get_status_display(), None, url))
    for r in visible(RenewalProject, "renewal_project"):
        url = _link("lifecycle:renewal_detail", r.pk)
        rows.append(("城市更新", r.name, r.get_status_display(), None, url))
    keys = ("workflow", "title", "state", "deadline", "url")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def dossier_panel(request, parcel: Parcel) -> dict:
    """Context of the panel "一地一档" on the parcel card: one query finds the parcel's cases,
    then one per workflow that has some, and one for the documents."""
    cases = cases_of(parcel)
    return {
        "cases": parcel_cases(request.user, parcel, cases),
        **documents_context(request, parcel, cases=cases),
    }


urlpatterns = [
    path("documents/<int:pk>/file/", document_file, name="document_file"),
    path("documents/<int:pk>/replace/", document_replace, name="document_replace"),
    path("documents/<int:pk>/withdraw/", document_withdraw, name="document_withdraw"),
    path("documents/<str:target>/<int:pk>/", documents, name="documents"),
]

PANELS = [(Parcel, Panel("dossier", "lifecycle/panels/dossier.html", dossier_panel, order=200))]
PROBES = [(Parcel, tag, rows) for tag, rows in parcel_probes()]
