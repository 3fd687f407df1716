"""The web's CSV and xlsx exports (parcels, enterprises, a run's results) write names as text.

Role: the evaluation officer, who may export. Before the fix the xlsx exports held live
formulas and the CSV exports held ``=…`` as typed.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from landcycle.evaluation.models import EvaluationResult
from landcycle.ledger import models as ledger
from tests.web.conftest import client_for

HOSTILE = ['=HYPERLINK("http://x","点此")', "=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1"]


@pytest.fixture
def hostile(world):
    names = ['=HYPERLINK("http://x","点此")', "=1+1", "+1", "@SUM(A1)"]
    for enterprise, name in zip(ledger.Enterprise.objects.order_by("pk"), names, strict=True):
        ledger.Enterprise.objects.filter(pk=enterprise.pk).update(name=name)  # 4 enterprises
    for parcel, code in ((world.parcel_a, "-1"), (world.parcel_a1, "\t=1+1")):
        ledger.Parcel.objects.filter(pk=parcel.pk).update(code=code)
        EvaluationResult.objects.filter(parcel=parcel).update(parcel_code=code)
    return world


def _urls(world):
    for fmt in ("csv", "xlsx"):
        yield fmt, reverse("ledger:parcel_export", args=[fmt])
        yield fmt, reverse("ledger:enterprise_export", args=[fmt])
        yield fmt, reverse("evaluation:run_export", args=[world.run_final.pk, fmt])


def test_every_web_export_keeps_names_as_text(hostile):
    client = client_for(hostile.users["evaluation_officer"])
    seen = set()
    for fmt, url in _urls(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        if fmt == "csv":
            text = response.content.decode("utf-8-sig")
            cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
            assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], url
            seen |= {c[1:] for c in cells if c.startswith("'")}
        else:
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
            assert not [c.value for c in cells if c.data_type == "f"], url
            assert not [c for c in cells if c.hyperlink], url
            seen |= {c.value for c in cells if c.data_type == "s"}
    assert set(HOSTILE) <= seen  # every name was exported, as text
