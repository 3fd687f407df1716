"""Policies already in use still load once the related-party rule is required (issue 12 p. 5):
texts stored with runs and adopted policy files that predate the rule read with seed 000's
values, what the engine used when they were made; any other file without the rule is refused."""

import hashlib

import pytest
from django.utils import timezone

from landcycle.evaluation import services, texts
from landcycle.evaluation.engine.schema import RELATED_PARTY_KEYS, SEED_RELATED_PARTIES
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, PolicyAdoption
from landcycle.evaluation.policies import EvaluationError, get_policy
from landcycle.ledger.models import Jurisdiction
from tests.evaluation.conftest import YEAR
from tests.evaluation.engine.test_related_rule import _without_rule

pytestmark = pytest.mark.django_db


def test_a_run_stored_before_the_rule_reads_as_made(etown):
    run = services.run_evaluation(YEAR)
    before = {r.parcel_code: r.reasons_zh for r in EvaluationResult.objects.filter(run=run)}
    assert any(before.values())
    old_text = _without_rule("beijing-etown-2023")
    assert "[consequences.related_parties]" not in old_text
    EvaluationRun.objects.filter(pk=run.pk).update(
        policy_source=old_text, policy_hash=hashlib.sha256(old_text.encode()).hexdigest()
    )
    texts.forget()
    (policy,) = texts.run_policies([run.pk]).values()
    assert policy is not None and policy.filled_keys == RELATED_PARTY_KEYS
    assert policy.consequences.related_parties == SEED_RELATED_PARTIES
    after = {r.parcel_code: r.reasons_zh for r in EvaluationResult.objects.filter(run=run)}
    assert after == before


def _user_policy(tmp_path, settings, name="my-mujun"):
    text = _without_rule("zhejiang-mujun").replace('name = "zhejiang-mujun"', f'name = "{name}"', 1)
    assert f'name = "{name}"' in text
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    settings.LANDCYCLE_POLICY_DIRS = [tmp_path]
    return path


def test_a_user_policy_without_the_rule_is_refused_naming_file_and_key(tmp_path, settings):
    path = _user_policy(tmp_path, settings)
    with pytest.raises(EvaluationError) as caught:
        get_policy("my-mujun")
    message = str(caught.value)
    assert str(path) in message
    assert "consequences.related_parties.holder_roles" in message
    assert "缺少关联方认定规则" in message


def test_an_adopted_user_policy_without_the_rule_still_loads(tmp_path, settings):
    _user_policy(tmp_path, settings)
    zone = Jurisdiction.objects.create(name="北仑区", kind=Jurisdiction.Kind.DISTRICT)
    PolicyAdoption.objects.create(
        zone=zone, year=YEAR, policy_name="my-mujun", reason="采用", adopted_at=timezone.now()
    )
    policy = get_policy("my-mujun")
    assert policy.filled_keys == RELATED_PARTY_KEYS
    assert policy.consequences.related_parties == SEED_RELATED_PARTIES
    assert policy.consequences.related_parties.holder_share_percent == 20.0
    assert policy.consequences.related_parties.control_share_percent == 50.0
    assert policy.consequences.related_parties.shareholding_depth == 3
    # The other policies load beside it; the shipped ones state their rule.
    assert get_policy("beijing-etown-2023").filled_keys == ()
    assert {p.name for p in services.available_policies()} >= {"my-mujun", "zhejiang-mujun"}
