"""Permission-matrix rows of the portal's street outlines (public, read only)."""

from tests.web.permission_codes import public

ROWS = {
    ("portal:streets_geojson", ""): public(),
}
