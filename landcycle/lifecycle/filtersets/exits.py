"""Filters of the exit-case list: state, street, due date, officer, and a search."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from landcycle.core.permissions import restricted
from landcycle.ledger.filtersets import SubtreeFilter
from landcycle.ledger.models import Jurisdiction
from landcycle.web import cache

from ..models import ExitCase
from ..services import exits

DATE = forms.DateInput(attrs={"type": "date"})


def officer_choices(cases) -> list[tuple]:
    """The officers in charge of ``cases`` (already restricted) as (id, name) choices: one
    query per data version (a DISTINCT over every case; assigning a case is a logged change)."""
    rows = (
        cases.exclude(assigned_to=None)
        .values_list("assigned_to_id", "assigned_to__username", "assigned_to__first_name")
        .distinct()
        .order_by("assigned_to__username")
    )
    return cache.value(
        "officer_choices",
        rows,
        cache.data_version(),
        lambda: [(str(pk), first or username) for pk, username, first in rows],
    )


class CaseFilterSet(django_filters.FilterSet):
    """Shared by the exit and stock-land lists: street (subtree) and officer in charge."""

    q = django_filters.CharFilter(method="search", label="企业/宗地")
    jurisdiction = SubtreeFilter(label="园区/街道")
    officer = django_filters.ChoiceFilter(method="by_officer", label="承办人", choices=())

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["jurisdiction"].queryset = restricted(Jurisdiction, user).order_by("path")
        self.filters["officer"].extra["choices"] = officer_choices(queryset)

    def by_officer(self, queryset, name, value):
        return queryset.filter(assigned_to_id=value)


class ExitCaseFilterSet(CaseFilterSet):
    state = django_filters.ChoiceFilter(choices=ExitCase.State.choices, label="状态")
    trigger = django_filters.ChoiceFilter(choices=ExitCase.Trigger.choices, label="退出情形")
    due_by = django_filters.DateFilter(method="due", label="期限不晚于", widget=DATE)

    class Meta:
        model = ExitCase
        fields = ["q", "state", "trigger", "jurisdiction", "due_by", "officer"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(enterprise__name__icontains=value)
            | Q(enterprise__uscc__icontains=value)
            | Q(parcel__code__icontains=value)
        )

    def due(self, queryset, name, value):
        return queryset.filter(exits.due_q(value))
