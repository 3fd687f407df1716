"""Texts that name enterprises and persons, never database ids.

The engine is pure Polars and knows enterprises and persons by id only: its relation paths read
``企业12 ←股东— 个人34``. ``name_references`` writes those texts as officers read them
(``甲制造有限公司 ←股东— 张三``), one query per table for a whole page or list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from landcycle.ledger.models import Enterprise, Person

_REFERENCE = re.compile(r"(企业|个人)(\d+)")


def name_references(texts: Iterable[str | None]) -> list[str]:
    """``texts`` with every ``企业<id>`` / ``个人<id>`` replaced by the enterprise's or person's
    name (an id no longer in the ledger stays ``企业<id>``). Two queries at most."""
    texts = ["" if t is None else str(t) for t in texts]
    wanted: dict[str, set[int]] = {"企业": set(), "个人": set()}
    for text in texts:
        for kind, pk in _REFERENCE.findall(text):
            wanted[kind].add(int(pk))
    names: dict[tuple[str, int], str] = {}
    if wanted["企业"]:
        rows = Enterprise.objects.filter(pk__in=wanted["企业"]).values_list("pk", "name")
        names |= {("企业", pk): name for pk, name in rows}
    if wanted["个人"]:
        rows = Person.objects.filter(pk__in=wanted["个人"]).values_list("pk", "name")
        names |= {("个人", pk): name for pk, name in rows}

    def named(match: re.Match) -> str:
        return names.get((match[1], int(match[2]))) or match[0]

    return [_REFERENCE.sub(named, text) for text in texts]


def name_reference(text: str | None) -> str:
    """One text (see ``name_references``)."""
    return name_references([text])[0]
