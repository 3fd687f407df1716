"""The upload fields of the evaluation forms read their accepted types and the one size limit
from core.uploads (no list or number of their own)."""

from landcycle.evaluation.forms.objections import ObjectionForm
from landcycle.evaluation.forms.review import DecisionForm
from landcycle.lifecycle.forms.documents import DocumentForm, ReplaceForm


def test_help_texts_and_accept_follow_the_one_table_and_limit(settings):
    settings.LANDCYCLE_UPLOAD_MAX_MB = 7
    evidence = DecisionForm(classes=[("A", "A")]).fields["evidence"]
    assert "OFD" in evidence.help_text and evidence.help_text.endswith("单个不超过 7 MB")
    assert ".ofd" in evidence.widget.attrs["accept"]
    for field in (
        ObjectionForm().fields["attachment"],
        DocumentForm().fields["file"],
        ReplaceForm().fields["file"],
    ):
        assert field.help_text.endswith("单个不超过 7 MB") and "OFD" not in field.help_text
        assert ".pdf" in field.widget.attrs["accept"] and ".ofd" not in field.widget.attrs["accept"]
    settings.LANDCYCLE_UPLOAD_MAX_MB = 12.5
    assert ObjectionForm().fields["attachment"].help_text.endswith("单个不超过 12.5 MB")
