"""Filters of the stock-land list: category, status, street, due date, officer, idle flags."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Q

from landcycle.ledger.filtersets import SubtreeFilter

from ..models import StockLandCase
from ..services import stockland
from .exits import DATE, CaseFilterSet

FLAGS = [("fee_due", "可征土地闲置费"), ("take_back", "可无偿收回"), ("overdue", "处置逾期")]


class StockLandFilterSet(CaseFilterSet):
    category = django_filters.ChoiceFilter(choices=StockLandCase.Category.choices, label="类别")
    status = django_filters.ChoiceFilter(choices=StockLandCase.Status.choices, label="状态")
    due_by = django_filters.DateFilter(method="due", label="处置期限不晚于", widget=DATE)
    flag = django_filters.ChoiceFilter(choices=FLAGS, method="by_flag", label="提示")
    jurisdiction = SubtreeFilter("parcel__jurisdiction__path", label="园区/街道")

    class Meta:
        model = StockLandCase
        fields = ["q", "category", "status", "jurisdiction", "due_by", "officer", "flag"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(parcel__code__icontains=value) | Q(parcel__holder__name__icontains=value)
        )

    def due(self, queryset, name, value):
        return queryset.filter(stockland.open_cases_q(), deadline__lte=value)

    def by_flag(self, queryset, name, value):
        today = dt.date.today()
        if value == "overdue":
            return queryset.filter(stockland.open_cases_q(), deadline__lt=today)
        key = "idle_fee_after" if value == "fee_due" else "take_back_after"
        return queryset.filter(
            stockland.open_cases_q(),
            category=StockLandCase.Category.IDLE,
            idle_since__lte=stockland.idle_since_before(key, today),
        )
