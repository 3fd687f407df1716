"""Streets named in 宗地 (and their 所属区县, an extension column): found in the tree or created.

Planning is pure (problems found before anything is written); ``create`` then inserts the new
nodes in bulk, districts first, and sets their materialised paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from django.db import IntegrityError

from landcycle.core.bulk import bulk_delete, bulk_insert, bulk_update
from landcycle.core.changelog import record_bulk
from landcycle.ledger.models import Jurisdiction, JurisdictionBoundary

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
    """What the sheets' (district, street) pairs resolve to: existing ids, new districts, and new
    streets to create (with their district name or parent id); top-level names of the 辖区 sheet
    (``roots``: name → id, None until created); pairs that name a street another sheet of the
    import creates (``aliases``); after ``create``, the ids created.
    """

    resolved: dict[tuple[str | None, str], int] = field(default_factory=dict)
    new_districts: list[str] = field(default_factory=list)
    new_streets: list[tuple[str | int, str]] = field(default_factory=list)  # (district, street)
    missing: dict[tuple[str | None, str], tuple[str | int, str]] = field(default_factory=dict)
    roots: dict[str, int | None] = field(default_factory=dict)
    aliases: dict[tuple[None, str], tuple[str, str]] = field(default_factory=dict)
    created_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class PlanSource:
    """One sheet naming jurisdictions: its frame, name as written, headers, the column holding
    the street (``jurisdiction`` in 宗地, ``name`` in 辖区), and whether a row without 所属区县
    names a top-level jurisdiction (辖区) rather than a street to find anywhere (宗地)."""

    frame: pl.DataFrame
    sheet: str
    headers: dict
    street_key: str = "jurisdiction"
    roots: bool = False


def load_nodes() -> list[Node]:
    """Every stored jurisdiction as a Node (one query)."""
    return [
        Node(*row)
        for row in Jurisdiction.objects.values_list("id", "name", "parent_id", "kind", "path")
    ]


def plan(
    frame: pl.DataFrame, sheet: str, headers: dict, nodes: list[Node], problems
) -> JurisdictionPlan:
    """Resolve the (所属区县, 所属街道) pairs of one 宗地 ``frame``; see ``plan_sources``."""
    return plan_sources([PlanSource(frame, sheet, headers)], nodes, problems)


def _first_rows(source: PlanSource) -> list[tuple[str | None, str, int]]:
    frame = source.frame
    district = (
        frame["district"] if "district" in frame.columns else pl.Series([None] * frame.height)
    )
    pairs = pl.DataFrame(
        {ROW: frame[ROW], "d": district.cast(pl.Utf8), "s": frame[source.street_key]}
    ).filter(pl.col("s").is_not_null())
    first_rows = pairs.group_by("d", "s").agg(pl.col(ROW).min()).sort(ROW)
    return list(first_rows.select("d", "s", ROW).iter_rows())


def plan_sources(sources: list[PlanSource], nodes: list[Node], problems) -> JurisdictionPlan:
    """Resolve the (所属区县, street) pairs of every source against ``nodes`` without writing:
    returns one JurisdictionPlan (so a node two sheets name is created once); appends to
    ``problems`` (sheet, first row, column, value) an ambiguous district or street name, or a
    new street with no district when the tree has several roots.

    A pair names a street under its district (found, or created as a root of kind 区县 when not
    in the tree). Without a district, a 宗地 street is found by name anywhere (in the tree, or
    among the streets an earlier source creates) or created under the single root; a 辖区 row
    names a top-level jurisdiction, found among the roots or created as one.
    """
    result = JurisdictionPlan()
    by_name: dict[str, list[Node]] = {}
    for node in nodes:
        by_name.setdefault(node.name, []).append(node)
    roots = [n for n in nodes if n.parent_id is None]
    planned: dict[str, list[tuple[str, str]]] = {}  # street → new (district, street) pairs
    for source in sources:
        sheet, headers = source.sheet, source.headers
        street_header = headers.get(source.street_key, "所属街道")
        for district_name, street, row in _first_rows(source):
            pair = (district_name, street)
            if district_name is None and source.roots:
                if street in result.roots:
                    continue
                found = [n for n in roots if n.name == street]
                if len(found) > 1:
                    problems.append(
                        ImportProblem(
                            sheet,
                            row,
                            street_header,
                            street,
                            "顶级辖区名称不唯一 more than one top-level jurisdiction has this name",
                        )
                    )
                    continue
                result.roots[street] = found[0].id if found else None
                if not found and street not in result.new_districts:
                    result.new_districts.append(street)
                continue
            if pair in result.resolved or pair in result.missing or pair in result.aliases:
                continue
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
                    child = next(
                        (n for n in by_name.get(street, []) if n.parent_id == parent.id), None
                    )
                    if child:
                        result.resolved[pair] = child.id
                    else:
                        result.missing[pair] = (parent.id, street)
                        planned.setdefault(street, []).append(pair)
                else:
                    if district_name not in result.new_districts:
                        result.new_districts.append(district_name)
                    result.missing[pair] = (district_name, street)
                    planned.setdefault(street, []).append(pair)
                continue
            matches = by_name.get(street, [])
            others = planned.get(street, [])
            if len(matches) + len(others) > 1:
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
            if others:  # a street the 辖区 sheet places: the same node
                result.aliases[pair] = others[0]
                continue
            if len(roots) > 1:
                problems.append(
                    ImportProblem(
                        sheet,
                        row,
                        street_header,
                        street,
                        "新街道须指明所属区县 new street: the tree has several districts, add a "
                        "所属区县 column",
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
    """Insert the planned nodes; returns (district, street) → id for every pair of the sheets.
    Fills ``jplan.roots`` with the ids of new top-level nodes and ``jplan.created_ids``."""
    resolved = dict(jplan.resolved)
    if not jplan.missing and not jplan.new_districts:
        resolved.update({p: resolved[t] for p, t in jplan.aliases.items() if t in resolved})
        return resolved
    created = []
    district_ids: dict[str, int] = {}
    if jplan.new_districts:
        # A top-level name has no unique constraint (its parent is NULL): one written meanwhile
        # by another import is a conflict, as a duplicate street is (services.CONFLICT).
        taken = Jurisdiction.objects.filter(parent__isnull=True, name__in=jplan.new_districts)
        if taken.exists():
            raise IntegrityError(
                "jurisdiction created meanwhile by another write: "
                + ", ".join(taken.values_list("name", flat=True))
            )
        bulk_insert(
            Jurisdiction,
            ["name", "kind", "parent_id", "path"],
            [(name, Jurisdiction.Kind.DISTRICT, None, "") for name in jplan.new_districts],
        )
        district_ids = dict(
            Jurisdiction.objects.filter(
                parent__isnull=True, name__in=jplan.new_districts, path=""
            ).values_list("name", "id")
        )
        created += [(i, n, None) for n, i in district_ids.items()]
    streets = []
    # In the order the sheet first names them (a set's order follows PYTHONHASHSEED, and the
    # ids decide which street the demo's officer gets).
    for district, street in dict.fromkeys(jplan.missing.values()):
        parent_id = district_ids[district] if isinstance(district, str) else district
        streets.append((street, Jurisdiction.Kind.STREET, parent_id, ""))
    street_ids = {}
    if streets:
        bulk_insert(Jurisdiction, ["name", "kind", "parent_id", "path"], streets)
    nodes = {(n.parent_id, n.name): n for n in load_nodes()}
    by_id = {n.id: n for n in nodes.values()}
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
    for pair, target in jplan.aliases.items():
        resolved[pair] = resolved[target]
    for name, node_id in jplan.roots.items():
        if node_id is None:
            jplan.roots[name] = district_ids[name]
    jplan.created_ids = {node_id for node_id, _name, _parent in created}
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


def node_ids(frame: pl.DataFrame, jplan: JurisdictionPlan, resolved: dict) -> pl.Series:
    """The node id of each 辖区 row (Int64): a top-level name through ``jplan.roots``, a
    (所属区县, 名称) pair through ``resolved`` (from ``create``); null where unresolved."""
    district = (
        frame["district"] if "district" in frame.columns else pl.Series([None] * frame.height)
    )
    ids = []
    for d, name in zip(district.to_list(), frame["name"].to_list(), strict=True):
        ids.append(jplan.roots.get(name) if d is None else resolved.get((d, name)))
    return pl.Series("id", ids, dtype=pl.Int64)


def write_sheet(data, jplan: JurisdictionPlan, resolved: dict):
    """Write the 辖区 sheet's 类型 and 边界 onto its nodes (created by ``create`` when new).

    Only the columns present are written (an empty 边界 removes the outline; an empty 类型 keeps
    the kind). Kinds in one ``bulk_update``; outlines (``JurisdictionBoundary``) inserted,
    updated or deleted in bulk; one change record per node changed, on the jurisdiction
    (fields ``kind`` / ``boundary_wkt``). Returns the counts (``writer.Counts``): nodes created
    by this import, updated, unchanged.
    """
    from .writer import Counts

    frame = data.frame.with_columns(node_ids(data.frame, jplan, resolved))
    ids = frame["id"].drop_nulls().to_list()
    with_kind, with_boundary = "kind" in data.present, "boundary" in data.present
    stored = dict(Jurisdiction.objects.filter(pk__in=ids).values_list("id", "name").iterator())
    kinds = dict(Jurisdiction.objects.filter(pk__in=ids).values_list("id", "kind"))
    outlines = (
        dict(JurisdictionBoundary.objects.filter(pk__in=ids).values_list("pk", "wkt"))
        if with_boundary
        else {}
    )
    counts = Counts()
    kind_updates, inserts, updates, deletes, changes = [], [], [], [], []
    for pk, kind, wkt in frame.select(
        "id",
        pl.col("kind") if with_kind else pl.lit(None, dtype=pl.Utf8).alias("kind"),
        pl.col("geometry_wkt") if with_boundary else pl.lit(None, dtype=pl.Utf8).alias("w"),
    ).iter_rows():
        if pk is None or pk not in stored:
            continue
        before, after = {}, {}
        if with_kind and kind and kind != kinds[pk]:
            kind_updates.append((pk, kind))
            before["kind"], after["kind"] = kinds[pk], kind
        if with_boundary and (wkt or "") != outlines.get(pk, ""):
            old = outlines.get(pk, "")
            if not wkt:
                deletes.append(pk)
            elif old:
                updates.append((pk, wkt))
            else:
                inserts.append((pk, wkt))
            before["boundary_wkt"], after["boundary_wkt"] = old, wkt or ""
        if pk in jplan.created_ids:
            counts.created += 1
        elif after:
            counts.updated += 1
        else:
            counts.unchanged += 1
        if after:
            changes.append((pk, stored[pk], before, after))
    if kind_updates:
        bulk_update(Jurisdiction, ["kind"], kind_updates)
    if inserts:
        bulk_insert(JurisdictionBoundary, ["jurisdiction_id", "wkt"], inserts)
    if updates:
        bulk_update(JurisdictionBoundary, ["wkt"], updates)
    if deletes:
        bulk_delete(JurisdictionBoundary, deletes)
    if changes:
        record_bulk(Jurisdiction, changes)
    return counts
