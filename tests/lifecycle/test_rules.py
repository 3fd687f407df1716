import pytest

from landcycle.lifecycle.rules import Period, RulesError, convert_quantity, load_rules, rules


def test_shipped_rules_have_units():
    assert rules().quantity("projects", "first_talk_min_investment", "10k_cny") == 10_000
    assert rules().period("admission", "initial_assessment") == Period(3, "working_days")
    assert rules().period("exit", "rectification_period") == Period(6, "months")
    assert convert_quantity(7_000, "万元/公顷", "万元/亩") == pytest.approx(466.6667, rel=1e-4)


def test_bad_rules_files_say_what_is_wrong(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[exit\n", encoding="utf-8")
    with pytest.raises(RulesError, match="broken.toml"):
        load_rules(broken)
    odd = tmp_path / "odd.toml"
    odd.write_text(
        '[exit]\ninterview_within = { value = 30, unit = "weeks" }\nx = 3\n', encoding="utf-8"
    )
    loaded = load_rules(odd)
    with pytest.raises(RulesError, match="unknown period unit"):
        loaded.period("exit", "interview_within")
    with pytest.raises(RulesError, match=r"\{value, unit\}"):
        loaded.period("exit", "x")
    with pytest.raises(RulesError, match="no \\[stockland\\]"):
        loaded.get("stockland", "idle_after")
    with pytest.raises(RulesError, match="cannot convert"):
        convert_quantity(1, "万元/公顷", "吨")
