"""土地使用权人 without a credit code: matched to an enterprise by name, or reported."""

import pytest

from landcycle.imports.services import load_known, run_import
from landcycle.ledger import models as ledger

from .workbooks import uscc, write_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["宗地编号", "所属街道", "用地面积 (公顷)", "土地使用权人"]


def _parcels(*names, uscc_column=None):
    header = HEADER + (["产权单位统一社会信用代码"] if uscc_column else [])
    rows = [header]
    for i, name in enumerate(names):
        row = [f"P{i}", "新碶街道", 1.2, name]
        if uscc_column:
            row.append(uscc_column[i])
        rows.append(row)
    return rows


def _holders():
    return {
        code: (holder, name)
        for code, holder, name in ledger.Parcel.objects.values_list(
            "code", "holder__uscc", "holder_name"
        )
    }


def test_holder_matched_by_name_among_stored_and_sheet_enterprises(tmp_path):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="宁波甲1制造有限公司")
    ledger.Enterprise.objects.create(uscc=uscc(2), name="宁波乙（北仑）模具有限公司")
    sheets = {
        "宗地": _parcels(
            "宁波甲1制造有限公司",
            " 宁波甲1制造 有限公司 ",  # stray spaces
            "宁波乙(北仑)模具有限公司",  # half-width brackets against full-width stored
            "宁波丙新材料有限公司",  # only in this workbook's 企业 sheet
        ),
        "企业": [["统一社会信用代码", "企业名称"], [uscc(3), "宁波丙新材料有限公司"]],
    }
    result = run_import([write_xlsx(tmp_path / "a.xlsx", sheets)])
    assert result.ok and not result.warnings, [p.line() for p in result.problems]
    assert _holders() == {
        "P0": (uscc(1), "宁波甲1制造有限公司"),
        "P1": (uscc(1), "宁波甲1制造 有限公司"),  # the name as written (trimmed) is kept
        "P2": (uscc(2), "宁波乙(北仑)模具有限公司"),
        "P3": (uscc(3), "宁波丙新材料有限公司"),
    }


def test_no_or_several_enterprises_of_the_name_warn_and_keep_the_name(tmp_path):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="宁波甲制造有限公司")
    ledger.Enterprise.objects.create(uscc=uscc(2), name="宁波甲制造有限公司")
    sheets = {"宗地": _parcels("宁波甲制造有限公司", "宁波无名有限公司")}
    result = run_import([write_xlsx(tmp_path / "b.xlsx", sheets)])
    assert result.ok
    warnings = {p.row: p for p in result.warnings}
    assert set(warnings) == {2, 3}
    several, none = warnings[2], warnings[3]
    assert several.column == "土地使用权人" and several.value == "宁波甲制造有限公司"
    assert uscc(1) in several.reason and uscc(2) in several.reason
    assert several.reason.startswith("同名企业有2家")
    assert none.value == "宁波无名有限公司" and none.reason.startswith("未找到同名企业")
    assert _holders() == {
        "P0": (None, "宁波甲制造有限公司"),
        "P1": (None, "宁波无名有限公司"),
    }


def test_a_given_credit_code_wins_and_the_name_is_only_kept(tmp_path):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="宁波甲制造有限公司")
    ledger.Enterprise.objects.create(uscc=uscc(2), name="宁波乙制造有限公司")
    sheets = {
        "宗地": _parcels("宁波甲制造有限公司", "宁波甲制造有限公司", uscc_column=[uscc(2), None])
    }
    result = run_import([write_xlsx(tmp_path / "c.xlsx", sheets)])
    assert result.ok and not result.warnings
    assert _holders() == {
        "P0": (uscc(2), "宁波甲制造有限公司"),
        "P1": (uscc(1), "宁波甲制造有限公司"),
    }


def test_alias_headers_of_the_holder_name(tmp_path):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="宁波甲制造有限公司")
    for n, header in enumerate(("产权单位", "产权单位名称")):
        rows = _parcels("宁波甲制造有限公司")
        rows[0][3] = header
        rows[1][0] = f"Q{n}"
        assert run_import([write_xlsx(tmp_path / f"{n}.xlsx", {"宗地": rows})]).ok
    assert ledger.Parcel.objects.filter(holder__uscc=uscc(1)).count() == 2


def test_without_a_code_column_a_stored_holder_is_never_cleared(tmp_path):
    ledger.Enterprise.objects.create(uscc=uscc(1), name="宁波甲制造有限公司")
    ledger.Enterprise.objects.create(uscc=uscc(2), name="宁波乙制造有限公司")
    first = _parcels("x", "x", "x", uscc_column=[uscc(1), uscc(1), uscc(1)])
    assert run_import([write_xlsx(tmp_path / "first.xlsx", {"宗地": first})]).ok
    # The land-market table: names only. P0 now names 乙 (matched: holder changes), P1 a name
    # not known (holder kept, said so), P2 no name (holder kept).
    again = _parcels("宁波乙制造有限公司", "宁波某某有限公司", None)
    result = run_import([write_xlsx(tmp_path / "again.xlsx", {"宗地": again})])
    assert result.ok
    assert [(p.row, p.value) for p in result.warnings] == [(3, "宁波某某有限公司")]
    assert f"保留原产权单位 {uscc(1)}" in result.warnings[0].reason
    assert _holders() == {
        "P0": (uscc(2), "宁波乙制造有限公司"),
        "P1": (uscc(1), "宁波某某有限公司"),
        "P2": (uscc(1), ""),  # an empty cell clears the name, as any empty cell does
    }


def test_names_and_stored_holders_are_loaded_in_bulk(django_assert_num_queries):
    jurisdiction = ledger.Jurisdiction.objects.create(name="新碶街道")
    for i in range(5):
        holder = ledger.Enterprise.objects.create(uscc=uscc(i), name=f"宁波甲{i}有限公司")
        ledger.Parcel.objects.create(
            code=f"P{i}", jurisdiction=jurisdiction, registered_area_m2=1.0, holder=holder
        )
    # One query per table (enterprises, parcels, persons, verified code exceptions), any size.
    with django_assert_num_queries(4):
        known = load_known()
    assert known.enterprise_names[uscc(3)] == "宁波甲3有限公司"
    assert known.parcel_holders == {f"P{i}": uscc(i) for i in range(5)}
