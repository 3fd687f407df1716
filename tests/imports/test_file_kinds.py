"""File kinds offices hold: old .xls, .ods, CSV in GBK / GB18030 / UTF-16 / UTF-8, other
delimiters, short rows, and zips of CSVs or of a shapefile with GBK member names."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest

from landcycle.cli import main
from landcycle.imports.readers import read_inputs
from landcycle.imports.services import run_import
from landcycle.ledger import models as ledger

from .geofiles import parcels_csv

pytestmark = pytest.mark.django_db

DATA = Path(__file__).with_name("data")
MU = 10_000 / 15  # m² per 亩
ROWS = [("GBK-01", "金港镇一号地块", "金港镇", 1.5), ("GBK-02", "锦丰镇二号地块", "锦丰镇", 0.8)]


def _names() -> dict[str, tuple[str, str, float]]:
    return {
        p.code: (p.name, p.jurisdiction.name, round(p.registered_area_m2, 3))
        for p in ledger.Parcel.objects.select_related("jurisdiction")
    }


def _expected():
    return {code: (name, street, area * 10_000) for code, name, street, area in ROWS}


def test_old_xls_reads_like_xlsx(tmp_path, capsys):
    path = shutil.copy(DATA / "parcels-excel-2003.xls", tmp_path / "宗地2003.xls")
    assert main(["import", str(path)]) == 0
    assert "已导入" in capsys.readouterr().out
    first = ledger.Parcel.objects.get(code="XLS-01")
    assert first.registered_area_m2 == pytest.approx(30 * MU)
    assert first.agreed_start == dt.date(2023, 5, 1)
    assert ledger.Parcel.objects.get(code="XLS-02").registered_area_m2 == pytest.approx(12.5 * MU)


def _ods(path: Path, name: str, rows: list[list]) -> Path:
    """A minimal OpenDocument spreadsheet (what WPS / LibreOffice save as .ods)."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
            "</table:table-cell>"
            if isinstance(v, float)
            else f'<table:table-cell office:value-type="string"><text:p>{v}</text:p>'
            "</table:table-cell>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">{cells}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def test_ods_workbook(tmp_path):
    header = ["宗地编号", "宗地名称", "所属街道", "用地面积"]
    path = _ods(tmp_path / "宗地.ods", "宗地", [header, *[list(r) for r in ROWS]])
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]
    assert _names() == _expected()


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("gbk", "GB18030/GBK"),
        ("gb18030", "GB18030/GBK"),
        ("utf-16", "UTF-16"),
    ],
)
def test_csv_encodings_are_detected_read_and_said(tmp_path, capsys, encoding, label):
    path = parcels_csv(tmp_path / "宗地.csv", ROWS, encoding=encoding)
    assert main(["import", str(path)]) == 0
    err = capsys.readouterr().err
    assert _names() == _expected()
    if label:
        assert f"已按{label}编码读取" in err
    else:
        assert "编码读取" not in err


def test_gb18030_only_characters_survive(tmp_path):
    # 㙟 (U+365F, CJK extension A) exists in GB18030 but not in GBK.
    rows = [("GB-01", "㙟村地块", "金港镇", 1.0)] + ROWS
    assert run_import([parcels_csv(tmp_path / "宗地.csv", rows, encoding="gb18030")]).ok
    assert ledger.Parcel.objects.get(code="GB-01").name == "㙟村地块"


@pytest.mark.parametrize("separator", ["\t", ";"])
def test_tab_and_semicolon_separated(tmp_path, separator):
    lines = ["宗地编号,宗地名称,所属街道,用地面积".replace(",", separator)]
    lines += [separator.join(map(str, r)) for r in ROWS]
    suffix = ".txt" if separator == "\t" else ".csv"
    path = tmp_path / f"宗地{suffix}"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16" if suffix == ".txt" else "gbk"))
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]
    assert _names() == _expected()


