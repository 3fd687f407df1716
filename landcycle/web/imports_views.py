"""Import page: upload → every error in a table (nothing written) → commit in the background."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import jobs
from .permissions import Action, restricted
from .views import requires

ALLOWED_SUFFIXES = (".xlsx", ".csv", ".gpkg", ".geojson", ".json", ".zip")


class UploadForm(forms.Form):
    workbook = forms.FileField(label=_("Workbook (.xlsx) or data file"))

    def clean_workbook(self):
        uploaded = self.cleaned_data["workbook"]
        if not uploaded.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("Unsupported file type; use %(types)s") % {"types": ", ".join(ALLOWED_SUFFIXES)}
            )
        return uploaded


def _batches(user):
    from landcycle.imports.models import ImportBatch

    return restricted(ImportBatch, user, Action.IMPORT)


@requires(Action.IMPORT)
def import_page(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        path = jobs.save_upload(form.cleaned_data["workbook"])
        job = jobs.start([path], request.user.pk, dry_run=True)
        return redirect("web:import_job", job_id=job.id)
    return render(
        request,
        "web/import.html",
        {"form": form, "batches": _batches(request.user).order_by("-started_at")[:20]},
    )


@requires(Action.IMPORT)
def import_job(request, job_id):
    job = jobs.get(job_id, request.user.pk)
    if job is None:
        raise Http404
    batch = None
    if job.batch_id:
        batch = get_object_or_404(_batches(request.user), pk=job.batch_id)
    template = (
        "web/_import_job.html" if request.headers.get("HX-Request") else "web/import_job.html"
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
        return redirect("web:import_job", job_id=job.pk)
    return redirect("web:import_job", job_id=follower.pk)
