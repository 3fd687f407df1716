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
        f"holder_roles = {list(RelatedPartyRule().holder_roles)!r}\n"
        "holder_share_percent = 20\n".replace("'", '"')
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


# ---- every policy states the rule (issue 12 point 5): no Python default decides it


def test_every_shipped_policy_states_the_rule_in_its_file():
    import tomllib

    from landcycle.evaluation.engine import list_policies, load_policy
    from landcycle.evaluation.engine.schema import RELATED_PARTY_KEYS, SEED_RELATED_PARTIES

    shipped = [p for p in list_policies() if p.shipped]
    assert len(shipped) >= 8
    for info in shipped:
        raw = tomllib.loads(info.path.read_text(encoding="utf-8"))
        stated = raw["consequences"]["related_parties"]
        assert set(stated) == set(RELATED_PARTY_KEYS), info.name
        policy = load_policy(info.name)
        assert policy.filled_keys == ()
        # The seed's values, as the engine used before: lists stay what they were.
        assert policy.consequences.related_parties == SEED_RELATED_PARTIES, info.name
    assert SEED_RELATED_PARTIES.holder_share_percent == 20.0
    assert SEED_RELATED_PARTIES.control_share_percent == 50.0
    assert SEED_RELATED_PARTIES.shareholding_depth == 3


def _without_rule(name: str, keep: tuple[str, ...] = ()) -> str:
    """The shipped policy's text with its related-party rule (but ``keep``) taken out."""
    from landcycle.evaluation.engine import load_policy

    lines = load_policy(name).source.splitlines()
    start = lines.index("[consequences.related_parties]")
    end = start + 1
    while end < len(lines) and lines[end] and not lines[end].startswith("["):
        end += 1
    kept = [line for line in lines[start + 1 : end] if line.split(" ")[0] in keep]
    return "\n".join([*lines[:start], *([lines[start], *kept] if kept else []), *lines[end:]])


@pytest.mark.parametrize(
    "name, keep, key",
    [
        ("zhejiang-mujun", (), "consequences.related_parties.holder_roles"),
        (
            "beijing-etown-2023",
            ("holder_roles", "holder_share_percent", "party_roles", "control_share_percent"),
            "consequences.related_parties.shareholding_depth",
        ),
        ("yuzhou-baiyuan-2021", ("party_roles",), "consequences.related_parties.holder_roles"),
    ],
)
def test_a_file_without_the_rule_is_refused_naming_file_and_key(tmp_path, name, keep, key):
    from landcycle.evaluation.engine import load_policy_file

    path = tmp_path / "mine.toml"
    path.write_text(_without_rule(name, keep), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy_file(path)
    error = caught.value
    assert error.key == key and error.path == str(path)
    assert "缺少关联方认定规则" in str(error) and str(path) in str(error) and key in str(error)
    assert error.line is not None  # the [consequences…] line it belongs to


def test_an_adopted_policy_without_the_rule_reads_with_the_seed_values(tmp_path):
    from landcycle.evaluation.engine import load_policy, load_policy_file
    from landcycle.evaluation.engine.schema import SEED_RELATED_PARTIES

    path = tmp_path / "mine.toml"
    path.write_text(_without_rule("zhejiang-mujun"), encoding="utf-8")
    asked = []

    def in_use():
        asked.append(1)
        return {"zhejiang-mujun"}

    policy = load_policy_file(path, legacy_names=in_use)
    assert policy.consequences.related_parties == SEED_RELATED_PARTIES
    assert policy.filled_keys == (
        "holder_roles",
        "holder_share_percent",
        "party_roles",
        "control_share_percent",
        "shareholding_depth",
    )
    assert asked == [1]
    # A policy not in use is still refused, even with the names given.
    with pytest.raises(PolicyError, match="related_parties"):
        load_policy_file(path, legacy_names=lambda: {"other"})
    # Compliant files never ask the database.
    load_policy("beijing-etown-2023", legacy_names=lambda: pytest.fail("asked"))
    # Another error in a legacy file is still an error.
    path.write_text(_without_rule("zhejiang-mujun").replace('version = "', 'versio = "'), "utf-8")
    with pytest.raises(PolicyError, match="versio"):
        load_policy_file(path, legacy_names=in_use)
