"""What the public may see besides the available-land list: ``disclosure.toml``."""

import tomllib
from functools import cache
from pathlib import Path

DISCLOSURE_FILE = Path(__file__).with_name("disclosure.toml")


@cache
def disclosure() -> dict:
    with DISCLOSURE_FILE.open("rb") as handle:
        return tomllib.load(handle)
