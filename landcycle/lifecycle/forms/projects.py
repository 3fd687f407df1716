"""Forms of the project library pages (高精尖产业项目库, first-talk rule, seeds/001): register a
project, record talks' progress, reassign a stalled project, close it. Values only: the rule
(≥ 1 亿元, 3 months without substantive progress) is checked by services.projects."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Jurisdiction


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _districts(user, action):
    return (
        restricted(Jurisdiction, user, action)
        .exclude(kind__in=[Jurisdiction.Kind.STREET, Jurisdiction.Kind.TOWN])
        .order_by("path")
    )


class RegisterForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=200)
    investor = forms.CharField(label="投资方", max_length=200, required=False)
    industry = forms.CharField(label="产业领域", max_length=100, required=False)
    total_investment_10k_cny = forms.FloatField(label="总投资（万元）", min_value=0)
    strategic = forms.BooleanField(label="全局性、战略性项目", required=False)
    leading_district = forms.ModelChoiceField(label="首谈区", queryset=Jurisdiction.objects.none())
    first_talk_on = forms.DateField(label="首谈区认定日期", widget=_date_widget())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leading_district"].queryset = _districts(user, Action.CHANGE)
        self.fields["first_talk_on"].initial = timezone.localdate()


class ProgressForm(forms.Form):
    on = forms.DateField(label="日期", widget=_date_widget())
    note = forms.CharField(label="进展", max_length=500)
    substantive = forms.BooleanField(label="实质性进展（如签订投资协议、完成供地）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label="另行择优落地区", queryset=Jurisdiction.objects.none())
    on = forms.DateField(label="日期", widget=_date_widget())
    confirm = forms.BooleanField(label="确认由市产业主管部门另行择优选择落地区")

    def __init__(self, *args, user, project, **kwargs):
        super().__init__(*args, **kwargs)
        # Any place of the ledger but the leading one: a one-zone ledger holds no other district.
        self.fields["to"].queryset = (
            restricted(Jurisdiction, user, Action.CHANGE)
            .exclude(pk=project.leading_district_id)
            .order_by("path")
        )
        self.fields["on"].initial = timezone.localdate()
        self.fields["confirm"].error_messages["required"] = "请勾选确认后再提交"


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=[("landed", "已落地"), ("dropped", "已终止")])
    on = forms.DateField(label="日期", widget=_date_widget())
    note = forms.CharField(label="说明", max_length=500, required=False)
    # Closing ends the first-talk clock for good (no step reopens a project): confirmed.
    confirm = forms.BooleanField(label="确认办结（提交后不能撤销）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["confirm"].error_messages["required"] = "请勾选确认后再提交"
