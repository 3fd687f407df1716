"""Bounded reading: an input file's sizes and dimensions checked before any reader parses it.

A workbook is a zip of XML parts. python-calamine sizes a sheet's cell grid from the cells it
finds (not from ``<dimension>``, which it ignores), so one cell at XFD1048576 asks for
1,048,576 × 16,384 cells (512 GiB) and aborts the process. Every part is therefore inflated
here first, as a stream in 1 MiB pieces, with our own zlib loop (the sizes a zip declares can
lie): the inflated size of each part and of all, the compression ratio, XML entity declarations
(``<!DOCTYPE``: billion laughs, external entities; OOXML never needs a DTD) and, in sheet parts,
the last row and column that hold a cell. CSV files: size, lines and fields of the first line.

Each limit is a setting (environment variable of the same name), see ``docs/web.md``:
LANDCYCLE_IMPORT_MAX_FILE_MB, _MAX_INFLATED_MB, _MAX_ZIP_RATIO, _MAX_ROWS, _MAX_COLUMNS,
_MAX_CELLS, _MAX_ERRORS_PER_COLUMN, _MAX_ERRORS.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from .errors import ImportProblem
from .limit_settings import DEFAULTS, MB, limit  # noqa: F401  (re-exported)

_PIECE = MB
# The compression ratio is judged only on parts that inflate to more than this: small XML
# parts (styles, a sheet of one repeated value) legitimately compress far better than 100:1.
_RATIO_FLOOR = 8 * MB
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods", ".zip"}
_SHEET_SUFFIXES = {".xlsx", ".xlsm"}  # sheet dimensions scanned (and .ods); .xlsb: sizes, DTDs
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_XML_PART = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


class Refused(Exception):
    """The file is beyond a limit or unsafe to parse; ``problem`` says what, where and why."""

    def __init__(self, problem: ImportProblem):
        super().__init__(problem.line())
        self.problem = problem


def admit(path: Path, inputs) -> bool:
    """True if ``path`` may be read; else its problem is added to ``inputs.problems``.

    The one-line hook at the start of every reader (``if not limits.admit(path, inputs): return``).
    """
    try:
        check_file(Path(path))
    except Refused as refused:
        inputs.problems.append(refused.problem)
        return False
    return True


def check_file(path: Path) -> None:
    """Raise ``Refused`` if ``path`` breaks a limit; reads at most the inflated-size limit.

    Time is linear in the file's inflated size (about 1 s per 300 MB of XML); memory is a few MiB.
    """
    size = path.stat().st_size
    file_mb = limit("LANDCYCLE_IMPORT_MAX_FILE_MB")
    if size > file_mb * MB:
        _refuse(
            path.name,
            f"文件过大：{size / MB:,.1f} MB，上限 {file_mb:,} MB",
            "LANDCYCLE_IMPORT_MAX_FILE_MB",
            f"file too large: {size / MB:,.1f} MB, limit {file_mb:,} MB",
        )
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        _check_package(path, sheets=suffix in _SHEET_SUFFIXES, ods=suffix == ".ods")
    elif suffix in {".csv", ".txt", ".tsv"}:
        _check_delimited(path)
    elif suffix == ".xls":
        _check_xls(path)


def _refuse(where: str, chinese: str, setting: str | None, english: str) -> None:
    raise_hint = f"（可调高设置 {setting}）" if setting else ""
    english_hint = f" (raise {setting})" if setting else ""
    raise Refused(ImportProblem.whole(where, f"{chinese}{raise_hint} {english}{english_hint}"))


# ---------------------------------------------------------------- zip packages (xlsx, zip)


def _check_package(path: Path, sheets: bool, ods: bool = False) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        if path.suffix.lower() == ".zip":
            _refuse(path.name, f"不是有效的压缩包：{exc}", None, "not a valid zip file")
        return  # the workbook reader says it is not a workbook
    inflated_mb = limit("LANDCYCLE_IMPORT_MAX_INFLATED_MB")
    ratio = limit("LANDCYCLE_IMPORT_MAX_ZIP_RATIO")
    budget = inflated_mb * MB
    names = _sheet_names(archive) if sheets else {}
    cells = 0  # all sheets together: the frames of the sheets read stay in memory
    with archive, path.open("rb") as handle:
        for info in archive.infolist():
            if info.is_dir():
                continue
            where = f"{path.name}:{info.filename}"
            scan = None
            if sheets and _SHEET_PART.match(info.filename):
                scan = _SheetScan(names.get(info.filename, info.filename))
            elif ods and info.filename == "content.xml":
                scan = _OdsScan(path.name)
            xml = bool(_XML_PART.search(info.filename))
            inflated = 0
            tail = b""
            for piece in _inflate(handle, info, where):
                inflated += len(piece)
                if inflated > budget:
                    _refuse(
                        where,
                        f"解压后过大：解压超过 {inflated_mb:,} MB（压缩包炸弹？）"
                        f"，压缩时 {info.compress_size / MB:,.2f} MB",
                        "LANDCYCLE_IMPORT_MAX_INFLATED_MB",
                        f"inflates to more than the limit of {inflated_mb:,} MB (zip bomb?)",
                    )
                if inflated > _RATIO_FLOOR and inflated > ratio * max(info.compress_size, 1):
                    _refuse(
                        where,
                        f"压缩比异常：{info.compress_size / MB:,.2f} MB 解压后已超过 "
                        f"{inflated / MB:,.0f} MB，超过 {ratio}:1（压缩包炸弹？）",
                        "LANDCYCLE_IMPORT_MAX_ZIP_RATIO",
                        f"compression ratio above {ratio}:1 (zip bomb?)",
                    )
                if xml:
                    window = tail + piece
                    if any(mark in window for mark in _DTD_MARKS):
                        _refuse(
                            where,
                            "文件含有XML实体/文档类型声明（DOCTYPE/ENTITY），为安全起见拒绝读取；"
                            "请在Excel/WPS中另存为新的 .xlsx",
                            None,
                            "XML with a DOCTYPE/ENTITY declaration refused (entity expansion, "
                            "external entities); save the file again as .xlsx",
                        )
                    tail = window[-32:]
                if scan is not None:
                    scan.feed(piece)
            budget -= inflated
            if scan is not None:
                scan.check()
                cells += scan.cells
                _check_workbook_cells(path.name, cells)


def _inflate(handle, info: zipfile.ZipInfo, where: str) -> Iterator[bytes]:
    """The member's true inflated bytes in pieces of at most 1 MiB (declared sizes ignored)."""
    if info.flag_bits & 0x1:
        _refuse(where, "文件已加密，无法读取", None, "encrypted; save it without a password")
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        _refuse(where, "压缩包已损坏", None, "damaged zip member")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            piece = handle.read(min(_PIECE, left))
            if not piece:
                return
            left -= len(piece)
            yield piece
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        _refuse(where, "不支持的压缩方式", None, f"unsupported compression {info.compress_type}")
    inflater = zlib.decompressobj(-15)
    try:
        while left > 0 and not inflater.eof:
            raw = handle.read(min(_PIECE, left))
            if not raw:
                return
            left -= len(raw)
            piece = inflater.decompress(raw, _PIECE)
            while True:
                if piece:
                    yield piece
                if not inflater.unconsumed_tail or inflater.eof:
                    break
                piece = inflater.decompress(inflater.unconsumed_tail, _PIECE)
    except zlib.error as exc:
        _refuse(where, f"压缩数据已损坏：{exc}", None, "damaged compressed data")


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet part → sheet name (for messages); {} when the small index parts look odd."""
    try:
        book = archive.getinfo("xl/workbook.xml")
        rels = archive.getinfo("xl/_rels/workbook.xml.rels")
        if book.file_size > 4 * MB or rels.file_size > 4 * MB:
            return {}
        book_xml = archive.read(book)[: 4 * MB].decode("utf-8", "replace")
        rels_xml = archive.read(rels)[: 4 * MB].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error, NotImplementedError):
        return {}
    targets = {}
    for element in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels_xml):
        rid = re.search(r'\bId="([^"]*)"', element)
        target = re.search(r'\bTarget="([^"]*)"', element)
        if rid and target:
            part = target.group(1).lstrip("/")
            targets[rid.group(1)] = part if part.startswith("xl/") else f"xl/{part}"
    names = {}
    for element in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book_xml):
        name = re.search(r'\bname="([^"]*)"', element)
        rid = re.search(r'\b\w+:id="([^"]*)"', element)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = _unescape(name.group(1))
    return names


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


# Cells that hold something: ``<c r="XFD1048576" ...>`` (not self-closed ``<c .../>``, which
# calamine skips). calamine places cells by their ``r``; a cell without one follows the previous
# cell (a row without one follows the previous row). Excel and every writer we know put ``r``
# first; other attribute orders and namespace prefixes (``<x:c``) take the slower patterns.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,4})([0-9]{1,8})"[^>]*(?<!/)>')
_CELL_REF_ANY = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?\br=[\"']([A-Z]{1,4})([0-9]{1,8})[\"'][^>]*(?<!/)>"
)
_CELL_OPEN_ANY = re.compile(rb"<(?:\w+:)?c(?=[\s>])[^>]*(?<!/)>")
_ROW_ANY = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=[\"']([0-9]{1,8})[\"']")
_LETTERS, _NUMBERS = itemgetter(0), itemgetter(1)


def column_letters(index: int) -> str:
    """1 → A, 16384 → XFD."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


