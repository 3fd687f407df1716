"""Forms of a run's life from the browser: start, publish for notice, correct, finalize."""

from __future__ import annotations

from django import forms
from django.utils import timezone


def _policy_choices() -> list[tuple[str, str]]:
    """Policies found when the form is shown (a policy file an administrator adds appears)."""
    from landcycle.evaluation import services

    try:
        policies = services.available_policies()
    except services.EvaluationError:
        return []
    return [(p.name, f"{p.title_zh}（{p.name}）") for p in policies]


class StartRunForm(forms.Form):
    year = forms.IntegerField(label="评价年度", min_value=1990, max_value=2200)
    policy = forms.ChoiceField(label="评价政策", choices=_policy_choices)
    note = forms.CharField(label="说明", required=False, max_length=500)
    # Set by the confirmation page when a run of the year and policy is already on notice.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            from landcycle.evaluation.services import DEFAULT_POLICY

            self.fields["year"].initial = timezone.localdate().year - 1
            self.fields["policy"].initial = DEFAULT_POLICY


class ConfirmForm(forms.Form):
    """An irreversible step: the box must be ticked."""

    confirm = forms.BooleanField(
        label="我已核对，确认执行此操作",
        error_messages={"required": "请勾选确认后再提交"},
    )


class PublishForm(ConfirmForm):
    start = forms.DateField(
        label="公示开始日期",
        required=False,
        help_text="留空为今天；已在别处发布的公示可填写实际开始日期",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class FinalizeForm(ConfirmForm):
    force = forms.BooleanField(
        label="提前生效（公示期未满，记录在案）",
        required=False,
    )


class CorrectForm(ConfirmForm):
    note = forms.CharField(
        label="更正原因",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="已生效批次的更正必须写明原因；公示中批次的更正因成立的异议而做",
    )
