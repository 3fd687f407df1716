"""The relation graph, in pure Polars: equity relations and related parties, each with its path.

Nodes are enterprises and persons. Relations point from a subject enterprise to a party (an
enterprise or a person) with a kind; a ``shareholder`` (or, when the policy says so,
``actual_controller``) relation is an equity edge "party holds subject".

Two enterprises have an **equity relation** (股权关联关系) when one holds the other directly or
through a chain of holdings, or — when ``common_shareholder`` is true, the default — when both are
held, directly or indirectly, by a common shareholder (an enterprise or a person): sister
companies under one owner are treated as related.
"""

from __future__ import annotations

import polars as pl

from .inputs import conform

KIND_ZH = {
    "legal_representative": "法定代表人",
    "shareholder": "股东",
    "actual_controller": "实际控制人",
    "director": "董事",
    "supervisor": "监事",
    "executive": "高管",
}


def _node_label_zh(node: pl.Expr) -> pl.Expr:
    return (
        pl.when(node >= 0).then(pl.format("企业{}", node)).otherwise(pl.format("个人{}", -node - 1))
    )


def _node_label_en(node: pl.Expr) -> pl.Expr:
    return (
        pl.when(node >= 0)
        .then(pl.format("enterprise {}", node))
        .otherwise(pl.format("person {}", -node - 1))
    )


def equity_edges(
    relations: pl.DataFrame,
    kinds: tuple[str, ...] = ("shareholder",),
    min_share_percent: float = 0.0,
) -> pl.DataFrame:
    """child (held enterprise) → parent (holder; persons encoded as −1 − person_id)."""
    relations = conform("relations", relations)
    share_ok = pl.col("share_percent").is_null() | (pl.col("share_percent") >= min_share_percent)
    return (
        relations.filter(pl.col("kind").is_in(list(kinds)) & share_ok)
        .select(
            pl.col("subject_id").alias("child"),
            pl.coalesce(pl.col("party_enterprise_id"), -1 - pl.col("party_person_id")).alias(
                "parent"
            ),
            pl.col("kind"),
        )
        .filter(pl.col("parent").is_not_null() & (pl.col("parent") != pl.col("child")))
        .unique(["child", "parent"], keep="first", maintain_order=True)
        .sort(["child", "parent"])
    )


def _ancestors(
    edges: pl.DataFrame, starts: pl.Series, max_depth: int, downwards: bool = False
) -> pl.DataFrame:
    """Every holder reachable upwards from each start: start, node, depth, path_zh, path_en."""
    frontier = pl.DataFrame({"start": starts.unique().sort()}).with_columns(
        pl.col("start").alias("node"),
        pl.lit(0, pl.Int32).alias("depth"),
        _node_label_zh(pl.col("start")).alias("path_zh"),
        _node_label_en(pl.col("start")).alias("path_en"),
    )
    found = [frontier]
    seen = frontier.select("start", "node")
    for depth in range(1, max_depth + 1):
        step = (
            frontier.join(edges, left_on="node", right_on="child")
            .select(
                "start",
                pl.col("parent").alias("node"),
                pl.lit(depth, pl.Int32).alias("depth"),
                pl.format(
                    "{} —{}→ {}" if downwards else "{} ←{}— {}",
                    "path_zh",
                    pl.col("kind").replace_strict(KIND_ZH),
                    _node_label_zh(pl.col("parent")),
                ).alias("path_zh"),
                pl.format(
                    "{} is {} of {}" if downwards else "{} has {} {}",
                    "path_en",
                    "kind",
                    _node_label_en(pl.col("parent")),
                ).alias("path_en"),
            )
            .join(seen, on=["start", "node"], how="anti")
            .sort(["start", "node", "path_zh"])
            .unique(["start", "node"], keep="first", maintain_order=True)
        )
        if step.height == 0:
            break
        found.append(step)
        seen = pl.concat([seen, step.select("start", "node")])
        frontier = step
    return pl.concat(found)


