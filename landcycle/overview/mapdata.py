"""The officers' map layer: parcels in view coloured by their current class (combines the ledger
and the evaluation), or grid cells when there are too many to draw."""

from __future__ import annotations

from django.db.models import QuerySet

from landcycle.evaluation.current import CLASS_COLOURS, NO_CLASS_COLOUR, classes_of
from landcycle.web.maps import (
    DETAIL_ZOOM,
    MAX_FEATURES,
    BBox,
    grid_cells,
    max_lon_span,
    overlapping,
    simplified,
)


def parcel_features(user, parcels: QuerySet, box: BBox, zoom: int) -> dict:
    """GeoJSON for the parcels in view, or grid cells when there are too many to draw."""
    parcels = parcels.exclude(min_lon__isnull=True)
    in_view = overlapping(parcels, box, max_lon_span(parcels)).order_by()
    rows = None
    if zoom >= DETAIL_ZOOM:  # one bounded query; one row too many means "draw the grid"
        rows = list(
            in_view.values_list("pk", "code", "geometry_wkt", "holder__name")[: MAX_FEATURES + 1]
        )
    if rows is not None and len(rows) <= MAX_FEATURES:
        # ids: no second bbox scan; none in view (most views of a district): no query at all
        classes = classes_of(user, [row[0] for row in rows]) if rows else {}
        features = []
        for pk, code, wkt, holder in rows:
            geometry = simplified(wkt, zoom) if wkt else None
            if geometry is None:
                continue
            klass = classes.get(pk, "")
            features.append(
                {
                    "type": "Feature",
                    "id": pk,
                    "geometry": geometry,
                    "properties": {
                        "id": pk,
                        "code": code,
                        "holder": holder or "",
                        "class": klass,
                        "colour": CLASS_COLOURS.get(klass, NO_CLASS_COLOUR),
                    },
                }
            )
        return {"type": "FeatureCollection", "kind": "parcels", "features": features}
    return grid_cells(in_view, box)
