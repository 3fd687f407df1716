"""Vocabularies of the field: supply methods and land-use classes, read and stored."""

import polars as pl
import pytest

from landcycle.cli import main
from landcycle.imports.values import vocabularies as v
from landcycle.ledger import models as ledger
from tests.imports.workbooks import district, write_xlsx

# ---------------------------------------------------------------- supply methods (pure)

SUPPLY = [
    # cell as written, stored kind, stored detail
    ("挂牌出让", "tender_auction", "挂牌出让"),
    ("拍卖出让", "tender_auction", "拍卖出让"),
    ("招标出让", "tender_auction", "招标出让"),
    ("挂牌", "tender_auction", "挂牌出让"),
    ("拍卖", "tender_auction", "拍卖出让"),
    ("招拍挂出让", "tender_auction", None),
    ("招标拍卖挂牌出让", "tender_auction", None),
    ("招标、拍卖、挂牌出让", "tender_auction", None),
    ("tender_auction", "tender_auction", None),
    ("协议出让", "agreement", None),
    ("协议", "agreement", None),
    ("划拨", "allocation", None),
    ("行政划拨", "allocation", None),
    ("先租后让", "lease_then_sell", None),
    ("租让结合", "lease_and_sell", None),
    ("弹性年期出让", "flexible_term", None),
    (" 弹性年期 ", "flexible_term", None),
    ("长期租赁", "long_lease", None),
    ("作价出资(入股)", None, "作价出资(入股)"),
    ("作价出资（入股）", None, "作价出资(入股)"),
    ("作价入股", None, "作价出资(入股)"),
    ("授权经营", None, "授权经营"),
    ("出租", None, "出租"),
]


def test_supply_method_words_give_kind_and_detail():
    cells = pl.Series([c for c, _k, _d in SUPPLY] + [None])
    read = v.supply_methods(cells)
    assert read.kind.to_list() == [k for _c, k, _d in SUPPLY] + [None]
    assert read.detail.to_list() == [d for _c, _k, d in SUPPLY] + [None]
    assert not read.unknown.any()
    kindless = [c for c, k, _d in SUPPLY if k is None]
    assert read.without_kind.to_list() == [c in kindless for c, _k, _d in SUPPLY] + [False]


@pytest.mark.parametrize("word", ["挂牌转让", "出让", "招商", "租", "拍卖出租"])
def test_unknown_supply_words_are_unknown(word):
    read = v.supply_methods(pl.Series([word]))
    assert read.unknown.to_list() == [True] and read.kind.to_list() == [None]


def test_every_ledger_kind_has_its_own_label_in_the_vocabulary():
    words, terms = v.supply_terms()
    for key, label in ledger.Parcel.SupplyMethod.choices:
        assert words[v.fold(label)].kind == key
        assert words[v.fold(key)].kind == key
    assert all(t.source for t in terms)


# ---------------------------------------------------------------- land use (pure)

LAND_USE = [
    # cell, stored land_use, stored code
    ("0601", "工业", "0601"),  # GB/T 21010 (the column also holds 0604 仓储用地)
    ("0601 工业用地", "工业", "0601"),
    ("0602 采矿用地", "采矿用地", "0602"),
    ("0604", "仓储", "0604"),
    ("0604仓储用地", "仓储", "0604"),
    ("0501 零售商业用地", "零售商业用地", "0501"),
    ("0505", "商务金融用地", "0505"),
    ("06", "工矿仓储用地", "06"),
    ("工矿仓储用地", "工矿仓储用地", "06"),
    ("仓储用地", "仓储", "0604"),  # 0604 in GB/T 21010, 11 in the guide: the column says GB
    ("工业用地", "工业", "0601"),
    ("工业", "工业", None),
    ("新型产业用地", "新型产业(M0)", None),
]


def test_land_use_in_a_gb21010_column():
    read = v.land_uses(pl.Series([c for c, _u, _k in LAND_USE]))
    assert read.errors == {} and read.warnings == {}
    assert read.land_use.to_list() == [u for _c, u, _k in LAND_USE]
    assert read.code.to_list() == [k for _c, _u, k in LAND_USE]


