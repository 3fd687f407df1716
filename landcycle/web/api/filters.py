"""The API's filter backend: filters never list, nor confirm, rows the user may not see.

django-filter builds a ``ModelChoiceFilter`` for every foreign key in ``filterset_fields``,
over *all* rows of the related model: the browsable API's filter form then listed every
enterprise, person, parcel code and draft run of the district in its ``<select>``s, and a
filter by a hidden id answered 200 (valid choice, nothing visible) where an absent id answered
400. Here every such filter becomes a plain id filter (a number box; the rows themselves are
cut by ``restrict`` as always, so a hidden id and an absent one both give an empty list),
except filters over small trees of places (jurisdictions), whose options are restricted.
"""

from __future__ import annotations

import django_filters
from django_filters.rest_framework import DjangoFilterBackend

from landcycle.core.permissions import restrict

# Related models few enough to list as options (after restriction); apps add theirs.
LISTABLE: set[type] = set()


def allow_listing(model: type) -> None:
    """Let the browsable API list ``model``'s rows (restricted) as filter options."""
    LISTABLE.add(model)


class RestrictedFilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend`` whose related-object filters are restricted to the user."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        for name, filter_ in list(filterset.filters.items()):
            if not isinstance(
                filter_, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter
            ):
                continue
            related = filter_.queryset
            if related is not None and related.model in LISTABLE:
                filter_.queryset = restrict(related.all(), request.user)
            else:
                filterset.filters[name] = django_filters.NumberFilter(
                    field_name=filter_.field_name, label=filter_.label, lookup_expr="exact"
                )
                filterset.filters[name].parent = filterset
                filterset.filters[name].model = filterset._meta.model
        return filterset
