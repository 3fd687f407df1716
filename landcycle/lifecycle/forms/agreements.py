"""Forms of the supervision agreement pages (input only; the service checks the rules)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from landcycle.core.permissions import Action

from ..models import AgreementTerm
from ..rules import rules
from .lookups import EnterpriseField, ParcelCodeField, scope_lookups

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_TERMS = 6


class AgreementForm(forms.Form):
    number = forms.CharField(label="协议编号", max_length=64)
    parcel = ParcelCodeField(label="宗地代码")
    enterprise = EnterpriseField(
        label="乙方企业（统一社会信用代码或企业全称）",
        required=False,
        help_text="不填则为宗地权利人",
    )
    signed_on = forms.DateField(label="签订日期", widget=DATE, initial=timezone.localdate)
    valid_from = forms.DateField(
        label="有效期起（入园日期）", widget=DATE, required=False, help_text="不填则为签订日期"
    )
    valid_to = forms.DateField(label="有效期止", widget=DATE, required=False)
    attainment_due = forms.DateField(
        label="约定达产日期",
        widget=DATE,
        required=False,
        help_text="不填则按达产时间原则三年，自签订日期起算",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_lookups(self, user, Action.HANDLE)

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and data.get("parcel"):
            data["enterprise"] = data["parcel"].holder
            if data["enterprise"] is None:
                self.add_error("enterprise", "该宗地没有权利人，请选择乙方企业")
        return data


class TermForm(forms.Form):
    indicator = forms.ChoiceField(
        choices=[("", "—")] + list(AgreementTerm.Indicator.choices), label="指标", required=False
    )
    op = forms.ChoiceField(choices=AgreementTerm.Op.choices, label="比较", initial=">=")
    value = forms.FloatField(label="承诺值", required=False)
    unit = forms.CharField(label="单位", max_length=30, required=False)
    from_year = forms.IntegerField(
        label="起始考核年度", required=False, min_value=2000, max_value=2100
    )

    def clean(self):
        data = super().clean()
        if data.get("indicator") and (data.get("value") is None or not data.get("unit")):
            raise forms.ValidationError("承诺须有数值和单位")
        return data


TermFormSet = forms.formset_factory(TermForm, extra=0, max_num=MAX_TERMS)


def term_formset(data=None) -> forms.BaseFormSet:
    """The commitments, pre-filled with the rules' default terms plus empty rows."""
    defaults = [dict(t) for t in rules().get("agreements", "default_terms")]
    initial = defaults + [{}] * (MAX_TERMS - len(defaults))
    return TermFormSet(data, initial=initial, prefix="terms")


def terms_of(formset) -> list[dict]:
    return [
        {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        for form in formset
        if form.cleaned_data.get("indicator")
    ]


class DateConfirmForm(forms.Form):
    on = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    confirm = forms.BooleanField(label="确认（提交后不能撤销）")


class StarsForm(forms.Form):
    stars = forms.TypedChoiceField(
        label="已获绿色建筑星级",
        choices=[("", "尚未获得认证"), (1, "一星级"), (2, "二星级"), (3, "三星级")],
        coerce=int,
        empty_value=None,
        required=False,
    )