GUIDE = [
    ("1001", "工业", "1001"),  # 铁路用地 in GB/T 21010; the column's 6-digit codes say 2023
    ("1001 工业用地", "工业", "1001"),
    ("100101", "工业", "100101"),
    ("100102 二类工业用地", "工业", "100102"),
    ("100103", "工业", "100103"),
    ("三类工业用地", "工业", "100103"),
    ("二类工业", "工业", "100102"),
    ("工业用地（100102）", "工业", "100102"),  # the parent class's name with the code
    ("1101", "仓储", "1101"),
    ("110101", "仓储", "110101"),
    ("一类物流仓储用地", "仓储", "110101"),
    ("1102 储备库用地", "储备库用地", "1102"),
    ("1002", "采矿用地", "1002"),
    ("0901 商业用地", "商业用地", "0901"),
    ("090105", "公用设施营业网点用地", "090105"),
    ("工业用地", "工业", "1001"),
    ("仓储用地", "仓储", "11"),
    ("M0", "新型产业(M0)", None),
]


def test_land_use_in_a_2023_guide_column():
    read = v.land_uses(pl.Series([c for c, _u, _k in GUIDE]))
    assert read.errors == {} and read.warnings == {}
    assert read.land_use.to_list() == [u for _c, u, _k in GUIDE]
    assert read.code.to_list() == [k for _c, _u, k in GUIDE]


def test_a_code_with_its_name_picks_the_standard():
    read = v.land_uses(
        pl.Series(["1001 铁路用地", "1001 工业用地", "1101 河流水面", "1101 物流仓储用地"])
    )
    assert read.land_use.to_list() == ["铁路用地", "工业", "河流水面", "仓储"]
    assert read.code.to_list() == ["1001", "1001", "1101", "1101"]


@pytest.mark.parametrize(
    "cell, words",
    [
        ("9999", "不在GB/T 21010-2017或用地用海分类（2023）中"),
        ("1013", "不在GB/T 21010-2017或用地用海分类（2023）中"),
        ("100104", "不在"),
        ("061 工业用地", "GB/T 21010-2007"),
        ("601", "前导0"),
        ("0601 采矿用地", "代码与名称不符"),
        ("100101 仓储用地", "代码与名称不符"),
    ],
)
def test_codes_in_neither_standard_or_with_the_wrong_name_are_errors(cell, words):
    read = v.land_uses(pl.Series([cell, "0601 工业用地", "100101"]))
    assert words in read.errors[cell]
    assert read.land_use.to_list()[0] is None and read.code.to_list()[0] is None


@pytest.mark.parametrize("code", ["0601", "0602", "1001", "1101", "10"])
def test_a_bare_code_of_both_standards_with_nothing_to_say_which_is_an_error(code):
    read = v.land_uses(pl.Series([code, "0604 仓储用地", "110101"]))  # both standards shown
    assert "两项分类中含义不同" in read.errors[code]
    alone = v.land_uses(pl.Series([code]))
    assert "两项分类中含义不同" in alone.errors[code]


def test_a_code_meaning_the_same_in_both_standards_needs_no_context():
    read = v.land_uses(pl.Series(["0101", "水田", "0102 水浇地"]))
    assert read.errors == {}
    assert read.land_use.to_list() == ["水田", "水田", "水浇地"]
    assert read.code.to_list() == ["0101", "0101", "0102"]


def test_free_text_is_kept_as_written_with_one_warning_per_text():
    read = v.land_uses(pl.Series(["综合用地", "综合用地", "工业（标准厂房）", "工业"]))
    assert read.errors == {}
    assert read.land_use.to_list() == ["综合用地", "综合用地", "工业（标准厂房）", "工业"]
    assert read.code.to_list() == [None] * 4
    assert set(read.warnings) == {"综合用地", "工业（标准厂房）"}
    assert "共2行" in read.warnings["综合用地"]


def test_the_data_files_hold_both_standards_whole():
    by_code, _names, _words = v.land_classes()
    gb = [e for es in by_code.values() for e in es if e.standard == v.GB_21010]
    guide = [e for es in by_code.values() for e in es if e.standard == v.GUIDE_2023]
    # GB/T 21010-2017: 12 first-level and 73 second-level classes (its 前言 says 73).
    assert sum(e.level == 1 for e in gb) == 12 and sum(e.level == 2 for e in gb) == 73
    assert sum(e.level == 1 for e in guide) == 24  # 用地用海分类 一级类 01–24
    for entry in gb + guide:  # codes nest: a child's code starts with its parent's
        assert len(entry.code) == 2 * entry.level
        if entry.level > 1:
            assert entry.code[: 2 * (entry.level - 1)] in by_code


def test_other_enums_fold_width_spaces_and_case():
    from landcycle.imports.schema import sheet_named

    column = sheet_named("宗地").column("project_type")
    value, unknown, accepted = v.enum_values(
        column, pl.Series(["自用", " 自 用 ", "SELF_USED", "x"])
    )
    assert value.to_list() == ["self_used", "self_used", "self_used", None]
    assert unknown.to_list() == [False, False, False, True] and "自用" in accepted


