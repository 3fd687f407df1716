"""Forms of objections (异议) during the public notice: filing one, answering one."""

from __future__ import annotations

from django import forms

from landcycle.evaluation.notice import ATTACHMENT_MAX_MB, ATTACHMENT_SUFFIXES


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
        help_text=f"{'、'.join(ATTACHMENT_SUFFIXES)}，不超过 {ATTACHMENT_MAX_MB} MB",
    )
    confirm = forms.BooleanField(
        label="确认提交（提交后不能修改）", error_messages={"required": "请勾选确认后再提交"}
    )


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
