"""Equity relations and related parties, with their paths."""

import polars as pl

from landcycle.evaluation.engine import equity_related_pairs, related_parties


def relations(*rows):
    return pl.DataFrame(
        [
            {"subject_id": s, "kind": k, "party_enterprise_id": e, "party_person_id": p,
             "share_percent": sh}  # fmt: skip
            for s, k, e, p, sh in rows
        ],
        schema={"subject_id": pl.Int64, "kind": pl.String, "party_enterprise_id": pl.Int64,
                "party_person_id": pl.Int64, "share_percent": pl.Float64},
    )  # fmt: skip


def pairs(*items):
    return pl.DataFrame(items, schema=["enterprise_id", "other_id"], orient="row")


REL = relations(
    (2, "shareholder", 1, None, 60.0),  # 1 holds 2
    (3, "shareholder", 2, None, 30.0),  # 2 holds 3
    (4, "shareholder", None, 9, 10.0),  # person 9 holds 4
    (5, "shareholder", None, 9, 2.0),  # person 9 holds 5 (2 %)
    (6, "legal_representative", None, 9, None),  # person 9 represents 6
    (7, "director", None, 8, None),
)


def test_direct_indirect_and_common_shareholders():
    out = equity_related_pairs(REL, pairs((1, 3), (3, 1), (4, 5), (1, 6), (6, 4)))
    got = {(r["enterprise_id"], r["other_id"]): r for r in out.iter_rows(named=True)}
    assert got[(1, 3)]["via"] == "holds"
    assert got[(1, 3)]["path_zh"] == "企业3 ←股东— 企业2 ←股东— 企业1"
    assert got[(3, 1)]["via"] == "held_by"
    assert got[(4, 5)]["via"] == "common_shareholder"
    assert "个人9" in got[(4, 5)]["path_zh"]
    # A legal representative is not an equity relation.
    assert not got[(1, 6)]["related"] and not got[(6, 4)]["related"]


def test_options_common_shareholder_min_share_and_depth():
    assert not equity_related_pairs(REL, pairs((4, 5)), common_shareholder=False)["related"][0]
    assert not equity_related_pairs(REL, pairs((4, 5)), min_share_percent=5)["related"][0]
    assert not equity_related_pairs(REL, pairs((1, 3)), max_depth=1)["related"][0]


def test_related_parties_through_persons_and_shareholding():
    out = related_parties(REL, [4, 2])
    got = {(r["enterprise_id"], r["related_id"]): r for r in out.iter_rows(named=True)}
    assert got[(4, 6)]["via"] == "person"
    assert got[(4, 6)]["path_zh"] == "企业4 —股东— 个人9 —法定代表人— 企业6"
    assert got[(4, 5)]["person_id"] == 9
    assert got[(2, 1)]["via"] == "shareholding"
    assert got[(2, 3)]["path_zh"] == "企业2 —股东→ 企业3"
    assert (4, 7) not in got
    assert out["enterprise_id"].to_list() == sorted(out["enterprise_id"].to_list())