# ---------------------------------------------------------------- import, stored values

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _import(tmp_path, supply: list, land_use: list, extra: dict | None = None):
    sheets = district(len(supply))
    header = sheets["宗地"][0]
    s, u = header.index("供地方式"), header.index("土地用途")
    for i, row in enumerate(sheets["宗地"][1:]):
        row[s], row[u] = supply[i], land_use[i]
    for name, cells in (extra or {}).items():
        header.append(name)
        for i, row in enumerate(sheets["宗地"][1:]):
            row.append(cells[i])
    return write_xlsx(tmp_path / "district.xlsx", sheets)


def _stored():
    return {
        p.code: (p.supply_method, p.supply_method_detail, p.land_use, p.land_use_code)
        for p in ledger.Parcel.objects.all()
    }


@pytest.mark.django_db(transaction=True)
def test_import_stores_kind_detail_land_use_and_code(tmp_path, capsys):
    supply = [
        "挂牌出让",
        "拍卖出让",
        "招标出让",
        "协议出让",
        "行政划拨",
        "作价出资（入股）",
        "先租后让",
    ]
    land = ["1001 工业用地", "100102", "110101 一类物流仓储用地", "工业", "综合用地", "0901", "M0"]
    path = _import(tmp_path, supply, land)
    assert main(["import", str(path)]) == 0, capsys.readouterr().err
    out = capsys.readouterr()
    assert _stored() == {
        "BL0000": ("tender_auction", "挂牌出让", "工业", "1001"),
        "BL0001": ("tender_auction", "拍卖出让", "工业", "100102"),
        "BL0002": ("tender_auction", "招标出让", "仓储", "110101"),
        "BL0003": ("agreement", "", "工业", ""),
        "BL0004": ("allocation", "", "综合用地", ""),
        "BL0005": ("", "作价出资(入股)", "商业用地", "0901"),
        "BL0006": ("lease_then_sell", "", "新型产业(M0)", ""),
    }
    warnings = out.out + out.err
    assert "综合用地" in warnings and "作价出资" in warnings


@pytest.mark.django_db(transaction=True)
def test_an_explicit_code_column_and_detail_column_are_read(tmp_path, capsys):
    supply = ["招拍挂出让", "招拍挂出让", "协议出让"]
    land = ["工业用地", None, "采矿用地"]
    extra = {"用地分类代码": ["0601", "100101", "0602"], "供地方式明细": ["拍卖出让", None, None]}
    assert main(["import", str(_import(tmp_path, supply, land, extra))]) == 0, (
        capsys.readouterr().err
    )
    assert _stored() == {
        "BL0000": ("tender_auction", "拍卖出让", "工业", "0601"),
        "BL0001": ("tender_auction", "", "工业", "100101"),
        "BL0002": ("agreement", "", "采矿用地", "0602"),
    }


@pytest.mark.django_db(transaction=True)
def test_unknown_words_and_codes_are_refused_naming_row_column_and_accepted_words(tmp_path, capsys):
    supply = ["挂牌转让", "协议出让", "协议出让"]
    land = ["工业", "9999", "0601 采矿用地"]
    assert main(["import", str(_import(tmp_path, supply, land))]) != 0
    err = capsys.readouterr().err
    assert "宗地 行2 列供地方式 值挂牌转让" in err
    assert "挂牌出让、拍卖出让、招标出让" in err and "作价出资(入股)" in err
    assert "行3 列土地用途 值9999" in err and "代码与名称不符" in err
    assert not ledger.Parcel.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_export_and_reimport_keep_kind_detail_land_use_and_code(tmp_path, capsys):
    supply = ["挂牌出让", "作价入股", "协议出让", "拍卖"]
    # 商务金融用地 is 0505 in GB/T 21010 and 0902 in the guide: the column's codes say GB.
    land = ["0601 工业用地", "0604", "0602 采矿用地", "商务金融用地"]
    assert main(["import", str(_import(tmp_path, supply, land))]) == 0, capsys.readouterr().err
    before = _stored()
    assert before == {
        "BL0000": ("tender_auction", "挂牌出让", "工业", "0601"),
        "BL0001": ("", "作价出资(入股)", "仓储", "0604"),
        "BL0002": ("agreement", "", "采矿用地", "0602"),
        "BL0003": ("tender_auction", "拍卖出让", "商务金融用地", "0505"),
    }
    out = tmp_path / "out.xlsx"
    assert main(["export", str(out)]) == 0
    capsys.readouterr()
    assert main(["import", str(out)]) == 0, capsys.readouterr().err
    assert "宗地: 新增 0，更新 0，未变 4" in capsys.readouterr().out
    assert _stored() == before