def equity_related_pairs(
    relations: pl.DataFrame,
    pairs: pl.DataFrame,
    *,
    kinds: tuple[str, ...] = ("shareholder",),
    common_shareholder: bool = True,
    max_depth: int = 4,
    min_share_percent: float = 0.0,
) -> pl.DataFrame:
    """For each (``enterprise_id``, ``other_id``) pair: ``related`` and how (``via``, paths).

    ``via`` is ``holds`` (enterprise holds other), ``held_by``, ``common_shareholder`` or null.
    """
    pairs = pairs.select(pl.col("enterprise_id").cast(pl.Int64), pl.col("other_id").cast(pl.Int64))
    pairs = pairs.unique(maintain_order=True)
    edges = equity_edges(relations, kinds, min_share_percent)
    starts = pl.concat([pairs["enterprise_id"], pairs["other_id"]]).drop_nulls()
    anc = _ancestors(edges, starts, max_depth)
    up = anc.filter(pl.col("depth") > 0)

    held_by = pairs.join(
        up, left_on=["enterprise_id", "other_id"], right_on=["start", "node"]
    ).select(
        "enterprise_id",
        "other_id",
        pl.lit("held_by").alias("via"),
        "depth",
        "path_zh",
        "path_en",
    )
    holds = pairs.join(
        up, left_on=["other_id", "enterprise_id"], right_on=["start", "node"]
    ).select(
        "enterprise_id", "other_id", pl.lit("holds").alias("via"), "depth", "path_zh", "path_en"
    )
    candidates = [held_by, holds]
    if common_shareholder:
        common = (
            pairs.join(up, left_on="enterprise_id", right_on="start")
            .join(
                up.rename({"depth": "depth_b", "path_zh": "path_zh_b", "path_en": "path_en_b"}),
                left_on=["other_id", "node"],
                right_on=["start", "node"],
            )
            .select(
                "enterprise_id",
                "other_id",
                pl.lit("common_shareholder").alias("via"),
                (pl.col("depth") + pl.col("depth_b")).alias("depth"),
                pl.format("{}；{}", "path_zh", "path_zh_b").alias("path_zh"),
                pl.format("{}; {}", "path_en", "path_en_b").alias("path_en"),
            )
        )
        candidates.append(common)
    best = (
        pl.concat(candidates)
        .sort(["enterprise_id", "other_id", "depth", "path_zh"])
        .unique(["enterprise_id", "other_id"], keep="first", maintain_order=True)
    )
    return (
        pairs.join(best, on=["enterprise_id", "other_id"], how="left")
        .with_columns(pl.col("via").is_not_null().alias("related"))
        .select("enterprise_id", "other_id", "related", "via", "path_zh", "path_en")
        .sort(["enterprise_id", "other_id"])
    )


