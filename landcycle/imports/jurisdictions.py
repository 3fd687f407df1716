"""Streets named in 宗地 (and their 所属区县, an extension column): found in the tree or created.

Planning is pure (problems found before anything is written); ``create`` then inserts the new
nodes in bulk, districts first, and sets their materialised paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from landcycle.core.bulk import bulk_insert, bulk_update
from landcycle.core.changelog import record_bulk
from landcycle.ledger.models import Jurisdiction

from .errors import ImportProblem
from .readers import ROW

DEFAULT_ROOT = "辖区"  # created when a new street has no district and the tree has no root


@dataclass
class Node:
    """A stored jurisdiction as the import reads it: id, name, parent id, kind, path."""

    id: int
    name: str
    parent_id: int | None
    kind: str
    path: str


@dataclass
class JurisdictionPlan:
    # (district or None, street) → existing id, or a (district, street) pair to create
    """What the sheet's (district, street) pairs resolve to: existing ids, new districts, and new
    streets to create (with their district name or parent id).
    """

    resolved: dict[tuple[str | None, str], int] = field(default_factory=dict)
    new_districts: list[str] = field(default_factory=list)
    new_streets: list[tuple[str | int, str]] = field(default_factory=list)  # (district, street)
    missing: dict[tuple[str | None, str], tuple[str | int, str]] = field(default_factory=dict)


def load_nodes() -> list[Node]:
    """Every stored jurisdiction as a Node (one query)."""
    return [
        Node(*row)
        for row in Jurisdiction.objects.values_list("id", "name", "parent_id", "kind", "path")
    ]


def plan(
    frame: pl.DataFrame, sheet: str, headers: dict, nodes: list[Node], problems
) -> JurisdictionPlan:
    """Resolve the (所属区县, 所属街道) pairs of ``frame`` against ``nodes`` without writing:
    returns the JurisdictionPlan; appends to ``problems`` (sheet, first row, column, value) an
    ambiguous district or street name, or a new street with no district when the tree has several.
    """
    result = JurisdictionPlan()
    by_name: dict[str, list[Node]] = {}
    for node in nodes:
        by_name.setdefault(node.name, []).append(node)
    roots = [n for n in nodes if n.parent_id is None]
    district = (
        frame["district"] if "district" in frame.columns else pl.Series([None] * frame.height)
    )
    pairs = pl.DataFrame({ROW: frame[ROW], "d": district, "s": frame["jurisdiction"]}).filter(
        pl.col("s").is_not_null()
    )
    first_rows = pairs.group_by("d", "s").agg(pl.col(ROW).min()).sort(ROW)
    street_header = headers.get("jurisdiction", "所属街道")
    for district_name, street, row in first_rows.select("d", "s", ROW).iter_rows():
        pair = (district_name, street)
        if district_name is not None:
            parents = by_name.get(district_name, [])
            if len(parents) > 1:
                problems.append(
                    ImportProblem(
                        sheet,
                        row,
                        headers.get("district", "所属区县"),
                        district_name,
                        "区县名称不唯一 more than one jurisdiction has this name",
                    )
                )
                continue
            if parents:
                parent = parents[0]
                child = next((n for n in by_name.get(street, []) if n.parent_id == parent.id), None)
                if child:
                    result.resolved[pair] = child.id
                else:
                    result.missing[pair] = (parent.id, street)
            else:
                if district_name not in result.new_districts:
                    result.new_districts.append(district_name)
                result.missing[pair] = (district_name, street)
            continue
        matches = by_name.get(street, [])
        if len(matches) > 1:
            problems.append(
                ImportProblem(
                    sheet,
                    row,
                    street_header,
                    street,
                    "街道名称不唯一，请填写所属区县 more than one jurisdiction has this name: "
                    "add a 所属区县 column",
                )
            )
            continue
        if matches:
            result.resolved[pair] = matches[0].id
            continue
        if len(roots) > 1:
            problems.append(
                ImportProblem(
                    sheet,
                    row,
                    street_header,
                    street,
                    "新街道须指明所属区县 new street: the tree has several districts, add a 所属区县 "
                    "column",
                )
            )
            continue
        if roots:
            result.missing[pair] = (roots[0].id, street)
        else:
            if DEFAULT_ROOT not in result.new_districts:
                result.new_districts.append(DEFAULT_ROOT)
            result.missing[pair] = (DEFAULT_ROOT, street)
    return result


def create(jplan: JurisdictionPlan) -> dict[tuple[str | None, str], int]:
    """Insert the planned nodes; returns (district, street) → id for every pair of the sheet."""
    resolved = dict(jplan.resolved)
    if not jplan.missing:
        return resolved
    created = []
    district_ids: dict[str, int] = {}
    if jplan.new_districts:
        bulk_insert(
            Jurisdiction,
            ["name", "kind", "parent_id", "path"],
            [(name, Jurisdiction.Kind.DISTRICT, None, "") for name in jplan.new_districts],
        )
        district_ids = dict(
            Jurisdiction.objects.filter(
                parent__isnull=True, name__in=jplan.new_districts
            ).values_list("name", "id")
        )
        created += [(i, n, None) for n, i in district_ids.items()]
    streets = []
    # In the order the sheet first names them (a set's order follows PYTHONHASHSEED, and the
    # ids decide which street the demo's officer gets).
    for district, street in dict.fromkeys(jplan.missing.values()):
        parent_id = district_ids[district] if isinstance(district, str) else district
        streets.append((street, Jurisdiction.Kind.STREET, parent_id, ""))
    bulk_insert(Jurisdiction, ["name", "kind", "parent_id", "path"], streets)
    nodes = {(n.parent_id, n.name): n for n in load_nodes()}
    by_id = {n.id: n for n in nodes.values()}
    street_ids = {}
    for street, _kind, parent_id, _path in streets:
        node = nodes[(parent_id, street)]
        street_ids[(parent_id, street)] = node.id
        created.append((node.id, street, parent_id))
    # Materialised paths: new districts are roots, new streets sit under a node with a path.
    paths = {}
    for node_id, _name, parent_id in created:
        if parent_id is None:
            paths[node_id] = f"/{node_id}/"
    for node_id, _name, parent_id in created:
        if parent_id is not None:
            parent_path = paths.get(parent_id) or by_id[parent_id].path
            paths[node_id] = f"{parent_path}{node_id}/"
    bulk_update(Jurisdiction, ["path"], list(paths.items()))
    record_bulk(
        Jurisdiction,
        [
            (node_id, name, None, {"name": name, "parent_id": parent_id, "path": paths[node_id]})
            for node_id, name, parent_id in created
        ],
    )
    for pair, (district, street) in jplan.missing.items():
        parent_id = district_ids[district] if isinstance(district, str) else district
        resolved[pair] = street_ids[(parent_id, street)]
    return resolved


def ids_for(frame: pl.DataFrame, resolved: dict[tuple[str | None, str], int]) -> pl.Series:
    """The jurisdiction id of each row of ``frame`` (Int64 Series, null where unresolved), from
    ``resolved`` ``{(district or None, street): id}``.
    """
    district = (
        frame["district"] if "district" in frame.columns else pl.Series([None] * frame.height)
    )
    keys = pl.DataFrame(
        {
            "d": [d for d, _ in resolved],
            "s": [s for _, s in resolved],
            "jurisdiction_id": list(resolved.values()),
        },
        schema={"d": pl.Utf8, "s": pl.Utf8, "jurisdiction_id": pl.Int64},
    )
    rows = pl.DataFrame({"d": district.cast(pl.Utf8), "s": frame["jurisdiction"]})
    return rows.join(keys, on=["d", "s"], how="left", nulls_equal=True, maintain_order="left")[
        "jurisdiction_id"
    ]
