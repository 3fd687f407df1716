"""Filters of the ledger's lists and API: parcels and enterprises (search, street, kind, bbox, area)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from landcycle.ledger import models as ledger


class BBoxField(forms.CharField):
    """``min_lon,min_lat,max_lon,max_lat`` (EPSG:4490) → BBox; a clear error otherwise."""

    def clean(self, value):
        """The text as a BBox (None when empty); a bad box is a form ValidationError with the reason."""
        value = super().clean(value)
        if not value:
            return None
        from landcycle.web.maps import BadBBox, BBox

        try:
            return BBox.parse(value)
        except BadBBox as exc:
            raise forms.ValidationError(str(exc)) from None


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(django_filters.Filter):
    """Parcels whose stored bounds overlap a bbox (``min_lon,min_lat,max_lon,max_lat``, degrees)."""

    field_class = BBoxField

    def filter(self, qs, value):
        """``qs`` cut to the rows overlapping the box ``value`` (``web.maps.overlapping``); unchanged for None."""
        if value is None:
            return qs
        from landcycle.web.maps import overlapping

        return overlapping(qs, value)


class VersionedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options read once per data version (per restricted queryset,
    see ``landcycle.web.cache``) instead of one query per page."""

    def _options(self) -> list[tuple]:
        from landcycle.web import cache

        field = self.field
        return cache.value(
            "choices",
            self.queryset,
            cache.data_version(),
            lambda: [
                (field.prepare_value(obj), field.label_from_instance(obj))
                for obj in self.queryset.iterator()
            ],
        )

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self._options()

    def __len__(self):
        return sum(1 for _choice in self)

    def __bool__(self):
        return len(self) > 0


class VersionedModelChoiceField(django_filters.fields.ModelChoiceField):
    """A model choice field whose options are read once per data version (VersionedChoiceIterator)."""

    iterator = VersionedChoiceIterator


class VersionedModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter over VersionedModelChoiceField."""

    field_class = VersionedModelChoiceField


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """A jurisdiction and the rows anywhere below it (materialised path): ``path`` names the
    rows' jurisdiction path (``jurisdiction__path``, ``parcel__jurisdiction__path`` …). The
    filterset sets its options (``.queryset``) to the jurisdictions its user may see."""

    def __init__(self, path: str = "jurisdiction__path", **kwargs):
        super().__init__(queryset=ledger.Jurisdiction.objects.none(), **kwargs)
        self.path = path

    def filter(self, qs, value):
        """Rows whose jurisdiction is ``value`` or lies below it; all rows when none chosen."""
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.path}__startswith": value.path})


class ParcelFilterSet(django_filters.FilterSet):
    """Parcel list / API filters: ``q`` (code, name or holder name), street, supply method (供地方式),
    project type, in the industrial control line (工业控制线), ``bbox``, minimum area (m²).
    ``user=``: the street options are restricted to what the user may see.
    """

    q = django_filters.CharFilter(method="search", label=_("Search"))
    jurisdiction = VersionedModelChoiceFilter(
        queryset=ledger.Jurisdiction.objects.all(), label=_("Street")
    )
    supply_method = django_filters.ChoiceFilter(
        choices=ledger.Parcel.SupplyMethod.choices, label=_("Supply method")
    )
    project_type = django_filters.ChoiceFilter(
        choices=ledger.Parcel.ProjectType.choices, label=_("Project type")
    )
    in_control_line = django_filters.BooleanFilter(label=_("In industrial control line"))
    bbox = BBoxFilter(label=_("Bounding box (min_lon,min_lat,max_lon,max_lat)"))
    min_area_m2 = django_filters.NumberFilter(
        field_name="registered_area_m2", lookup_expr="gte", label=_("Area at least (m²)")
    )

    class Meta:
        model = ledger.Parcel
        fields = ["q", "jurisdiction", "supply_method", "project_type", "in_control_line"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # offer only the streets the user may see
            from landcycle.core.permissions import restricted

            self.filters["jurisdiction"].queryset = restricted(ledger.Jurisdiction, user)

    def search(self, queryset, name, value):
        """Parcels whose code, name or holder's name contains ``value`` (case-insensitive)."""
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(holder__name__icontains=value)
        )


class EnterpriseFilterSet(django_filters.FilterSet):
    """Enterprise list / API filters: ``q`` (USCC or name), scale (规上/规下), GB/T 4754 industry
    code prefix.
    """

    q = django_filters.CharFilter(method="search", label=_("Search"))
    scale = django_filters.ChoiceFilter(choices=ledger.Enterprise.Scale.choices, label=_("Scale"))
    industry_code = django_filters.CharFilter(lookup_expr="startswith", label=_("Industry code"))

    class Meta:
        model = ledger.Enterprise
        fields = ["q", "scale", "industry_code"]

    def search(self, queryset, name, value):
        """Enterprises whose USCC or name contains ``value`` (case-insensitive)."""
        return queryset.filter(Q(uscc__icontains=value) | Q(name__icontains=value))
