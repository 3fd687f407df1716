"""Forms of the exit proceedings: open a case from a verified trigger, and one form per step.
They only read and check the input; the service decides (and refuses) the step."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Enterprise, Parcel

from ..models import Clawback, ExitCase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _NotFuture:
    def clean_date(self, name: str):
        value = self.cleaned_data.get(name)
        if value and value > dt.date.today():
            raise forms.ValidationError(f"日期 {value} 晚于今天：请记录已经办理的事项")
        return value


class OpenCaseForm(_NotFuture, forms.Form):
    """A verified exit trigger (第八条) on a parcel in the user's scope."""

    parcel_code = forms.CharField(label="宗地代码", max_length=64)
    enterprise = forms.CharField(
        label="企业（统一社会信用代码或名称）",
        max_length=200,
        required=False,
        help_text="不填则为宗地的产权单位",
    )
    trigger = forms.ChoiceField(label="退出情形", choices=ExitCase.Trigger.choices)
    verified_on = forms.DateField(label="核实日期", widget=DATE, initial=dt.date.today)
    facts = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 4}))
    confirm = forms.BooleanField(
        label="情形已经核实，立案后约谈期限自核实日期起计算", required=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_verified_on(self):
        return self.clean_date("verified_on")

    def clean_parcel_code(self):
        code = self.cleaned_data["parcel_code"].strip()
        parcel = (
            restricted(Parcel, self.user, Action.HANDLE)
            .select_related("holder", "jurisdiction")
            .filter(code=code)
            .first()
        )
        if parcel is None:
            raise forms.ValidationError(f"宗地代码「{code}」不存在，或不在您负责的区域内")
        return parcel

    def clean(self):
        data = super().clean()
        parcel = data.get("parcel_code")
        if parcel is None:
            return data
        text = (data.get("enterprise") or "").strip()
        if text:
            found = restricted(Enterprise, self.user).filter(Q(uscc=text) | Q(name=text))
            enterprise = found.first()
            if enterprise is None:
                self.add_error("enterprise", f"找不到企业「{text}」（按统一社会信用代码或全称）")
        else:
            enterprise = parcel.holder
            if enterprise is None:
                self.add_error("enterprise", f"宗地 {parcel.code} 没有登记产权单位，请填写企业")
        data["enterprise_obj"] = enterprise
        return data


class StepForm(_NotFuture, forms.Form):
    """What every step records: the date, the document number and a note, confirmed."""

    on = forms.DateField(label="办理日期", widget=DATE, initial=dt.date.today)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    confirm = forms.BooleanField(label="确认办理：提交后记入案件，不能撤回", required=True)

    def clean_on(self):
        return self.clean_date("on")

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"on": d["on"], "document_number": d["document_number"], "note": d["note"]}


class ExitNoticeForm(StepForm):
    exit_due = forms.DateField(
        label="退出期限",
        widget=DATE,
        required=False,
        help_text="不填则按规则自通知之日起 3 个月",
    )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "exit_due": self.cleaned_data["exit_due"]}


class ClawbackForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=[("", "—"), *Clawback.Kind.choices], required=False
    )
    description = forms.CharField(label="事项", max_length=200, required=False)
    granted_on = forms.DateField(label="享受日期", widget=DATE, required=False)
    amount_10k_cny = forms.FloatField(label="金额 (万元)", required=False, min_value=0)

    def item(self) -> dict | None:
        d = self.cleaned_data
        if not (d.get("kind") or (d.get("description") or "").strip()):
            return None
        return {
            "kind": d.get("kind"),
            "description": d.get("description", ""),
            "granted_on": d.get("granted_on"),
            "amount_10k_cny": d.get("amount_10k_cny"),
        }


ClawbackFormSet = forms.formset_factory(ClawbackForm, extra=3, max_num=20)


class CompleteExitForm(StepForm):
    contract_terminated = forms.BooleanField(label="已解除出让合同或土地租赁合同", required=False)
    no_clawbacks = forms.BooleanField(
        label="无应退还的奖励、补贴，无应取消的荣誉和政策待遇", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clawbacks = ClawbackFormSet(self.data if self.is_bound else None, prefix="clawback")

    def is_valid(self):
        return super().is_valid() & self.clawbacks.is_valid()

    def service_kwargs(self) -> dict:
        items = [i for i in (f.item() for f in self.clawbacks.forms) if i]
        listed = items if (items or self.cleaned_data["no_clawbacks"]) else None
        return {
            **super().service_kwargs(),
            "contract_terminated": self.cleaned_data["contract_terminated"],
            "clawbacks": listed,
        }


FORMS = {
    "interview": StepForm,
    "rectification_notice": StepForm,
    "close_corrected": StepForm,
    "exit_notice": ExitNoticeForm,
    "complete_exit": CompleteExitForm,
}
