"""Permission-matrix rows of the lists and prices pages, for every role and method."""

from tests.web.permission_codes import page

ROWS = {
    ("evaluation:lists", ""): page(),
    ("evaluation:lists_export", ""): page(),
}
