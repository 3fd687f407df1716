"""Forms of objections (异议) during the public notice: filing one, answering one."""

from __future__ import annotations

from django import forms

from landcycle.core.uploads import accepted_suffixes, help_text
from landcycle.evaluation.notice import ATTACHMENTS


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label="异议理由",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="请写明对哪项数据或结论有异议、实际情况如何",
    )
    attachment = forms.FileField(
        label="证明材料（可选）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(accepted_suffixes(ATTACHMENTS))}),
    )
    confirm = forms.BooleanField(
        label="确认提交（提交后不能修改）", error_messages={"required": "请勾选确认后再提交"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when shown: the limit is a setting (core.uploads).
        self.fields["attachment"].help_text = help_text(ATTACHMENTS)


class AnswerForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="答复结论",
        choices=[("yes", "异议成立（将更正台账并生成更正评价）"), ("no", "异议不成立")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label="答复内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    confirm = forms.BooleanField(
        label="确认答复（答复后不能修改）", error_messages={"required": "请勾选确认后再提交"}
    )
