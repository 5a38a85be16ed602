"""Limits on what a prospect file may hold, checked before or while it is read.

A crafted file must fail in seconds and in bounded memory with one line naming the file and the
limit, never abort the process or fill the machine. A spreadsheet is a zip of XML: before calamine
sees it, every part is inflated here as a stream (never more than `MAX_UNCOMPRESSED` in all, and a
part inflating past `MAX_RATIO` times its compressed size is a zip bomb), every text run is held to
Excel's own cell limit, and each sheet's declared dimension and actual cell references are checked
against Excel's grid and `MAX_CELLS` (calamine allocates the whole used range: one cell at
XFD1048576 is 17 billion cells). CSV and JSON/YAML tables are held to Excel's column count and cell
size too.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from dealcoach.errors import DealcoachError

EXCEL_MAX_COLUMNS = 16_384          # XFD
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767
MAX_CELL_BYTES = EXCEL_MAX_CELL_CHARS * 4  # UTF-8
MAX_CELLS = 20_000_000              # rows x columns of a sheet's used range (calamine holds them all)
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200                     # real sheet XML compresses 5-30 times; a bomb, thousands of times
RATIO_FLOOR = 16 * 1024 * 1024      # below this much inflated, any ratio is harmless
CHUNK = 1024 * 1024

# Cheap patterns first (a sheet of 10⁶ cells must not cost 10⁶ match objects): row numbers come
# from the row tags; a cell reference counts only when its column has two or more letters or its
# row six or more digits (none in a normal sheet of under 100,000 rows and 26 columns); any other
# cell is within column Z and its row within 99,999, or within what its row tag says.
# (each pattern starts with a literal, so the regex engine skips ahead at C speed)
_ROW_TAG = re.compile(rb'row r="([0-9]{1,10})"')
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,7})[0-9]')
_FAR_CELL = re.compile(rb' r="[A-Z]{1,7}([0-9]{6,10})"')
ONE_LETTER_COLUMNS = 26
_DIMENSION = re.compile(rb'dimension ref="([A-Z]{1,7})?([0-9]{1,10})?(?::([A-Z]{1,7})([0-9]{1,10}))?"')
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)


class TooBig(DealcoachError):
    """A file past one of the limits above."""


def column_number(letters: bytes | str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_spreadsheet(path: Path) -> None:
    """Refuse a zip-based spreadsheet (XLSX, XLSM, ODS) past a limit, reading it as a stream."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip (an old .xls): calamine reports what it is
    with archive, path.open("rb") as raw:
        if len(archive.infolist()) > 10_000:
            raise TooBig(f"{path}: {len(archive.infolist()):,} parts in the package; a spreadsheet has a few dozen")
        total = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            total = _check_part(path, raw, info, total)


def _check_part(path: Path, raw, info: zipfile.ZipInfo, total: int) -> int:
    sheet = bool(_SHEET_PART.match(info.filename))
    xml = info.filename.lower().endswith((".xml", ".rels"))
    max_column = max_row = 0
    inflated = 0
    run = 0  # bytes since the last '<': a text node (a cell's text) or whitespace between tags
    tail = b""
    for data in _inflate(path, raw, info):
        inflated += len(data)
        total += len(data)
        if total > MAX_UNCOMPRESSED:
            raise TooBig(f"{path}: unpacks to more than {MAX_UNCOMPRESSED // 2**20} MiB; the limit for a "
                         "spreadsheet (save a big table as CSV)")
        if inflated > RATIO_FLOOR and inflated > MAX_RATIO * max(info.compress_size, 1):
            raise TooBig(f"{path}: {info.filename} unpacks to more than {MAX_RATIO} times its packed size "
                         "(a zip bomb, not a spreadsheet)")
        if not xml:
            continue
        pieces = data.split(b"<")
        if len(pieces) == 1:
            run += len(data)
        else:
            if run + len(pieces[0]) > MAX_CELL_BYTES or max(map(len, pieces[1:-1]), default=0) > MAX_CELL_BYTES:
                _too_long(path, info)
            run = len(pieces[-1])
        if run > MAX_CELL_BYTES:
            _too_long(path, info)
        if sheet:
            window = tail + data
            max_column, max_row = _grid(path, window, max_column, max_row)
            tail = window[-256:]
    return total


