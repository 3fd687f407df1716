"""One declaration per fact: each interchange column names its model field once (issue 11.4)."""

import datetime as dt

import polars as pl
import pytest

from landcycle.core import units
from landcycle.imports import schema
from landcycle.imports.export import ledger_frames
from landcycle.imports.readers import ROW
from landcycle.imports.schema import SHEETS, Column, Kind
from landcycle.imports.services import run_import
from landcycle.imports.validation import SheetData
from landcycle.imports.writer import NATURAL_KEYS, frame_for
from landcycle.ledger import models as ledger

from .workbooks import district, uscc, write_xlsx

# Model fields no column writes: ids, the extra JSON (unknown columns) and what is derived.
NOT_INTERCHANGED = {"id", "extra", "computed_area_m2", "min_lon", "min_lat", "max_lon", "max_lat"}


@pytest.mark.parametrize("spec", SHEETS, ids=lambda s: s.key)
def test_every_declared_field_exists_and_every_field_is_declared(spec):
    model_fields = {f.attname for f in spec.model._meta.concrete_fields}
    declared = {a for column in spec.columns for a in column.attnames}
    assert declared <= model_fields, declared - model_fields
    # A jurisdiction's parent is placed by 所属区县 (imports.jurisdictions), its path derived;
    # its outline is in ledger.JurisdictionBoundary (exported from boundary__wkt).
    derived = NOT_INTERCHANGED | ({"parent_id", "path"} if spec.key == "jurisdictions" else set())
    assert model_fields - declared <= derived, model_fields - declared - derived
    for column in spec.columns:  # export reads a real path (foreign keys by their natural key)
        for path in column.export_paths:
            spec.model._base_manager.values_list(path).query.get_compiler("default")


def test_natural_keys_come_from_the_schema():
    assert NATURAL_KEYS["relations"] == (
        "subject_id",
        "party_enterprise_id",
        "party_person_id",
        "kind",
    )
    assert NATURAL_KEYS["indicators"] == ("enterprise_id", "year", "parcel_id")
    assert NATURAL_KEYS["parcels"] == ("code",)


@pytest.fixture
def indicators_with(monkeypatch):
    """A fixture schema: the 年度指标 sheet with other columns than its own (undone after)."""

    def replace(columns):
        monkeypatch.setitem(schema.INDICATORS.__dict__, "columns", tuple(columns))

    return replace


@pytest.mark.django_db
def test_a_column_added_to_the_schema_is_imported_and_exported(tmp_path, indicators_with):
    # Without a declaration 耗水量 is an unknown column: kept in extra, water_t stays empty.
    own = [c for c in schema.INDICATORS.columns if c.key != "water"]
    indicators_with(own)
    sheets = district(2)
    sheets["年度指标"][0].append("耗水量 (万吨)")
    for i, row in enumerate(sheets["年度指标"][1:]):
        row.append(1.5 + i)
    assert run_import([write_xlsx(tmp_path / "a.xlsx", sheets)]).ok
    report = ledger.IndicatorReport.objects.order_by("id").first()
    assert report.water_t is None and report.extra["耗水量 (万吨)"] == "1.5"

    # Declared once (header, unit, field), it is validated, written and exported.
    added = Column(
        "water_use", "耗水量", Kind.NUMBER, unit=units.TONNE, minimum=0.0, field="water_t"
    )
    indicators_with([*own, added])
    result = run_import([write_xlsx(tmp_path / "b.xlsx", sheets)])
    assert result.ok, [p.line() for p in result.errors]
    stored = sorted(ledger.IndicatorReport.objects.values_list("water_t", flat=True))
    assert stored == [15_000.0, 25_000.0, 35_000.0, 45_000.0]  # 万吨 → t
    exported = ledger_frames()["年度指标"]
    assert sorted(exported["耗水量 (吨)"].to_list()) == stored

    sheets["年度指标"][1][-1] = -1
    bad = run_import([write_xlsx(tmp_path / "c.xlsx", sheets)])
    assert [(p.row, p.column) for p in bad.errors] == [(2, "耗水量 (万吨)")]


def test_writer_stores_partial_date_precision():
    spec = schema.PARCELS
    frame = pl.DataFrame(
        {
            ROW: [2, 3, 4],
            "code": ["A", "B", "C"],
            "agreed_start": [dt.date(2023, 5, 1), dt.date(2024, 1, 1), None],
            "agreed_start_precision": ["month", None, None],
            "agreed_delivery": [dt.date(2023, 1, 1)] * 3,
        },
        schema_overrides={"agreed_start_precision": pl.Utf8},
    )
    data = SheetData(spec, "宗地", "x.xlsx", frame, {"code", "agreed_start", "agreed_delivery"}, {})
    plan = frame_for(data, {"enterprises": {}}, lambda f: pl.Series([1, 1, 1]))
    out = plan.frame
    assert out["agreed_start_precision"].to_list() == ["month", "", ""]
    # No precision column from validation: the dates were full dates.
    assert out["agreed_delivery_precision"].to_list() == ["", "", ""]
    assert "agreed_completion" not in out.columns  # a column not in the file is left alone


def test_holder_references_resolve_through_the_declared_lookup():
    spec = schema.PARCELS
    frame = pl.DataFrame({ROW: [2, 3], "code": ["A", "B"], "holder_uscc": [uscc(1), None]})
    data = SheetData(spec, "宗地", "x.xlsx", frame, {"code", "holder_uscc"}, {})
    plan = frame_for(data, {"enterprises": {uscc(1): 41}})
    assert plan.frame["holder_id"].to_list() == [41, None]
