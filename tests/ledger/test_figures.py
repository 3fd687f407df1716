"""The yearly figures of an indicator report are declared once (``IndicatorReport.FIGURES``) and
read from there by the evaluation's loading and the agreements' check."""

from django.db import models

from landcycle.ledger.models import IndicatorReport
from landcycle.lifecycle.services.agreements import CHECKED_FIGURES


def test_the_declaration_is_every_figure_of_the_model():
    numeric = [
        f.name
        for f in IndicatorReport._meta.get_fields()
        if isinstance(f, models.FloatField | models.PositiveIntegerField)
    ]
    assert sorted(IndicatorReport.FIGURES) == sorted(numeric)


def test_the_agreements_check_reads_declared_figures():
    assert set(CHECKED_FIGURES.values()) <= set(IndicatorReport.FIGURES)
    assert list(CHECKED_FIGURES)[-1] == "investment"  # summed over the years: read last
