"""Migration 0008: exit notices stored on ExitStep.document_file before notices were Documents
become Documents of their case and parcel (kind 通知书), pointing at the same stored file."""

import datetime as dt
import hashlib
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from landcycle.lifecycle.models import Document, ExitStep

from .factories import ExitCaseFactory
from .samples import docx_bytes

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("landcycle.lifecycle.migrations.0008_exit_notices_as_documents")


def test_old_notices_become_documents_without_copying_the_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = ExitCaseFactory()
    step = ExitStep.objects.create(
        case=case, to_state="rectification", on=dt.date(2025, 3, 21), actor_name="王五",
        document_title="限期整改通知书",
    )  # fmt: skip
    data = docx_bytes()
    step.document_file.save(f"exit-{case.pk}-rectification-20250321.docx", ContentFile(data))
    gone = ExitStep.objects.create(case=case, to_state="exit_notice", on=dt.date(2025, 9, 30),
                                   actor_name="王五")  # fmt: skip
    gone.document_file.name = "lifecycle/exit/2025/missing.docx"  # its file is not there
    gone.save()
    files_before = sorted(p for p in tmp_path.rglob("*") if p.is_file())

    MIGRATION.notices_to_documents(apps, None)

    step.refresh_from_db()
    notice = step.notice
    assert (notice.exit_case, notice.parcel, notice.kind) == (case, case.parcel, "notice")
    assert (notice.title, notice.original_name) == ("限期整改通知书", "限期整改通知书.docx")
    assert notice.file.name == step.document_file.name  # the same file, not a copy
    assert notice.sha256 == hashlib.sha256(data).hexdigest() and notice.size_bytes == len(data)
    assert (notice.dated, notice.uploaded_by_name) == (dt.date(2025, 3, 21), "王五")
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files_before
    assert Path(notice.file.path).read_bytes() == data
    gone.refresh_from_db()
    assert gone.notice is None and Document.objects.count() == 1
    # run twice: nothing more
    MIGRATION.notices_to_documents(apps, None)
    assert Document.objects.count() == 1
