"""Policy files: shipped ones load, user files override, invalid ones fail with line and reason."""

import shutil

import pytest

from landcycle.evaluation.engine import PolicyError, list_policies, load_policy, load_policy_file
from landcycle.evaluation.engine.loader import SHIPPED_DIR

SHIPPED = [
    "anhui-jingde-2022",
    "beijing-etown-2023",
    "jiangsu-huaian-2024",
    "mentougou-admission-2019",
    "mentougou-admission-2021",
    "yuzhou-baiyuan-2021",
    "zhejiang-linhai-2016",
    "zhejiang-mujun",
]


def test_shipped_policies_are_listed_and_valid():
    infos = list_policies()
    assert [i.name for i in infos] == SHIPPED
    assert [i.name for i in infos if i.default] == ["beijing-etown-2023"]
    for info in infos:
        policy = load_policy(info.name)
        assert policy.sources and policy.version and policy.effective
        assert len(policy.sha256) == 64


def test_default_is_etown_and_units_are_parsed():
    policy = load_policy()
    assert policy.name == "beijing-etown-2023"
    # 3 亿元/公顷 = 30,000 万元/公顷: every threshold keeps its unit.
    assert policy.thresholds["output"].to(policy.thresholds["tax"].unit) == pytest.approx(30_000)


def test_user_copy_overrides_shipped(tmp_path):
    text = (SHIPPED_DIR / "beijing-etown-2023.toml").read_text(encoding="utf-8")
    edited = text.replace(
        'tax = { value = 2000, unit = "万元/公顷" }', 'tax = { value = 150, unit = "万元/亩" }'
    )
    (tmp_path / "my-etown.toml").write_text(
        edited.replace('version = "1.0.0"', 'version = "1.0.0-local"'), encoding="utf-8"
    )
    policy = load_policy("beijing-etown-2023", extra_dirs=[tmp_path])
    assert policy.version == "1.0.0-local"
    assert policy.thresholds["tax"].unit_text == "万元/亩"
    infos = {i.name: i for i in list_policies(extra_dirs=[tmp_path])}
    assert not infos["beijing-etown-2023"].shipped


def test_unknown_policy_names_the_known_ones():
    with pytest.raises(PolicyError, match="no policy named 'nope'.*beijing-etown-2023"):
        load_policy("nope")


def write(tmp_path, text):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def etown_with(tmp_path, old, new):
    text = (SHIPPED_DIR / "beijing-etown-2023.toml").read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    line = text[: text.index(old)].count("\n") + 1
    return path, line


def test_syntax_error_gives_the_line(tmp_path):
    path, line = etown_with(tmp_path, 'version = "1.0.0"', 'version = "1.0.0')
    with pytest.raises(PolicyError) as err:
        load_policy_file(path)
    assert err.value.line == line
    assert "TOML syntax" in err.value.reason


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        (
            'unit = "万元/公顷" }\n\n[equity]',
            'unit = "万元/英亩" }\n\n[equity]',
            "thresholds.tax.unit",
            "unknown unit",
        ),
        (
            '{ metric = "holder_tax_10k_cny_per_ha", at_least = "tax" }',
            '{ metric = "holder_tax_per_ha", at_least = "tax" }',
            "rules[10].all[2].metric",
            "unknown metric",
        ),
        (
            '{ metric = "holder_tax_10k_cny_per_ha", at_least = "tax" }',
            '{ metric = "holder_tax_10k_cny_per_ha", at_least = { value = 2, unit = "亩" } }',
            "rules[10].all[2].at_least",
            "does not fit",
        ),
        (
            '{ metric = "holder_tax_10k_cny_per_ha", at_least = "tax" }',
            '{ metric = "holder_tax_10k_cny_per_ha", at_least = "taxes" }',
            "rules[10].all[2].at_least",
            "no threshold named",
        ),
        ('class = "C"', 'class = "E"', "rules[2].class", "unknown class"),
        ('next = "A-self-used"', 'next = "A-self-use"', "rules[13].next", "no rule with id"),
        ('kind = "rules"', 'kind = "rule"', "kind", 'must be "rules" or "composite"'),
        (
            'reason_zh = "城市更新园区已达到经济效益承诺"',
            'reasons_zh = "城市更新园区已达到经济效益承诺"',
            "rules[6].reasons_zh",
            "unknown key",
        ),
        (
            '{ violation = ["litigation", "abandoned_construction", "industrial_to_residential"] }',
            '{ violation = ["lawsuit"] }',
            "rules[0].any[0].violation",
            "unknown violation kind",
        ),
    ],
)
def test_schema_errors_give_key_path_line_and_reason(tmp_path, old, new, key, reason):
    path, line = etown_with(tmp_path, old, new)
    with pytest.raises(PolicyError) as err:
        load_policy_file(path)
    assert err.value.key == key
    assert reason in err.value.reason
    assert err.value.line == line
    assert str(path) in str(err.value) and f":{line}:" in str(err.value)


def test_composite_shares_must_add_up(tmp_path):
    text = (SHIPPED_DIR / "jiangsu-huaian-2024.toml").read_text(encoding="utf-8")
    path = write(
        tmp_path, text.replace('{ class = "D", share = 0.05 }', '{ class = "D", share = 0.10 }')
    )
    with pytest.raises(PolicyError, match="shares must add up to 1") as err:
        load_policy_file(path)
    assert err.value.key == "composite.classification.bands"
    assert err.value.line is not None


def test_missing_required_key(tmp_path):
    text = (SHIPPED_DIR / "zhejiang-mujun.toml").read_text(encoding="utf-8")
    path = write(tmp_path, text.replace("weight = 30\n", "", 1))
    with pytest.raises(PolicyError, match="required key is missing") as err:
        load_policy_file(path)
    assert err.value.key == "composite.groups[0].indicators[0].weight"
    assert err.value.line == text[: text.index('metric = "tax_10k_cny_per_mu"')].count("\n")


def test_invalid_user_file_is_not_silently_skipped(tmp_path):
    shutil.copy(SHIPPED_DIR / "zhejiang-mujun.toml", tmp_path / "ok.toml")
    write(tmp_path, 'name = "x"\n')
    with pytest.raises(PolicyError, match="bad.toml"):
        list_policies(extra_dirs=[tmp_path])


def test_every_metric_and_fact_is_documented():
    from pathlib import Path

    from landcycle.evaluation.engine.vocabulary import FACTS, METRICS

    doc = (Path(__file__).resolve().parents[3] / "docs" / "policies.md").read_text(encoding="utf-8")
    missing = [name for name in [*METRICS, *FACTS] if f"`{name}`" not in doc]
    assert not missing
