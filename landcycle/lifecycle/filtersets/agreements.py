"""Filters of the supervision agreements list: state, street, attainment due, enterprise."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from landcycle.core.permissions import restricted
from landcycle.ledger.filtersets import SubtreeFilter
from landcycle.ledger.models import Jurisdiction

from ..models import SupervisionAgreement as Agreement

DATE = forms.DateInput(attrs={"type": "date"})


class AgreementFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="协议编号/企业/宗地")
    status = django_filters.ChoiceFilter(
        choices=Agreement.Status.choices, label="状态", empty_label="全部"
    )
    jurisdiction = SubtreeFilter(
        "parcel__jurisdiction__path", label="街道/园区", empty_label="全部"
    )
    due_before = django_filters.DateFilter(
        field_name="attainment_due", lookup_expr="lte", label="达产日期不晚于", widget=DATE
    )

    class Meta:
        model = Agreement
        fields = ["q", "status", "jurisdiction", "due_before"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["jurisdiction"].queryset = restricted(Jurisdiction, user)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(number__icontains=value)
            | Q(enterprise__name__icontains=value)
            | Q(parcel__code__icontains=value)
        )