def related_parties(
    relations: pl.DataFrame,
    enterprise_ids,
    *,
    max_depth: int = 3,
    person_kinds: tuple[str, ...] | None = None,
) -> pl.DataFrame:
    """Enterprises related to each of ``enterprise_ids`` (地—企—责任人—责任人关联企业).

    Two ways: through a responsible person (the enterprise's legal representative, actual
    controller, shareholders, directors… and the other enterprises that person holds a role in),
    and through shareholding up or down a chain of at most ``max_depth`` holdings.
    Columns: enterprise_id, related_id, via (person | shareholding), person_id, path_zh, path_en.
    The shortest path is kept per pair.
    """
    relations = conform("relations", relations)
    ids = pl.Series("enterprise_id", list(enterprise_ids), dtype=pl.Int64).unique().sort()
    person_rel = relations.filter(pl.col("party_person_id").is_not_null())
    if person_kinds is not None:
        person_rel = person_rel.filter(pl.col("kind").is_in(list(person_kinds)))
    person_rel = person_rel.select(
        "subject_id", pl.col("party_person_id").alias("person_id"), "kind"
    )
    first = person_rel.filter(pl.col("subject_id").is_in(ids.implode()))
    via_person = (
        first.join(person_rel, on="person_id", suffix="_other")
        .filter(pl.col("subject_id") != pl.col("subject_id_other"))
        .select(
            pl.col("subject_id").alias("enterprise_id"),
            pl.col("subject_id_other").alias("related_id"),
            pl.lit("person").alias("via"),
            "person_id",
            pl.lit(2, pl.Int32).alias("depth"),
            pl.format(
                "企业{} —{}— 个人{} —{}— 企业{}",
                "subject_id",
                pl.col("kind").replace_strict(KIND_ZH),
                "person_id",
                pl.col("kind_other").replace_strict(KIND_ZH),
                "subject_id_other",
            ).alias("path_zh"),
            pl.format(
                "enterprise {} — {} — person {} — {} — enterprise {}",
                "subject_id",
                "kind",
                "person_id",
                "kind_other",
                "subject_id_other",
            ).alias("path_en"),
        )
    )
    # Shareholding between enterprises, both directions (persons are handled above).
    edges = equity_edges(relations, ("shareholder", "actual_controller")).filter(
        pl.col("parent") >= 0
    )
    up = _ancestors(edges, ids, max_depth).filter(pl.col("depth") > 0)
    reversed_edges = edges.select(
        pl.col("parent").alias("child"), pl.col("child").alias("parent"), "kind"
    )
    down = _ancestors(reversed_edges, ids, max_depth, downwards=True).filter(pl.col("depth") > 0)
    by_shares = pl.concat([up, down]).select(
        pl.col("start").alias("enterprise_id"),
        pl.col("node").alias("related_id"),
        pl.lit("shareholding").alias("via"),
        pl.lit(None, pl.Int64).alias("person_id"),
        "depth",
        "path_zh",
        "path_en",
    )
    return (
        pl.concat([by_shares, via_person])
        .filter(pl.col("enterprise_id") != pl.col("related_id"))
        .sort(["enterprise_id", "related_id", "depth", "path_zh"])
        .unique(["enterprise_id", "related_id"], keep="first", maintain_order=True)
        .drop("depth")
    )


def _percent_text(share: pl.Expr) -> pl.Expr:
    """60.0 → "60", 50.5 → "50.5" (a share as officers write it)."""
    return (
        pl.when(share == share.round(0))
        .then(share.round(0).cast(pl.Int64).cast(pl.Utf8))
        .otherwise(share.round(1).cast(pl.Utf8))
    )


