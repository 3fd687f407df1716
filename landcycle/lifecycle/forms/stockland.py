"""Forms of the stock-land disposal cases (一地一策): one per step. They read and check the input;
``services.stockland`` decides and refuses."""

from __future__ import annotations

from django import forms

from .exits import DATE, StepForm


class DisposalStepForm(StepForm):
    """Date, note, confirmation (the document number of StepForm is not asked)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["document_number"]

    def service_kwargs(self) -> dict:
        return {"on": self.cleaned_data["on"], "note": self.cleaned_data["note"]}


class PlanForm(DisposalStepForm):
    plan = forms.CharField(label="处置方案（一地一策）", widget=forms.Textarea(attrs={"rows": 4}))
    task_force = forms.CharField(label="工作专班", max_length=200)
    lead_unit = forms.CharField(label="牵头单位", max_length=200)
    deadline = forms.DateField(label="处置期限", widget=DATE, required=False)
    field_order = ["plan", "task_force", "lead_unit", "deadline", "on", "note", "confirm"]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            **super().service_kwargs(),
            "plan": d["plan"],
            "task_force": d["task_force"],
            "lead_unit": d["lead_unit"],
            "deadline": d["deadline"],
        }


class DisposeForm(DisposalStepForm):
    disposal_method = forms.CharField(
        label="处置方式",
        max_length=100,
        required=False,
        help_text="如：企业追加投资复工、协议收回、依法无偿收回、收购储备、转让",
    )
    field_order = ["disposal_method", "on", "note", "confirm"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "disposal_method": self.cleaned_data["disposal_method"]}


class CancelForm(DisposalStepForm):
    reason = forms.CharField(
        label="撤销理由", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    field_order = ["reason", "on", "note", "confirm"]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "reason": self.cleaned_data["reason"]}


class ProgressForm(DisposalStepForm):
    progress_percent = forms.IntegerField(
        label="完成进度 (%)", required=False, min_value=0, max_value=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = True
        self.fields["note"].label = "处置进展"
        self.fields["confirm"].label = "确认报告：进展记入案件，不能撤回"

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "progress_percent": self.cleaned_data["progress_percent"],
        }


FORMS = {
    "plan": PlanForm,
    "start": DisposalStepForm,
    "dispose": DisposeForm,
    "cancel": CancelForm,
    "progress": ProgressForm,
}
