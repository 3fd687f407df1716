"""Import page: upload → every error in a table (nothing written) → commit in the background."""

from __future__ import annotations

import shutil

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from landcycle.core.permissions import Action, restricted
from landcycle.web.decorators import requires
from landcycle.web.navigation import MenuItem

from . import uploads as jobs
from .limits import MB, Refused, check_file, limit
from .models import ImportBatch

MENU = [MenuItem("Import", "imports:import", action=Action.IMPORT, order=90)]

ALLOWED_SUFFIXES = (
    *(".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"),  # workbooks
    *(".csv", ".txt", ".tsv"),  # delimited text; .txt also the 界址点坐标 boundary-point file
    *(".gpkg", ".geojson", ".json", ".zip"),  # geodata; a shapefile comes zipped with its parts
)


def _profile_choices() -> list[tuple[str, str]]:
    """Column profiles (imports.profiles), read when the form is shown: a profile an
    administrator saves appears without a restart."""
    from landcycle.imports import profiles

    return [("", "—（表头即导入格式 headers as in the format）")] + [
        (p.name, f"{p.name}: {p.title}") for p in profiles.available()
    ]


class UploadForm(forms.Form):
    workbook = forms.FileField(label=_("Workbook (.xlsx) or data file"))
    profile = forms.ChoiceField(
        label="列名方案 column profile", required=False, choices=_profile_choices
    )
    street = forms.CharField(
        label="所属街道（表中没有时） street for rows without one",
        required=False,
        max_length=100,
    )

    def __init__(self, *args, refused_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Set when web.uploads dropped the file for its size while it streamed in.
        self.refused_bytes = refused_bytes
        if refused_bytes:
            self.fields["workbook"].required = False

    def clean_workbook(self):
        if self.refused_bytes:
            raise forms.ValidationError(_too_large(self.refused_bytes))
        uploaded = self.cleaned_data["workbook"]
        if not uploaded.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("Unsupported file type; use %(types)s") % {"types": ", ".join(ALLOWED_SUFFIXES)}
            )
        if uploaded.size > upload_limit():
            raise forms.ValidationError(_too_large(uploaded.size))
        return uploaded


def upload_limit() -> int:
    """Largest upload in bytes: the import's file-size limit (imports.limits)."""
    return limit("LANDCYCLE_IMPORT_MAX_FILE_MB") * MB


def _too_large(size: int) -> str:
    mb = limit("LANDCYCLE_IMPORT_MAX_FILE_MB")
    return (
        f"文件过大：{size / MB:,.1f} MB，上限 {mb:,} MB（可调高设置 LANDCYCLE_IMPORT_MAX_FILE_MB）"
        f" file too large: limit {mb:,} MB"
    )


def _options(form: UploadForm) -> dict[str, str]:
    return {
        "profile": form.cleaned_data.get("profile") or "",
        "street": (form.cleaned_data.get("street") or "").strip(),
    }


def _batches(user):
    return restricted(ImportBatch, user, Action.IMPORT)


@requires(Action.IMPORT)
@require_http_methods(["GET", "POST"])
def import_page(request):
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)  # body parsed here
    refused_bytes = getattr(request, "upload_refused_bytes", None)  # set by web.uploads
    form = UploadForm(data, files, refused_bytes=refused_bytes)
    status = 413 if refused_bytes else 200
    if posted and form.is_valid():
        path = jobs.save_upload(form.cleaned_data["workbook"])
        try:
            check_file(path)  # sizes and dimensions, before any reader or job sees the file
        except Refused as refused:
            shutil.rmtree(path.parent, ignore_errors=True)
            form.add_error("workbook", refused.problem.line())
            status = 400
        else:
            job = jobs.start([path], request.user.pk, dry_run=True, **_options(form))
            return redirect("imports:import_job", job_id=job.id)
    batches = ImportBatch.listing(_batches(request.user)).order_by("-started_at")[:20]
    return render(request, "imports/import.html", {"form": form, "batches": batches}, status=status)


@requires(Action.IMPORT)
@require_safe
def import_job(request, job_id):
    job = jobs.get(job_id, request.user.pk)
    if job is None:
        raise Http404
    batch = None
    if job.batch_id:
        batch = get_object_or_404(_batches(request.user), pk=job.batch_id)
    template = (
        "imports/_import_job.html"
        if request.headers.get("HX-Request")
        else "imports/import_job.html"
    )
    return render(request, template, {"job": job, "batch": batch})


@requires(Action.IMPORT)
@require_POST
def import_commit(request, job_id):
    """Write a checked upload for real (validated again: the ledger may have moved). A second
    submit (double click, two tabs) leads to the same commit job; it runs once."""
    job = jobs.get(job_id, request.user.pk)
    if job is None or job.state != job.State.SUCCEEDED or not job.dry_run or not job.batch_id:
        raise Http404
    batch = get_object_or_404(_batches(request.user), pk=job.batch_id)
    if batch.errors:
        raise Http404
    return _follow(request, job, dry_run=False)


@requires(Action.IMPORT)
@require_POST
def import_retry(request, job_id):
    """Run again a job its worker did not finish (killed, restarted): nothing of it was written."""
    job = jobs.get(job_id, request.user.pk)
    if job is None or not job.interrupted:
        raise Http404
    return _follow(request, job, dry_run=job.dry_run)


def _follow(request, job, dry_run: bool):
    try:
        follower = jobs.follow(job, dry_run=dry_run)
    except jobs.JobError as exc:
        messages.error(request, str(exc))
        return redirect("imports:import_job", job_id=job.pk)
    return redirect("imports:import_job", job_id=follower.pk)


urlpatterns = [
    path("imports/", import_page, name="import"),
    path("imports/jobs/<str:job_id>/", import_job, name="import_job"),
    path("imports/jobs/<str:job_id>/commit/", import_commit, name="import_commit"),
    path("imports/jobs/<str:job_id>/retry/", import_retry, name="import_retry"),
]
