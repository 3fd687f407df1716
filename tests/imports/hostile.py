"""Hostile workbooks, small on disk, written part by part (no spreadsheet library could write
them): a far cell, a zip bomb, a million rows of bad values, XML entities."""

from __future__ import annotations

import zipfile
from pathlib import Path

from landcycle.imports.limits import column_letters

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="宗地" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
HEADERS = ("宗地编号", "所属街道", "用地面积 (亩)")


def _text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _header_row() -> str:
    return (
        '<row r="1">'
        + "".join(_text(f"{c}1", h) for c, h in zip("ABC", HEADERS, strict=True))
        + "</row>"
    )


def write(path: Path, sheet_parts, prolog: str = "", extra: dict[str, bytes] | None = None):
    """An .xlsx whose one sheet (宗地) is ``sheet_parts`` (strings, streamed into the zip)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.replace("\n", "\n" + prolog).encode())
            for part in sheet_parts:
                sheet.write(part.encode())
            sheet.write(b"</worksheet>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def far_cell(path: Path, dimension: str | None = None) -> Path:
    """A header row and one cell at XFD1048576 (the last cell a sheet can have)."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return write(
        path,
        [head, "<sheetData>", _header_row(), '<row r="1048576">', _text("XFD1048576", "x")]
        + ["</row></sheetData>"],
    )


def zip_bomb(path: Path, inflated_mb: int = 1024) -> Path:
    """A valid little sheet followed by ``inflated_mb`` MB of blanks in the same sheet part."""
    blanks = " " * (1 << 20)

    def parts():
        yield "<sheetData>" + _header_row()
        for _ in range(inflated_mb):
            yield blanks
        yield "</sheetData>"

    return write(path, parts())


def million_bad_rows(path: Path, rows: int = 1_048_575, extra_columns: int = 0) -> Path:
    """宗地 with ``rows`` data rows (to the last row Excel has) whose area is not a number, and
    ``extra_columns`` more columns of text."""
    extra = [column_letters(4 + i) for i in range(extra_columns)]
    header = _header_row()[: -len("</row>")]
    header += "".join(_text(f"{c}1", f"备注{i}") for i, c in enumerate(extra)) + "</row>"

    def parts():
        yield "<sheetData>" + header
        chunk = []
        for r in range(2, rows + 2):
            chunk.append(
                f'<row r="{r}">{_text(f"A{r}", f"P{r}")}{_text(f"B{r}", "甲街道")}'
                f"{_text(f'C{r}', 'abc')}{''.join(_text(f'{c}{r}', 'x') for c in extra)}</row>"
            )
            if len(chunk) == 10_000:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk) + "</sheetData>"

    return write(path, parts())


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def entity(path: Path, part: str = "sheet") -> Path:
    """Entities declared in the sheet part (``part="sheet"``) or in an extra part."""
    body = ["<sheetData>", _header_row(), '<row r="2">', _text("A2", "&lol3;"), "</row>"]
    body.append("</sheetData>")
    if part == "sheet":
        return write(path, body, prolog=BILLION_LAUGHS)
    external = (
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<x>&xxe;</x>"
    )
    body[3] = _text("A2", "P1")
    return write(path, body, extra={"docProps/custom.xml": external.encode()})


_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_VALUE = '<table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>'


def ods(path: Path, rows: str) -> Path:
    """An .ods whose one table (宗地) holds ``rows`` (table:table-row elements)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="宗地">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def ods_far_value(path: Path) -> Path:
    """A value repeated to the last row and column: calamine would expand 17 billion cells."""
    return ods(
        path,
        f"<table:table-row>{ODS_VALUE}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>",
    )


def xls_far_cell(path: Path) -> Path:
    """The repository's small .xls (宗地, Excel 2003) with its last text cell moved to IV65536,
    the last cell BIFF8 has (the record is rewritten in place: same length, same container)."""
    data = bytearray((Path(__file__).parent / "data" / "parcels-excel-2003.xls").read_bytes())
    record = data.rfind(b"\xfd\x00\x0a\x00")  # LABELSST, 10 bytes: row, column, XF, string
    data[record + 4 : record + 8] = (65535).to_bytes(2, "little") + (255).to_bytes(2, "little")
    path.write_bytes(bytes(data))
    return path
