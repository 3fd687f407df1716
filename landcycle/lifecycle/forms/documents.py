"""The forms of a parcel's or a case's documents (一地一档): upload, replace, withdraw."""

from __future__ import annotations

from django import forms

from landcycle.core.uploads import accepted_suffixes, help_text

from ..models import Document


def _file_field(label: str = "文件") -> forms.FileField:
    return forms.FileField(
        label=label,
        error_messages={"required": "请选择要上传的文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(accepted_suffixes("documents"))}),
    )


def _dated_field() -> forms.DateField:
    return forms.DateField(
        label="文件日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "文件日期无效，请按 2025-06-30 的格式填写。"},
    )


class DocumentForm(forms.Form):
    """File, kind, title, the date on the document, and (officers only) internal. The file is
    checked by the service (type by content, size), not here."""

    file = _file_field()
    kind = forms.ChoiceField(label="类别", choices=Document.Kind.choices, initial="other")
    title = forms.CharField(label="标题", max_length=200, required=False)
    dated = _dated_field()
    internal = forms.BooleanField(label="仅内部可见（企业看不到）", required=False)

    def __init__(self, *args, officer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when shown: the limit is a setting (core.uploads).
        self.fields["file"].help_text = help_text("documents")
        if not officer:  # an enterprise's own material is never internal
            del self.fields["internal"]


class ReplaceForm(forms.Form):
    """A new version of a document: the file, optionally a new title and date, and the
    confirmation (the old version stays on file, marked superseded)."""

    file = _file_field("新版本文件")
    title = forms.CharField(label="标题（不填则沿用）", max_length=200, required=False)
    dated = _dated_field()
    confirm = forms.BooleanField(
        label="确认以新版本替换（原版本保留并标注“已替换”）",
        error_messages={"required": "请勾选确认后再提交。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = help_text("documents")


class WithdrawForm(forms.Form):
    """Withdraw (撤回) a document: the reason (required) and the confirmation."""

    reason = forms.CharField(
        label="撤回理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写撤回理由。"},
    )
    confirm = forms.BooleanField(
        label="确认撤回（文件不删除，档案列表中不再显示，记入修改记录）",
        error_messages={"required": "请勾选确认后再提交。"},
    )
