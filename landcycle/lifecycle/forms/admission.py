"""Forms of the admission pages: they read and check input only; every step is the service's."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Jurisdiction, Parcel

from ..models import AdmissionApplication as App
from ..services import admission
from .lookups import EnterpriseField, ParcelCodeField, scope_lookups

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, widget=DATE, initial=timezone.localdate, help_text=help_text
    )


class ApplicationForm(forms.Form):
    """What the enterprise declares (seeds/003 第四、五条); the officer's form adds who and when."""

    jurisdiction = forms.ModelChoiceField(Jurisdiction.objects.none(), label="申请入驻园区/街道")
    industry_field = forms.ChoiceField(choices=App.IndustryField.choices, label="产业领域")
    industry_code = forms.CharField(label="行业代码", max_length=10, required=False)
    tags = forms.MultipleChoiceField(
        label="企业标签", required=False, widget=forms.CheckboxSelectMultiple
    )
    registers_in_park = forms.BooleanField(
        label="承诺在园区工商登记和税务注册（独立法人）", required=False, initial=True
    )
    on_negative_list = forms.BooleanField(
        label="主要经营范围属于新增产业禁止和限制目录", required=False
    )
    major_project = forms.BooleanField(label="国家或市级重大项目/前沿技术", required=False)
    supply_method = forms.ChoiceField(
        choices=Parcel.SupplyMethod.choices, label="拟取得土地方式（供地方式）"
    )
    parcel = ParcelCodeField(label="拟用宗地（宗地代码）", required=False)
    land_area_m2 = forms.FloatField(label="拟用地面积（平方米）", min_value=0)
    planned_investment_10k_cny = forms.FloatField(label="计划总投资（万元）", min_value=0)
    expected_tax_10k_cny = forms.FloatField(label="预计年纳税（万元）", min_value=0, required=False)

    def __init__(self, *args, user, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = restricted(Jurisdiction, user, action)
        scope_lookups(self, user, action)
        tags = sorted(admission.thresholds().class_a_tags)
        self.fields["tags"].choices = [(t, t) for t in tags]

    def service_fields(self) -> dict:
        """The cleaned values as ``admission.submit`` takes them."""
        data = dict(self.cleaned_data)
        data.pop("received_on", None)
        data["tags"] = list(data.get("tags") or [])
        return data


class OfficerApplicationForm(ApplicationForm):
    """An application received at the committee's desk (the officer records it)."""

    enterprise = EnterpriseField(
        label="台账中的企业（统一社会信用代码或企业全称）",
        required=False,
        help_text="新设企业可不填，只填下面的企业名称",
    )
    enterprise_name = forms.CharField(label="企业名称", max_length=200, required=False)
    received_on = _date("受理日期", "初评期限自受理日起按3个工作日（节假日表）计算")

    field_order = ["enterprise", "enterprise_name", "received_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, action=Action.HANDLE, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("enterprise_name") and data.get("enterprise"):
            data["enterprise_name"] = data["enterprise"].name
        if not data.get("enterprise_name"):
            self.add_error("enterprise_name", "请选择台账中的企业或填写企业名称")
        return data


class StepForm(forms.Form):
    on = _date("日期")

    def __init__(self, *args, app=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app


class AssessForm(StepForm):
    on = _date("初评日期", "按园区准入条件逐项核对，结果与理由记入申请")


class MaterialForm(StepForm):
    on = _date("要求日期")
    items = forms.CharField(
        label="需补正的材料", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="提交的材料说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="写明补正的内容（如预计年纳税、营业执照、项目可行性报告等）",
    )


class EscalateForm(StepForm):
    on = _date("报送日期")
    note = forms.CharField(
        label="报送理由", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecideForm(StepForm):
    on = _date("批复日期")
    document = forms.CharField(label="批复文号", max_length=100, help_text="如 门园准〔2025〕3号")
    note = forms.CharField(
        label="批复意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="初评不符合准入条件而批准的，须写明理由（一事一议）",
    )
    confirm = forms.BooleanField(label="确认批复（提交后不能撤销）")


class WithdrawForm(StepForm):
    on = _date("撤回日期")
    confirm = forms.BooleanField(label="确认撤回（提交后不能恢复）")
