"""Forms of the renewal pages (seeds/002): a project with mode, path and plan; a project step;
an enterprise measure; the street target table upload. Values only: services.renewal checks
the rules (FAR ≥ 2.0, 15 % / 30 %, table totals)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from landcycle.core.permissions import Action, restricted
from landcycle.ledger.models import Jurisdiction

from ..models import EnterpriseMeasure, RenewalProject

R = RenewalProject
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    """The plan of a project still 计划 (revised until it passes the checks)."""

    planned_far = forms.FloatField(label="规划容积率", required=False)
    planned_floor_area_m2 = forms.FloatField(label="规划总建筑面积（平方米）", required=False)
    admin_living_land_m2 = forms.FloatField(
        label="行政办公及生活服务设施用地（平方米）", required=False
    )
    admin_living_floor_m2 = forms.FloatField(
        label="行政办公及生活服务设施建筑面积（平方米）", required=False
    )
    far_exception_reason = forms.CharField(
        label="容积率低于2.0的理由", max_length=300, required=False
    )


class ProjectForm(PlanForm):
    """A new project: who, where, how, and its plan (PlanForm's fields)."""

    name = forms.CharField(label="项目名称", max_length=200)
    street = forms.ModelChoiceField(label="街道", queryset=Jurisdiction.objects.none())
    kind = forms.ChoiceField(label="项目类型", choices=R.Kind.choices)
    mode = forms.ChoiceField(label="改造模式", choices=R.Mode.choices)
    path = forms.ChoiceField(label="改造路径", choices=R.Path.choices)
    land_area_m2 = forms.FloatField(label="涉企用地面积（平方米）")
    parcel_codes = forms.CharField(
        label="涉及宗地编号（空格或逗号分隔）",
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )

    field_order = ["name", "street", "kind", "mode", "path", "land_area_m2", "parcel_codes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = restricted(Jurisdiction, user, Action.CHANGE).order_by(
            "path"
        )

    def codes(self) -> list[str]:
        text = self.cleaned_data.get("parcel_codes") or ""
        return [c for c in text.replace("，", ",").replace(",", " ").split() if c]


class StepForm(forms.Form):
    """A project's move (approve the plan, start, complete): none can be undone, so confirmed."""

    on = forms.DateField(label="日期", widget=_date_widget())
    new_floor_area_m2 = forms.FloatField(
        label="新增竣工建筑面积（平方米，完成时填写）", required=False
    )
    confirm = forms.BooleanField(label="确认（提交后不能撤销）")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.fields["confirm"].error_messages["required"] = "请勾选确认后再提交"


class MeasureForm(forms.Form):
    enterprise = forms.CharField(label="企业（统一社会信用代码或全称）", max_length=200)
    street = forms.ModelChoiceField(label="街道", queryset=Jurisdiction.objects.none())
    kind = forms.ChoiceField(label="类型", choices=EnterpriseMeasure.Kind.choices)
    completed_on = forms.DateField(label="完成日期", widget=_date_widget())
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = restricted(Jurisdiction, user, Action.HANDLE).order_by(
            "path"
        )
        self.fields["completed_on"].initial = timezone.localdate()


class TableUploadForm(forms.Form):
    file = forms.FileField(label="任务分解表（.xlsx / .xls / .ods / .csv）")
    district = forms.ModelChoiceField(label="区县", queryset=Jurisdiction.objects.none())
    name = forms.CharField(label="任务表名称", max_length=200)
    start_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="终止年度", min_value=2000, max_value=2100)
    source = forms.CharField(
        label="文件依据（如 仑政办〔2024〕22号 附件2）", max_length=200, required=False
    )

    def __init__(self, *args, user, refused_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused_bytes = refused_bytes
        if refused_bytes:
            self.fields["file"].required = False
        self.fields["district"].queryset = (
            restricted(Jurisdiction, user, Action.IMPORT)
            .exclude(kind__in=[Jurisdiction.Kind.STREET, Jurisdiction.Kind.TOWN])
            .order_by("path")
        )

    def clean_file(self):
        from landcycle.imports.limits import MB, limit

        largest = limit("LANDCYCLE_IMPORT_MAX_FILE_MB")
        if self.refused_bytes:
            raise forms.ValidationError(f"文件过大：上限 {largest:,} MB")
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith(TABLE_SUFFIXES):
            raise forms.ValidationError("不支持的文件类型，请上传 " + " ".join(TABLE_SUFFIXES))
        if uploaded.size > largest * MB:
            raise forms.ValidationError(f"文件过大：上限 {largest:,} MB")
        return uploaded
