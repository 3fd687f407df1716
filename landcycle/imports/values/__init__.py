"""Values as officers type them: dates, numbers with units, yes/no answers (and vocabularies).

Each parser takes a Polars ``Utf8`` Series of cells (null = blank) and returns a ``Parsed``:
the typed values, and per row the reason a cell was refused (``error``) or read with a caveat
(``warning``), Chinese first. Parsers run vectorised, on each distinct value once, so import,
the web forms and the API share one reading of a value (the ``parse_*_text`` functions read a
single value and raise ``ValueError`` with the reason).
"""

from __future__ import annotations

from .booleans import BOOLEAN_FORMS, parse_bool_text, parse_booleans
from .common import Parsed
from .dates import (
    DatePrecision,
    PartialDate,
    parse_date_text,
    parse_dates,
    parse_years,
)
from .numbers import parse_number_text, parse_numbers

__all__ = [
    "BOOLEAN_FORMS",
    "DatePrecision",
    "Parsed",
    "PartialDate",
    "parse_bool_text",
    "parse_booleans",
    "parse_date_text",
    "parse_dates",
    "parse_number_text",
    "parse_numbers",
    "parse_years",
]