class _SheetScan:
    """The last row and column holding a cell, from a sheet part's XML fed in pieces."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.max_row = 0
        self.max_column = 0
        self.rows_seen = 0  # <row> elements, for cells without ``r``
        self.carry = b""
        self.cells = 0  # last row × last column, summed over the tables checked

    def feed(self, piece: bytes) -> None:
        data = self.carry + piece
        cut = data.rfind(b"<")  # a tag may be split between pieces: keep it for the next one
        if cut < 0:
            self.carry = data[-64 * 1024 :]
            return
        self.carry, data = data[cut:], data[:cut]
        if len(self.carry) > 64 * 1024:  # not a tag, just a long text: drop it
            self.carry = b""
        self._scan(data)

    def _scan(self, data: bytes) -> None:
        # findall, set, map and max all run in C: ~2 s for the 200 MB of a million rows.
        opened = data.count(b"<c ") + data.count(b"<c>")
        cells = _CELL_REF.findall(data)
        odd = opened > len(cells) or b":c " in data or b":row" in data
        if odd:  # other attribute orders, prefixes, self-closed or unnumbered cells
            cells = _CELL_REF_ANY.findall(data)
        if cells:
            columns = set(map(_LETTERS, cells))
            self.max_column = max(self.max_column, *map(_column_number, columns))
            self.max_row = max(self.max_row, max(map(int, map(_NUMBERS, cells))))
        if odd:
            unnumbered = len(_CELL_OPEN_ANY.findall(data)) - len(cells)
            if unnumbered > 0:  # each takes the next column and row: at most this many
                rows = _ROW_ANY.findall(data)
                self.rows_seen += data.count(b"<row") + data.count(b":row")
                self.max_row = max(self.max_row, self.rows_seen, *map(int, rows or [0]))
                self.max_column = max(self.max_column, unnumbered)

    def check(self) -> None:
        self._scan(self.carry)
        self.carry = b""
        rows, columns = self.max_row, self.max_column
        _check_dimensions(self.sheet, rows, columns, f"{column_letters(columns)}{rows}")
        self.cells += rows * columns


# OpenDocument: a row or cell stands for ``number-rows-repeated`` / ``number-columns-repeated``
# copies; calamine expands those that hold a value (trailing empty ones are dropped, as
# LibreOffice writes them to the sheet's edge), so the last row and column with a value count.
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>"
)
_ODS_ROWS = re.compile(rb'number-rows-repeated=["\']([0-9]{1,10})')
_ODS_COLUMNS = re.compile(rb'number-columns-repeated=["\']([0-9]{1,10})')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')


class _OdsScan(_SheetScan):
    """The last row and column holding a value, per table of an .ods ``content.xml``."""

    def __init__(self, source: str):
        super().__init__(source)
        self.row = 0  # rows before the current one
        self.repeat = 1  # copies of the current row
        self.column = 0  # columns before the next cell

    def _scan(self, data: bytes) -> None:
        for closing, tag, attributes, closed in _ODS_TOKEN.findall(data):
            if tag == b"table":
                if closing:
                    self._table_done()
                else:
                    name = _ODS_NAME.search(attributes)
                    self.sheet = _unescape(name.group(1).decode("utf-8", "replace")) if name else ""
                    self.row, self.max_row, self.max_column = 0, 0, 0
            elif tag == b"table-row":
                if closing:
                    self.row += self.repeat
                    continue
                found = _ODS_ROWS.search(attributes)
                self.repeat, self.column = (int(found.group(1)) if found else 1), 0
                if closed:
                    self.row += self.repeat
            elif not closing:
                found = _ODS_COLUMNS.search(attributes)
                copies = int(found.group(1)) if found else 1
                if not closed or b"value-type" in attributes:
                    self.max_column = max(self.max_column, self.column + copies)
                    self.max_row = max(self.max_row, self.row + self.repeat)
                self.column += copies

    def _table_done(self) -> None:
        rows, columns = self.max_row, self.max_column
        _check_dimensions(self.sheet, rows, columns, f"{column_letters(columns)}{rows}")
        self.cells += rows * columns
        self.max_row = self.max_column = 0

    def check(self) -> None:
        self._scan(self.carry)
        self.carry = b""
        if self.max_row:  # a table left open
            self._table_done()


def _check_workbook_cells(where: str, cells: int) -> None:
    max_cells = limit("LANDCYCLE_IMPORT_MAX_CELLS")
    if cells > max_cells:
        _refuse(
            where,
            f"工作簿过大：各表（最后一行 × 最后一列）合计已超过 {cells:,} 个单元格，"
            f"上限 {max_cells:,} 个；大量数据请用CSV导入",
            "LANDCYCLE_IMPORT_MAX_CELLS",
            f"too many cells in all sheets: {cells:,}, limit {max_cells:,} (CSV has no such limit)",
        )


def _check_dimensions(sheet: str, rows: int, columns: int, last: str, cells: bool = True) -> None:
    max_rows = limit("LANDCYCLE_IMPORT_MAX_ROWS")
    max_columns = limit("LANDCYCLE_IMPORT_MAX_COLUMNS")
    max_cells = limit("LANDCYCLE_IMPORT_MAX_CELLS")
    if rows > max_rows:
        _refuse(
            sheet,
            f"行数过多：最后一个单元格在第 {rows:,} 行（{last}），上限 {max_rows:,} 行",
            "LANDCYCLE_IMPORT_MAX_ROWS",
            f"too many rows: {rows:,}, limit {max_rows:,}",
        )
    if columns > max_columns:
        _refuse(
            sheet,
            f"列数过多：最后一个单元格在第 {columns:,} 列（{last}），上限 {max_columns:,} 列",
            "LANDCYCLE_IMPORT_MAX_COLUMNS",
            f"too many columns: {columns:,}, limit {max_columns:,}",
        )
    if cells and rows * columns > max_cells:
        _refuse(
            sheet,
            f"表格过大：{rows:,} 行 × {columns:,} 列 = {rows * columns:,} 个单元格，"
            f"上限 {max_cells:,} 个",
            "LANDCYCLE_IMPORT_MAX_CELLS",
            f"too many cells: {rows * columns:,}, limit {max_cells:,}",
        )


# ---------------------------------------------------------------- old .xls (BIFF8)

# Records that place a value: LABELSST, LABEL, NUMBER, RK, BOOLERR, FORMULA, RSTRING (row, column
# first); MULRK (row, first column, …, last column). BLANK/MULBLANK only format and are skipped.
_BIFF_CELLS = frozenset({0x00FD, 0x0204, 0x0203, 0x027E, 0x0205, 0x0006, 0x00D6})
_BIFF_MULRK, _BIFF_BOF, _BIFF_EOF, _BIFF_SHEET = 0x00BD, 0x0809, 0x000A, 0x0085


def _check_xls(path: Path) -> None:
    """The last row and column holding a value in each sheet of an .xls: its Workbook stream
    (taken out of the OLE2 container by xlrd's reader) walked record by record, ~1 s per 20 MB.

    calamine spans the cells it finds: one cell at IV65536 in a 6 KB file cost 1.4 GiB.
    """
    import io

    from xlrd import compdoc

    try:
        document = compdoc.CompDoc(path.read_bytes(), logfile=io.StringIO())
        stream = document.get_named_stream("Workbook") or document.get_named_stream("Book")
    except Exception:  # not an OLE2 file, or damaged: the workbook reader says so
        return
    if not stream:
        return
    names: list[str] = []
    sheet = -1  # -1: workbook globals (the first BOF … EOF)
    rows = columns = cells = 0
    position, end = 0, len(stream) - 4
    unpack = struct.unpack_from
    while position <= end:
        kind, length = unpack("<HH", stream, position)
        body = position + 4
        position = body + length
        if kind in _BIFF_CELLS and length >= 4:
            row, column = unpack("<HH", stream, body)
            rows, columns = max(rows, row + 1), max(columns, column + 1)
        elif kind == _BIFF_MULRK and length >= 6:
            row, last = unpack("<H", stream, body)[0], unpack("<H", stream, position - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == _BIFF_SHEET and sheet < 0 and length >= 8:
            names.append(_biff_name(stream, body + 6, position))
        elif kind == _BIFF_BOF:
            rows = columns = 0
        elif kind == _BIFF_EOF:
            if sheet >= 0 and rows:
                name = names[sheet] if sheet < len(names) else f"#{sheet + 1}"
                _check_dimensions(name, rows, columns, f"{column_letters(columns)}{rows}")
                cells += rows * columns
                _check_workbook_cells(path.name, cells)
            sheet += 1


def _biff_name(stream: bytes, start: int, end: int) -> str:
    """A BIFF8 short unicode string: length, flags (bit 0: UTF-16), characters."""
    try:
        count, flags = stream[start], stream[start + 1]
        raw = stream[start + 2 : end]
        if flags & 1:
            return raw[: 2 * count].decode("utf-16-le", "replace")
        return raw[:count].decode("latin-1")
    except IndexError:
        return ""


# ---------------------------------------------------------------- delimited text (CSV)


def _check_delimited(path: Path) -> None:
    """Lines counted in pieces; columns from the first line's most frequent delimiter."""
    lines = 0
    first = b""
    last = b""
    with path.open("rb") as handle:
        while piece := handle.read(_PIECE):
            if not first or b"\n" not in first:
                first = (first + piece)[: 4 * MB]
            lines += piece.count(b"\n")
            last = piece[-1:]
    if last and last != b"\n":
        lines += 1
    header = first.split(b"\n", 1)[0]
    columns = 1 + max(header.count(d) for d in (b",", b"\t", b";", b"|")) if header else 0
    _check_dimensions(path.stem, lines, columns, f"{lines:,} 行 × {columns:,} 列", cells=False)