def related_parties_by_rule(relations: pl.DataFrame, enterprise_ids, rule) -> pl.DataFrame:
    """Related parties (关联方) of each of ``enterprise_ids`` as ``rule`` (a policy's
    ``RelatedPartyRule``) reads the term.

    Three ways, the shortest kept per pair:
    - a key person: a person in one of ``rule.holder_roles`` of the holder (a shareholder from
      ``rule.holder_share_percent``; a share not recorded counts) who controls the other
      enterprise (one of ``rule.party_roles`` there; a shareholding from
      ``rule.control_share_percent``; a shareholding without a recorded share does not control);
    - a chain of controlling holdings between enterprises, up or down, at most
      ``rule.shareholding_depth`` links;
    - a sister: held by the same controlling enterprise as the holder (within the same depth).

    Columns: enterprise_id, related_id, via (person | shareholding | common_parent), person_id,
    holder_role, party_role (person way), path_zh (``企业<id>``/``个人<id>`` placeholders; the
    caller names them). Pure Polars; one pass over the relations.
    """
    relations = conform("relations", relations)
    ids = pl.Series("enterprise_id", list(enterprise_ids), dtype=pl.Int64).unique().sort()
    share = rule.control_share_percent
    controls = pl.col("kind").is_in(list(rule.party_roles)) & (
        (pl.col("kind") != "shareholder")
        | (pl.col("share_percent").is_not_null() & (pl.col("share_percent") >= share))
    )
    persons = relations.filter(pl.col("party_person_id").is_not_null())

    def role_text(share_column: str) -> pl.Expr:
        # 股东 with its share (股东 60%), other roles by name
        return (
            pl.when((pl.col("kind") == "shareholder") & pl.col(share_column).is_not_null())
            .then(pl.format("股东 {}%", _percent_text(pl.col(share_column))))
            .otherwise(pl.col("kind").replace_strict(KIND_ZH))
        )

    principal = (pl.col("kind") != "shareholder") | (
        pl.col("share_percent").is_null() | (pl.col("share_percent") >= rule.holder_share_percent)
    )
    key_persons = persons.filter(
        pl.col("kind").is_in(list(rule.holder_roles))
        & principal
        & pl.col("subject_id").is_in(ids.implode())
    ).select(
        pl.col("subject_id").alias("enterprise_id"),
        pl.col("party_person_id").alias("person_id"),
        pl.col("kind").alias("holder_role"),
        role_text("share_percent").alias("holder_role_zh"),
    )
    controlled = persons.filter(controls).select(
        pl.col("subject_id").alias("related_id"),
        pl.col("party_person_id").alias("person_id"),
        pl.col("kind").alias("party_role"),
        role_text("share_percent").alias("party_role_zh"),
    )
    via_person = (
        key_persons.join(controlled, on="person_id")
        .filter(pl.col("enterprise_id") != pl.col("related_id"))
        .select(
            "enterprise_id",
            "related_id",
            pl.lit("person").alias("via"),
            "person_id",
            "holder_role",
            "party_role",
            pl.lit(2, pl.Int32).alias("depth"),
            pl.format(
                "企业{} —{}— 个人{} —{}— 企业{}",
                "enterprise_id",
                "holder_role_zh",
                "person_id",
                "party_role_zh",
                "related_id",
            ).alias("path_zh"),
        )
    )
    parts = [via_person]
    if rule.shareholding_depth > 0:
        holdings = relations.filter(pl.col("party_enterprise_id").is_not_null() & controls)
        edges = (
            holdings.select(
                pl.col("subject_id").alias("child"),
                pl.col("party_enterprise_id").alias("parent"),
                "kind",
            )
            .filter(pl.col("child") != pl.col("parent"))
            .unique(["child", "parent"], keep="first", maintain_order=True)
        )
        reversed_edges = edges.select(
            pl.col("parent").alias("child"), pl.col("child").alias("parent"), "kind"
        )
        depth = rule.shareholding_depth
        up = _ancestors(edges, ids, depth).filter(pl.col("depth") > 0)
        down = _ancestors(reversed_edges, ids, depth, downwards=True).filter(pl.col("depth") > 0)
        chains = pl.concat([up, down]).select(
            pl.col("start").alias("enterprise_id"),
            pl.col("node").alias("related_id"),
            pl.lit("shareholding").alias("via"),
            "depth",
            "path_zh",
        )
        parts.append(chains)
        if up.height:
            below = _ancestors(reversed_edges, up["node"], depth, downwards=True).filter(
                pl.col("depth") > 0
            )
            sisters = up.join(below, left_on="node", right_on="start", suffix="_down").select(
                pl.col("start").alias("enterprise_id"),
                pl.col("node_down").alias("related_id"),
                pl.lit("common_parent").alias("via"),
                (pl.col("depth") + pl.col("depth_down")).alias("depth"),
                pl.format("{}；{}", "path_zh", "path_zh_down").alias("path_zh"),
            )
            parts.append(sisters.filter(pl.col("depth") <= depth))
    return (
        pl.concat(parts, how="diagonal_relaxed")
        .filter(pl.col("enterprise_id") != pl.col("related_id"))
        .sort(["enterprise_id", "related_id", "depth", "path_zh"])
        .unique(["enterprise_id", "related_id"], keep="first", maintain_order=True)
        .select(
            "enterprise_id",
            "related_id",
            "via",
            pl.col("person_id").cast(pl.Int64),
            pl.col("holder_role").cast(pl.Utf8),
            pl.col("party_role").cast(pl.Utf8),
            "path_zh",
        )
    )
