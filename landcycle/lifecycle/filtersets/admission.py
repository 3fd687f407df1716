"""Filters of the admission list: state, street, due date, officer in charge, overdue."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from landcycle.core.permissions import restricted
from landcycle.ledger.filtersets import SubtreeFilter
from landcycle.ledger.models import Jurisdiction

from ..models import AdmissionApplication as App

DATE = forms.DateInput(attrs={"type": "date"})


class AdmissionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="enterprise_name", lookup_expr="icontains", label="企业名称"
    )
    status = django_filters.ChoiceFilter(
        choices=App.Status.choices, label="状态", empty_label="全部"
    )
    jurisdiction = SubtreeFilter(label="街道/园区", empty_label="全部")
    due_before = django_filters.DateFilter(
        field_name="assessment_due", lookup_expr="lte", label="初评期限不晚于", widget=DATE
    )
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.none(), label="承办人", empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label="只看逾期", widget=forms.CheckboxInput
    )

    class Meta:
        model = App
        fields = ["q", "status", "jurisdiction", "due_before", "assigned_to", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["jurisdiction"].queryset = restricted(Jurisdiction, user)
        officers = self.queryset.exclude(assigned_to=None).values("assigned_to")
        self.filters["assigned_to"].queryset = get_user_model().objects.filter(pk__in=officers)

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_q(timezone.localdate()))


def overdue_q(today) -> Q:
    """Applications with a passed deadline still open: the assessment or the material."""
    return Q(status=App.Status.SUBMITTED, assessment_due__lt=today) | Q(
        status__in=[App.Status.SUBMITTED, App.Status.ASSESSED],
        material_due__lt=today,
        material_submitted_on=None,
    ) & ~Q(material_request="")