def _too_long(path: Path, info: zipfile.ZipInfo) -> None:
    raise TooBig(f"{path}: {info.filename} holds a text of more than {EXCEL_MAX_CELL_CHARS:,} characters, "
                 "the most an Excel cell can hold")


def _grid(path: Path, window: bytes, max_column: int, max_row: int) -> tuple[int, int]:
    for match in _DIMENSION.finditer(window):
        end_column = match.group(3) or match.group(1)
        end_row = match.group(4) or match.group(2)
        if end_column and end_row:
            _check_grid(path, column_number(end_column), int(end_row), "declares")
    wide = set(_WIDE_CELL.findall(window))
    if wide:
        max_column = max(max_column, max(column_number(letters) for letters in wide))
    elif b' r="' in window:
        max_column = max(max_column, 1)
    # rows of 6+ digits always count; below 100,000 only a wide sheet (columns past Z) can pass the
    # cell limit, so only then are all the row tags read (else the last one of the window does)
    rows = set(_FAR_CELL.findall(window))
    if max_column > ONE_LETTER_COLUMNS:
        rows |= set(_ROW_TAG.findall(window))
    else:
        last = window.rfind(b'row r="')
        match = _ROW_TAG.match(window, last) if last >= 0 else None
        if match:
            rows.add(match.group(1))
    if rows:
        max_row = max(max_row, max(map(int, rows)))
    _check_grid(path, max_column, max_row, "has")
    return max_column, max_row


def _check_grid(path: Path, columns: int, rows: int, verb: str) -> None:
    if columns > EXCEL_MAX_COLUMNS:
        raise TooBig(f"{path}: the sheet {verb} a cell in column {columns:,}, past Excel's last column XFD "
                     f"({EXCEL_MAX_COLUMNS:,})")
    if rows > EXCEL_MAX_ROWS:
        raise TooBig(f"{path}: the sheet {verb} a cell in row {rows:,}, past Excel's last row "
                     f"({EXCEL_MAX_ROWS:,})")
    if max(columns, ONE_LETTER_COLUMNS if columns else 0) * rows > MAX_CELLS:
        raise TooBig(f"{path}: the sheet {verb} cells up to row {rows:,} and column {columns:,}: "
                     f"{columns * rows:,} cells, more than the {MAX_CELLS:,} a spreadsheet may span here "
                     "(delete the stray far cells, or save the table as CSV)")


def _inflate(path: Path, raw, info: zipfile.ZipInfo):
    """The part's bytes, inflated a chunk at a time from its own compressed data (whatever sizes
    the headers claim, at most CHUNK bytes come out per step)."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise DealcoachError(f"{path}: is not a readable spreadsheet (a broken zip entry {info.filename})")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = raw.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
            yield data
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise DealcoachError(f"{path}: is not a readable spreadsheet ({info.filename} is packed in an unusual "
                             "way)")
    inflater = zlib.decompressobj(-15)
    while left > 0 or inflater.unconsumed_tail:
        if inflater.unconsumed_tail:
            source = inflater.unconsumed_tail
        else:
            source = raw.read(min(CHUNK, left))
            if not source:
                return
            left -= len(source)
        try:
            data = inflater.decompress(source, CHUNK)
        except zlib.error:
            raise DealcoachError(f"{path}: is not a readable spreadsheet ({info.filename} is damaged)") from None
        if data:
            yield data
        if inflater.eof:
            return


# --- text tables -----------------------------------------------------------------------------


def check_columns(path: Path, count: int, at_least: bool = False) -> None:
    if count > EXCEL_MAX_COLUMNS:
        counted = f"more than {EXCEL_MAX_COLUMNS:,}" if at_least else f"{count:,}"
        raise TooBig(f"{path}: {counted} columns; a prospect table may have {EXCEL_MAX_COLUMNS:,} (as Excel)")


def check_cells(path: Path, frame) -> None:
    """No cell longer than an Excel cell (one scan of the byte lengths, column at once)."""
    import polars as pl

    if not frame.width:
        return
    longest = frame.select(pl.max_horizontal([pl.col(c).str.len_bytes().max() for c in frame.columns])).item()
    if longest is not None and longest > MAX_CELL_BYTES:
        raise TooBig(f"{path}: a cell holds {longest:,} bytes; a cell may hold {EXCEL_MAX_CELL_CHARS:,} characters "
                     "(as Excel)")
