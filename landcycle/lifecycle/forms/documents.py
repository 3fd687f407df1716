"""The upload form of a parcel's or a case's documents (一地一档)."""

from __future__ import annotations

from django import forms

from landcycle.core.uploads import ACCEPTED_SUFFIXES

from ..models import Document


class DocumentForm(forms.Form):
    """File, kind, title, the date on the document, and (officers only) internal. The file is
    checked by the service (type by content, size), not here."""

    file = forms.FileField(
        label="文件",
        error_messages={"required": "请选择要上传的文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
    )
    kind = forms.ChoiceField(label="类别", choices=Document.Kind.choices, initial="other")
    title = forms.CharField(label="标题", max_length=200, required=False)
    dated = forms.DateField(
        label="文件日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "文件日期无效，请按 2025-06-30 的格式填写。"},
    )
    internal = forms.BooleanField(label="仅内部可见（企业看不到）", required=False)

    def __init__(self, *args, officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not officer:  # an enterprise's own material is never internal
            del self.fields["internal"]
