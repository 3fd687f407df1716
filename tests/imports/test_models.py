"""What an import batch says about itself, as the import page shows it."""

import pytest

from landcycle.imports.models import ImportBatch


@pytest.mark.django_db
def test_counts_read_in_chinese_in_the_interchange_order():
    batch = ImportBatch.objects.create(
        files=["district.xlsx"],
        counts={
            "geometry": {"created": 0, "updated": 2, "unchanged": 0},
            "parcels": {"created": 1200, "updated": 3, "unchanged": 0},
            "enterprises": {"created": 2, "updated": 0, "unchanged": 5},
        },
    )
    assert batch.counts_in_words() == [
        ("企业", "新增 2，更新 0，未变 5"),
        ("宗地", "新增 1,200，更新 3，未变 0"),
        ("宗地图形", "新增 0，更新 2，未变 0"),
    ]
