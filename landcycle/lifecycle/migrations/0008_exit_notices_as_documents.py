"""Exit notices stored on ExitStep.document_file before notices were Documents become
Documents. A migration of its own: on PostgreSQL the indexes of 0007's new foreign keys are
created at the end of its transaction, which refuses rows inserted before them in the same
transaction ("pending trigger events")."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import migrations

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLES = {"interview": "约谈通知书", "rectification": "限期整改通知书", "exit": "限期退出通知书"}


def notices_to_documents(apps, schema_editor):
    """Exit notices stored on ExitStep.document_file before they were Documents: each becomes a
    Document of its case and parcel (kind notice) pointing at the same stored file (nothing is
    copied); a step whose file is missing is left as it was."""
    ExitStep = apps.get_model("lifecycle", "ExitStep")  # noqa: N806
    Document = apps.get_model("lifecycle", "Document")  # noqa: N806
    root = Path(settings.MEDIA_ROOT)
    steps = ExitStep.objects.exclude(document_file="").filter(notice__isnull=True)
    for step in steps.select_related("case").order_by("pk"):
        path = root / step.document_file.name
        if not path.is_file():
            continue
        data = path.read_bytes()
        name = Path(step.document_file.name).name
        kind = next((k for k in TITLES if f"-{k}-" in name), "")
        step.notice = Document.objects.create(
            exit_case_id=step.case_id,
            parcel_id=step.case.parcel_id,
            kind="notice",
            title=TITLES.get(kind) or step.document_title[:200] or name,
            dated=step.on,
            file=step.document_file.name,
            original_name=f"{TITLES[kind]}.docx" if kind else name,
            content_type=DOCX,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=step.actor_id,
            uploaded_by_name=step.actor_name[:150],
            uploaded_at=step.recorded_at,
        )
        step.save(update_fields=["notice"])


class Migration(migrations.Migration):
    dependencies = [
        ("lifecycle", "0007_document_versions_withdrawal_and_exit_notices"),
    ]

    operations = [
        migrations.RunPython(notices_to_documents, migrations.RunPython.noop),
    ]
