import datetime as dt

import polars as pl
import pytest
from django.db import connection

from landcycle.core.bulk import bulk_insert_frame, bulk_insert_frames, bulk_session
from landcycle.core.changelog import record_bulk_frame
from landcycle.core.context import changes_by
from landcycle.core.models import ChangeRecord
from landcycle.ledger.models import Enterprise, Parcel
from tests.factories import EnterpriseFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db

AWKWARD = ["", "\\N", 'a"b,c', "第一行\n第二行", "普通"]


def test_frame_insert_keeps_every_value_as_given():
    street = JurisdictionFactory()
    frame = pl.DataFrame(
        {
            "code": [f"P{i}" for i in range(5)],
            "name": AWKWARD,
            "jurisdiction_id": [street.pk] * 5,
            "registered_area_m2": [0.1 + 0.2, 1e20, 1234.5678901234, 0.0, 7.0],
            "agreed_start": [dt.date(2020, 1, 1 + i) if i else None for i in range(5)],
            "in_control_line": [True, False, None, True, False],
            "extra": ['{"备注":"中文"}', "{}", "{}", '{"n":1.5}', "{}"],  # JSON text as is
        }
    )
    assert bulk_insert_frame(Parcel, frame) == 5
    parcels = list(Parcel.objects.order_by("code"))
    assert [p.name for p in parcels] == AWKWARD  # '' stays '' and \N stays text
    assert [p.registered_area_m2 for p in parcels] == frame["registered_area_m2"].to_list()
    assert parcels[0].agreed_start is None and parcels[3].agreed_start == dt.date(2020, 1, 4)
    assert [p.in_control_line for p in parcels] == [True, False, None, True, False]
    assert parcels[0].extra == {"备注": "中文"} and parcels[3].extra == {"n": 1.5}
    assert parcels[1].supply_method == ""  # a field not named gets its default


def test_frame_insert_encodes_json_values_and_fills_json_defaults():
    frame = pl.DataFrame(
        {
            "uscc": ["91110000600037341L", "91110000600037342J"],
            "name": ["甲", "乙"],
            "tags": [["上市公司", 'say "hi"'], []],
        }
    )
    bulk_insert_frame(Enterprise, frame)
    first, second = Enterprise.objects.order_by("uscc")
    assert first.tags == ["上市公司", 'say "hi"'] and second.tags == []
    assert first.extra == {} and second.extra == {}


def test_frame_insert_of_nothing_writes_nothing():
    assert bulk_insert_frame(Enterprise, pl.DataFrame({"uscc": [], "name": []})) == 0
    assert not Enterprise.objects.exists()


def test_record_bulk_frame_says_who_when_and_what(django_user_model):
    user = django_user_model.objects.create(username="officer")
    enterprise = EnterpriseFactory()
    before = ChangeRecord.objects.count()
    with changes_by(user_id=user.pk, source="import a.xlsx"):
        record_bulk_frame(
            Enterprise,
            pl.DataFrame(
                {
                    "object_id": [enterprise.pk] * 3,
                    "object_repr": ["甲", "甲", "x" * 300],
                    "before": [None, '{"name":"甲"}', '{"name":"乙"}'],
                    "after": ['{"name":"甲","tags":[]}', '{"name":"乙"}', None],
                },
                schema={
                    "object_id": pl.Int64,
                    "object_repr": pl.Utf8,
                    "before": pl.Utf8,
                    "after": pl.Utf8,
                },
            ),
        )
    records = list(ChangeRecord.objects.order_by("id")[before:])
    assert [r.action for r in records] == ["create", "update", "delete"]
    assert records[0].after == {"name": "甲", "tags": []} and records[0].before is None
    assert records[2].before == {"name": "乙"} and records[2].after is None
    assert all(r.user_id == user.pk and r.source == "import a.xlsx" for r in records)
    assert all(r.content_type.model == "enterprise" for r in records)
    assert len(records[2].object_repr) == 200
    assert abs((records[0].time - dt.datetime.now(dt.UTC)).total_seconds()) < 60


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite connection settings")
def test_bulk_session_restores_the_connection_settings():
    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    was = cache_size()
    with bulk_session(cache_mb=64):
        assert cache_size() == -64 * 1024
    assert cache_size() == was
    with pytest.raises(RuntimeError), bulk_session(cache_mb=32):
        raise RuntimeError
    assert cache_size() == was


@pytest.mark.parametrize("constant", ["O'Neil 100%", "%s", "普通", ""])
def test_a_value_shared_by_every_row_is_stored_as_given(constant):
    street = JurisdictionFactory()
    frame = pl.DataFrame(
        {
            "code": ["P1", "P2", "P3"],
            "name": [constant] * 3,
            "jurisdiction_id": [street.pk] * 3,
            "registered_area_m2": [2.5] * 3,
            "far": [1.2, 1.2, None],
            "in_control_line": [True] * 3,
            "agreed_start": [dt.date(2021, 5, 6)] * 3,
            "term_end": pl.Series([None] * 3, dtype=pl.Date),
        }
    )
    bulk_insert_frame(Parcel, frame)
    assert not Parcel.objects.filter(term_end__isnull=False).exists()
    stored = list(
        Parcel.objects.order_by("code").values_list(
            "name",
            "jurisdiction_id",
            "registered_area_m2",
            "far",
            "in_control_line",
            "agreed_start",
        )
    )
    assert stored == [
        (constant, street.pk, 2.5, 1.2, True, dt.date(2021, 5, 6)),
        (constant, street.pk, 2.5, 1.2, True, dt.date(2021, 5, 6)),
        (constant, street.pk, 2.5, None, True, dt.date(2021, 5, 6)),
    ]


def test_frames_in_chunks_are_one_write():
    street = JurisdictionFactory()

    def chunk(start, n):
        return pl.DataFrame(
            {
                "code": [f"C{i:03d}" for i in range(start, start + n)],
                "name": ["同名"] * n,  # one value per chunk: a literal on SQLite
                "jurisdiction_id": [street.pk] * n,
                "registered_area_m2": [float(i + 1) for i in range(start, start + n)],
            }
        )

    made = []

    def chunks():  # a generator: each chunk is made while the one before is written
        for start, n in ((0, 3), (3, 0), (3, 4)):
            made.append(start)
            yield chunk(start, n)

    assert bulk_insert_frames(Parcel, chunks()) == 7
    assert made == [0, 3, 3]
    rows = list(Parcel.objects.order_by("code").values_list("code", "registered_area_m2"))
    assert rows == [(f"C{i:03d}", float(i + 1)) for i in range(7)]
    assert bulk_insert_frames(Parcel, iter(())) == 0
