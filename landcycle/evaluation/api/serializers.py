"""Serializers of the evaluation's API."""

from rest_framework import serializers

from ..models import EvaluationResult, EvaluationRun


class EvaluationRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationRun
        fields = [
            "id", "year", "policy_name", "policy_version", "policy_hash",
            "inputs_fingerprint", "status", "created_at", "parcel_count", "class_counts",
            "previous_run", "corrects", "notice_start", "notice_end", "published_at",
            "finalized_at",
        ]  # fmt: skip


class EvaluationResultSerializer(serializers.ModelSerializer):
    """One parcel's result. ``class`` is the class (A/B/C/D … or REVIEW), as in
    ``landcycle results``; ``klass`` is its deprecated alias, kept for release 0.2 only."""

    def get_fields(self):
        fields = super().get_fields()
        # "class" is a Python keyword: the field is added by name, in the place of the alias.
        renamed = {}
        for name, field in fields.items():
            if name == "klass":
                renamed["class"] = serializers.CharField(
                    source="klass", read_only=True, help_text="评价类别 class (A/B/C/D, REVIEW)"
                )
            renamed[name] = field
        return renamed

    klass = serializers.CharField(
        read_only=True, help_text="Deprecated: use `class` (已弃用，0.3 版删除)"
    )

    class Meta:
        model = EvaluationResult
        fields = [
            "id", "run", "parcel", "parcel_code", "holder", "klass", "score", "rule",
            "reasons_zh", "reasons_en", "gap_zh", "gap_en", "next_class", "previous_class",
            "rank_jurisdiction", "rank_industry", "industry", "indicators",
        ]  # fmt: skip
