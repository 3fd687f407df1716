"""Factories for users with roles, evaluation runs and results (web tests)."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from landcycle.web.models import Profile, Role

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    role = Role.EVALUATION_OFFICER


def user_with_role(username, role, jurisdiction=None, enterprise=None):
    user = UserFactory(username=username)
    ProfileFactory(user=user, role=role, jurisdiction=jurisdiction, enterprise=enterprise)
    return user


class EvaluationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.EvaluationRun"

    year = 2024
    policy_name = "beijing-etown-2023"
    policy_version = "1"
    policy_hash = "0" * 64
    inputs_fingerprint = "0" * 64
    status = "final"
    created_at = factory.LazyFunction(timezone.now)


class EvaluationResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.EvaluationResult"

    run = factory.SubFactory(EvaluationRunFactory)
    parcel = None
    parcel_code = factory.LazyAttribute(lambda o: o.parcel.code)
    holder = factory.LazyAttribute(lambda o: o.parcel.holder)
    klass = "B"
    reasons_zh = "产值或税收未达A类标准"