def test_short_row_is_reported_not_shifted(tmp_path):
    text = "宗地编号,所属街道,用地面积,宗地名称\nS-01,金港镇,1.5,一号\nS-02,金港镇,2.5\n"
    path = tmp_path / "宗地.csv"
    path.write_text(text, encoding="utf-8")
    result = run_import([path])
    assert result.ok, [p.line() for p in result.errors]
    (warning,) = [w for w in result.warnings if w.row == 3]
    assert "只有3个字段" in warning.reason
    short = ledger.Parcel.objects.get(code="S-02")
    assert short.registered_area_m2 == pytest.approx(25_000) and short.name in ("", None)


class _RawNameInfo(zipfile.ZipInfo):
    """A member whose name is written as the given bytes without the UTF-8 flag (as Windows'
    built-in zip and WinRAR on Chinese Windows write GBK names)."""

    def __init__(self, raw_name: bytes):
        super().__init__(raw_name.decode("cp437"))
        self._raw_name = raw_name

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own name
        return self._raw_name, self.flag_bits & ~0x800


def _zip(path: Path, members: dict[str, bytes], encoding="gbk") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = _RawNameInfo(name.encode(encoding))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def test_zip_of_gbk_csvs_with_gbk_member_names(tmp_path):
    csv_path = parcels_csv(tmp_path / "x.csv", ROWS, encoding="gbk")
    archive = _zip(tmp_path / "台账.zip", {"台账/宗地.csv": csv_path.read_bytes()})
    with zipfile.ZipFile(archive) as check:  # the fixture: no UTF-8 flag, GBK bytes
        (info,) = check.infolist()
        assert not info.flag_bits & 0x800 and info.filename != "台账/宗地.csv"
    result = run_import([archive])
    assert result.ok, [p.line() for p in result.errors]
    assert _names() == _expected()
    assert any(w.sheet == "宗地" and w.value == "GB18030/GBK" for w in result.warnings)


@pytest.mark.parametrize(
    "name", ["../宗地.csv", "/tmp/宗地.csv", "a/../../宗地.csv", "C:/宗地.csv"]
)
def test_zip_member_outside_the_folder_is_refused(tmp_path, name):
    data = parcels_csv(tmp_path / "x.csv", ROWS).read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    archive = _zip(work / "bad.zip", {name: data}, encoding="utf-8")
    result = run_import([archive])
    assert not result.ok
    assert "unsafe member path" in result.errors[0].reason and result.errors[0].value == name
    assert not ledger.Parcel.objects.exists()
    assert sorted(p.name for p in tmp_path.rglob("宗地.csv")) == []


def test_nested_zip_and_unknown_files_in_zip(tmp_path):
    inner = _zip(tmp_path / "inner.zip", {"宗地.csv": b"x"})
    archive = _zip(tmp_path / "outer.zip", {"inner.zip": inner.read_bytes()})
    (problem,) = read_inputs([archive]).problems
    assert "nested archive" in problem.reason and problem.sheet == "inner.zip"
    archive = _zip(tmp_path / "docs.zip", {"说明.doc": b"x"})
    (problem,) = read_inputs([archive]).problems
    assert "no CSV, workbook or geodata file" in problem.reason and problem.sheet == "docs.zip"


def test_not_a_zip(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK not really")
    (problem,) = read_inputs([path]).problems
    assert "not a zip file" in problem.reason


def test_encoding_option_replaces_the_detection(tmp_path, capsys):
    path = parcels_csv(tmp_path / "宗地.csv", ROWS, encoding="gbk")
    assert main(["import", str(path), "--encoding", "utf-8"]) != 0  # wrong: refused, not garbled
    assert "按指定编码utf-8读取失败" in capsys.readouterr().err
    assert not ledger.Parcel.objects.exists()
    assert main(["import", str(path), "--encoding", "no-such-codec"]) != 0
    assert "未知编码" in capsys.readouterr().err
    assert main(["import", str(path), "--encoding", "gbk"]) == 0
    assert "编码读取" not in capsys.readouterr().err  # the user said it: no note
    assert _names() == _expected()
