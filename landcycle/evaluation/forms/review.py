"""The review decision form (复核结论): the class choices come from the run's policy."""

from __future__ import annotations

from django import forms

from landcycle.core.uploads import accepted_suffixes, help_text


class DecisionForm(forms.Form):
    decided_class = forms.ChoiceField(label="复核类别")
    reason = forms.CharField(label="复核理由", widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.FileField(
        label="证明材料（PDF、图片、Office 或 OFD 文件）",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(accepted_suffixes("evidence"))}),
    )
    sure = forms.BooleanField(
        label="我已核实：复核理由与证明材料属实，提交后记录复核人与时间，不能撤回",
        required=True,
    )

    def __init__(self, *args, classes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_class"].choices = classes
        # Read when shown: the limit is a setting (core.uploads).
        self.fields["evidence"].help_text = help_text("evidence")


class ConfirmForm(forms.Form):
    sure = forms.BooleanField(
        label="我是另一名工作人员，已审阅复核理由与证明材料，确认该复核结论生效", required=True
    )
