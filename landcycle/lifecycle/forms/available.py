"""Forms of the annual available-land list pages (年度可供土地清单): creating a list, adding
parcels (one found by search or from the map, or several from the stock-land findings) and the
confirmation of a step. Values only: the rules are checked by services.available."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Jurisdiction

from ..models import AvailableLandEntry


class ListCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    jurisdiction = forms.ModelChoiceField(label="区域", queryset=Jurisdiction.objects.none())
    title = forms.CharField(label="名称（可不填）", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurisdiction"].queryset = restricted(
            Jurisdiction, user, Action.CHANGE
        ).order_by("path")
        self.fields["year"].initial = timezone.localdate().year


class _Terms(forms.Form):
    """What the list publishes for each parcel (the public fields of rules.toml)."""

    cost_10k_cny = forms.FloatField(label="用地成本（万元）", required=False, min_value=0)
    conditions = forms.CharField(
        label="供地条件", widget=forms.Textarea(attrs={"rows": 2, "cols": 60})
    )
    procedure = forms.CharField(label="供地程序", initial="挂牌出让，签订履约监管协议")
    time_days = forms.IntegerField(label="供地周期（日）", min_value=1, initial=60)


class EntryForm(_Terms):
    parcel_code = forms.CharField(label="宗地编号", max_length=100)
    category = forms.ChoiceField(label="土地类型", choices=AvailableLandEntry.Category.choices)
    field_order = ["parcel_code", "category", "cost_10k_cny", "conditions", "procedure"]


class FromStockForm(_Terms):
    parcels = forms.TypedMultipleChoiceField(label="宗地", coerce=int, choices=())

    def __init__(self, *args, suggestions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parcels"].choices = [(s["parcel"].pk, s["parcel"].code) for s in suggestions]
        self.fields["parcels"].error_messages["required"] = "请至少勾选一宗土地"


class ConfirmForm(forms.Form):
    on = forms.DateField(
        label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    confirm = forms.BooleanField(label="我已核对清单内容，确认执行此步骤")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["confirm"].error_messages["required"] = "请勾选确认后再提交"
