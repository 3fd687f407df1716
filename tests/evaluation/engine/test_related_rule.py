"""Related parties (关联方) as a policy's rule reads the term: control, not any shared person."""

import pytest

from landcycle.evaluation.engine import PolicyError
from landcycle.evaluation.engine.graph import related_parties_by_rule
from landcycle.evaluation.engine.loader import load_policy_text
from landcycle.evaluation.engine.schema import RelatedPartyRule
from tests.evaluation.engine.test_graph import relations

# Holder 1. Person 9 is its legal representative; person 8 its supervisor.
REL = relations(
    (1, "legal_representative", None, 9, None),
    (1, "supervisor", None, 8, None),
    (2, "actual_controller", None, 9, None),  # 9 controls 2: related
    (3, "shareholder", None, 9, 60.0),  # 9 holds 60 % of 3: related
    (4, "shareholder", None, 9, 20.0),  # 9 holds 20 % of 4: not control
    (5, "supervisor", None, 8, None),  # 8 supervises 5 too: a shared person only
    (6, "shareholder", None, 9, None),  # 9 holds 6, share unknown: not counted as control
    (1, "shareholder", 10, None, 80.0),  # enterprise 10 controls 1
    (11, "shareholder", 10, None, 51.0),  # and 11: a sister of 1
    (12, "shareholder", 1, None, 40.0),  # 1 holds 40 % of 12: not control
    (13, "shareholder", 1, None, 100.0),  # 1 owns 13
)


def found(rule):
    out = related_parties_by_rule(REL, [1], rule)
    return {r["related_id"]: r for r in out.iter_rows(named=True)}


def test_the_default_reading_takes_controlled_enterprises_only():
    got = found(RelatedPartyRule())
    assert set(got) == {2, 3, 10, 11, 13}
    assert got[2]["via"] == "person" and got[2]["holder_role"] == "legal_representative"
    assert got[2]["path_zh"] == "企业1 —法定代表人— 个人9 —实际控制人— 企业2"
    assert got[10]["via"] == "shareholding" and got[13]["via"] == "shareholding"
    assert got[11]["via"] == "common_parent"
    assert got[11]["path_zh"] == "企业1 ←股东— 企业10；企业10 —股东→ 企业11"


def test_the_rule_is_configurable():
    # Every shared person relates (the reading that listed 96 % of the demo's enterprises).
    loose = RelatedPartyRule(
        party_roles=("legal_representative", "actual_controller", "shareholder", "director",
                     "supervisor", "executive"),
        control_share_percent=0.0,
        shareholding_depth=0,
    )  # fmt: skip
    assert set(found(loose)) == {2, 3, 4, 5}  # a null share never counts as control
    assert set(found(RelatedPartyRule(control_share_percent=15.0, shareholding_depth=0))) == {
        2,
        3,
        4,
    }
    assert set(found(RelatedPartyRule(holder_roles=("director",)))) == {10, 11, 13}


def _policy(extra):
    from landcycle.evaluation.engine import load_policy

    source = load_policy("beijing-etown-2023").source
    start = source.index("[consequences.related_parties]")
    end = source.index("[[consequences.lists]]")
    return load_policy_text(source[:start] + extra + "\n" + source[end:], path="test.toml")


def test_the_policy_file_declares_the_rule():
    policy = _policy(
        '[consequences.related_parties]\nparty_roles = ["actual_controller"]\n'
        "control_share_percent = 66.7\nshareholding_depth = 1\n"
    )
    rule = policy.consequences.related_parties
    assert rule.party_roles == ("actual_controller",) and rule.control_share_percent == 66.7
    assert rule.shareholding_depth == 1 and rule.holder_roles == RelatedPartyRule().holder_roles
    assert policy.review.second_officer is True  # the default


@pytest.mark.parametrize(
    "extra, key",
    [
        ('[consequences.related_parties]\nparty_roles = ["friend"]', "party_roles"),
        ("[consequences.related_parties]\ncontrol_share_percent = 120", "control_share_percent"),
        ("[consequences.related_parties]\nshareholding_depth = -1", "shareholding_depth"),
        ("[consequences.related_parties]\nby_marriage = true", "by_marriage"),
    ],
)
def test_a_wrong_rule_is_refused_with_its_key(extra, key):
    with pytest.raises(PolicyError, match=key):
        _policy(extra)


def test_a_minority_shareholder_of_the_holder_is_no_key_person():
    rel = relations(
        (1, "shareholder", None, 7, 10.0),  # 7 holds 10 % of holder 1
        (1, "shareholder", None, 6, 25.0),  # 6 holds 25 %: a principal investor
        (20, "shareholder", None, 7, 90.0),  # 7 controls 20
        (21, "shareholder", None, 6, 70.0),  # 6 controls 21
        (22, "shareholder", None, 6, 50.5),
    )
    out = related_parties_by_rule(rel, [1], RelatedPartyRule())
    assert out["related_id"].to_list() == [21, 22]
    assert out["path_zh"][0] == "企业1 —股东 25%— 个人6 —股东 70%— 企业21"
    wider = related_parties_by_rule(rel, [1], RelatedPartyRule(holder_share_percent=5))
    assert out["path_zh"][1].endswith("—股东 50.5%— 企业22")
    assert wider["related_id"].to_list() == [20, 21, 22]
