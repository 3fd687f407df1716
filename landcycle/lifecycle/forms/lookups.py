"""Form fields naming a parcel by its code and an enterprise by its USCC or exact name, looked
up among the rows the user may act on (a select of 100k parcels would not do)."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from landcycle.core.permissions import restrict
from landcycle.ledger.models import Enterprise, Parcel


class ParcelCodeField(forms.CharField):
    """A 宗地代码 → the Parcel (within ``queryset``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(*args, **kwargs)
        self.queryset = Parcel.objects.none()

    def clean(self, value):
        code = super().clean(value).strip()
        if not code:
            return None
        parcel = self.queryset.filter(code=code).select_related("holder").first()
        if parcel is None:
            raise forms.ValidationError(f"宗地代码「{code}」不存在或不在您可办理的范围内")
        return parcel


class EnterpriseField(forms.CharField):
    """统一社会信用代码 or the exact registered name → the Enterprise (within ``queryset``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.queryset = Enterprise.objects.none()

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        found = list(self.queryset.filter(Q(uscc=text.upper()) | Q(name=text))[:2])
        if len(found) != 1:
            reason = "有重名，请填统一社会信用代码" if found else "台账中没有或不在您可办理的范围内"
            raise forms.ValidationError(f"企业「{text}」{reason}")
        return found[0]


def scope_lookups(form, user, action) -> None:
    """Point the form's lookup fields at the rows ``user`` may ``action``."""
    for field in form.fields.values():
        if isinstance(field, ParcelCodeField):
            field.queryset = restrict(Parcel.objects.all(), user, action)
        elif isinstance(field, EnterpriseField):
            field.queryset = restrict(Enterprise.objects.all(), user, action)
