"""The street filter every list shares (ledger.filtersets.SubtreeFilter): a jurisdiction and
everything below it, through whatever relation the rows reach their jurisdiction."""

from __future__ import annotations

import django_filters

from landcycle.ledger.filtersets import SubtreeFilter
from landcycle.ledger.models import IndicatorReport, Jurisdiction, Parcel
from tests.web.conftest import world  # noqa: F401


class ParcelStreets(django_filters.FilterSet):
    jurisdiction = SubtreeFilter(label="街道")

    class Meta:
        model = Parcel
        fields = ["jurisdiction"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["jurisdiction"].queryset = Jurisdiction.objects.all()


class ReportStreets(ParcelStreets):
    jurisdiction = SubtreeFilter("parcel__jurisdiction__path", label="街道")

    class Meta:
        model = IndicatorReport
        fields = ["jurisdiction"]


def _codes(filterset) -> set[str]:
    return set(filterset.qs.values_list("code", flat=True))


def test_a_street_takes_its_towns_rows_too(world):  # noqa: F811
    parcels = Parcel.objects.all()
    street_a = ParcelStreets({"jurisdiction": world.street_a.pk}, queryset=parcels)
    assert _codes(street_a) == {"A-0001", "A1-0001"}
    town = ParcelStreets({"jurisdiction": world.town_a1.pk}, queryset=parcels)
    assert _codes(town) == {"A1-0001"}
    assert _codes(ParcelStreets({}, queryset=parcels)) == set(
        parcels.values_list("code", flat=True)
    )


def test_the_path_names_the_rows_relation(world):  # noqa: F811
    reports = IndicatorReport.objects.all()
    chosen = ReportStreets({"jurisdiction": world.street_b.pk}, queryset=reports).qs
    assert chosen.count() == 2
    assert set(chosen.values_list("parcel__code", flat=True)) == {"B-0001"}


def test_an_option_outside_the_filtersets_choices_is_an_error(world):  # noqa: F811
    filterset = ParcelStreets({"jurisdiction": world.street_b.pk}, queryset=Parcel.objects.all())
    filterset.filters["jurisdiction"].queryset = Jurisdiction.objects.filter(pk=world.street_a.pk)
    assert not filterset.is_valid()
    assert "jurisdiction" in filterset.errors
