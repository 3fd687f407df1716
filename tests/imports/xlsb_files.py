"""A minimal .xlsb writer for tests ([MS-XLSB]): no library writes the format, and officers'
old templates come in it. Strings are inline (BrtCellSt), numbers BrtCellReal."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path


def _number(value: int) -> bytes:
    """A record header number: 7 bits a byte, high bit = more."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def record(kind: int, body: bytes = b"") -> bytes:
    return _number(kind) + _number(len(body)) + body


def _wide(text: str) -> bytes:
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def sheet_part(rows: dict[int, dict[int, object]]) -> bytes:
    """Records of one sheet: ``rows`` maps a 0-based row to {0-based column: value}."""
    last_row = max(rows, default=0)
    last_column = max((c for cells in rows.values() for c in cells), default=0)
    dimension = struct.pack("<IIII", 0, last_row, 0, last_column)  # BrtWsDim: rows, columns
    out = [record(0x81), record(0x94, dimension), record(0x91)]  # …, BrtBeginSheetData
    for row in sorted(rows):
        out.append(record(0x00, struct.pack("<IIHHBI", row, 0, 0x0114, 0, 0, 0)))
        for column, value in sorted(rows[row].items()):
            cell = struct.pack("<II", column, 0)
            if isinstance(value, str):
                out.append(record(0x06, cell + _wide(value)))  # BrtCellSt
            else:
                out.append(record(0x05, cell + struct.pack("<d", float(value))))  # BrtCellReal
    out += [record(0x92), record(0x82)]  # BrtEndSheetData, BrtEndSheet
    return b"".join(out)


def write_xlsb(path: Path, sheets: dict[str, dict[int, dict[int, object]]]) -> Path:
    """An .xlsb workbook with ``sheets`` (name → rows as in ``sheet_part``)."""
    book = [record(0x83), record(0x8F)]  # BrtBeginBook, BrtBeginBundleShs
    rels = []
    content = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, (name, rows) in enumerate(sheets.items(), start=1):
            book.append(
                record(0x9C, struct.pack("<II", 0, number) + _wide(f"rId{number}") + _wide(name))
            )
            rels.append(
                f'<Relationship Id="rId{number}" Type="http://schemas.openxmlformats.org/'
                f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{number}.bin"/>'
            )
            content.append(
                f'<Override PartName="/xl/worksheets/sheet{number}.bin" ContentType="application/'
                'vnd.ms-excel.worksheet"/>'
            )
            archive.writestr(f"xl/worksheets/sheet{number}.bin", sheet_part(rows))
        book += [record(0x90), record(0x84)]  # BrtEndBundleShs, BrtEndBook
        archive.writestr("xl/workbook.bin", b"".join(book))
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>",
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType='
            '"application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            + "".join(content)
            + "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
            'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.bin"/></Relationships>',
        )
    return path
