"""Crafted prospect files end in one line naming the file and the limit, quickly and in bounded
memory. Each hostile file is built here, small on disk."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from dealcoach.gradeio import limits


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rewrite(path: Path, change) -> Path:
    """The same package with each part passed through `change(name, bytes) -> bytes | iterable of
    bytes` (written as a stream, so a part may be far bigger than memory allows)."""
    original = path.with_suffix(".orig.xlsx")
    path.rename(original)
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            with target.open(info.filename, "w", force_zip64=True) as out:
                for block in ([data] if isinstance(data, bytes) else data):
                    out.write(block)
    original.unlink()
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _package(path: Path, rows: list[list[str]], shared_text=None, extra: dict | None = None) -> Path:
    """A minimal XLSX by hand, with shared strings (openpyxl writes inline ones): `shared_text`
    yields the bytes of the last shared string, so it may be far bigger than memory allows."""
    strings = [text for row in rows for text in row]
    cells = "".join(f'<row r="{r}">' + "".join(
        f'<c r="{chr(65 + c)}{r}" t="s"><v>{strings.index(text)}</v></c>' for c, text in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1))
    parts = {
        "[Content_Types].xml": f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets><sheet name="s" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
        f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
        f'Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>{cells}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        with package.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(f'<sst xmlns="{_MAIN}">'.encode())
            for text in strings:
                out.write(f"<si><t>{text}</t></si>".encode())
            if shared_text is not None:
                out.write(b"<si><t>")
                for block in shared_text:
                    out.write(block)
                out.write(b"</t></si>")
            out.write(b"</sst>")
        for name, blocks in (extra or {}).items():
            with package.open(name, "w", force_zip64=True) as out:
                for block in blocks:
                    out.write(block)
    return path


def _one_line_error(run, path: Path, *phrases: str) -> None:
    result = run("grade", str(path))
    assert result.exit_code == 1, result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {path}: "), result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr


def test_a_cell_at_the_far_corner_of_excel(run, tmp_path):
    path = tmp_path / "far.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["name", "close"])
    book.active.append(["甲", "2027-01-01"])
    book.active["XFD1048576"] = "x"
    book.save(path)
    assert path.stat().st_size < 10_000
    _one_line_error(run, path, "cells up to row 1,048,576 and column 16,384", f"{limits.MAX_CELLS:,}")


def test_a_cell_past_excels_last_column(run, tmp_path):
    path = _workbook(tmp_path / "zzzz.xlsx", [["name", "close"], ["甲", "2027-01-01"]])
    _rewrite(path, lambda name, data: data.replace(b'r="B2"', b'r="ZZZZ1"') if "worksheets" in name else data)
    _one_line_error(run, path, "column 475,254, past Excel's last column XFD")


def test_a_declared_dimension_past_the_limit(run, tmp_path):
    path = _workbook(tmp_path / "dimension.xlsx", [["name"], ["甲"]])
    _rewrite(path, lambda name, data: data.replace(b'<dimension ref="A1:A2" />', b'<dimension ref="A1:XFD1048576"/>')
             if "worksheets" in name else data)
    _one_line_error(run, path, "declares cells up to row 1,048,576")


def test_a_shared_string_bigger_than_a_cell(run, tmp_path):
    path = _package(tmp_path / "string.xlsx", [["name"], ["甲"]], shared_text=(b"A" * 2**20 for _ in range(8)))
    assert path.stat().st_size < 100_000
    _one_line_error(run, path, "xl/sharedStrings.xml holds a text of more than 32,767 characters")


def test_a_zip_bomb(run, tmp_path):
    path = _package(tmp_path / "bomb.xlsx", [["name"], ["甲"]], extra={"xl/media/image1.bin": (
        b"\0" * 2**20 for _ in range(40))})
    assert path.stat().st_size < 200_000
    _one_line_error(run, path, "xl/media/image1.bin unpacks to more than 200 times its packed size (a zip bomb")


def test_a_package_past_the_total_limit_is_inflated_only_to_the_limit(tmp_path, monkeypatch):
    path = _package(tmp_path / "big.xlsx", [["name"], ["甲"]], extra={"xl/media/image1.bin": (
        b" " * 2**20 for _ in range(40))})
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED", 8 * 2**20)
    monkeypatch.setattr(limits, "RATIO_FLOOR", 2**40)
    with pytest.raises(limits.TooBig, match="unpacks to more than 8 MiB"):
        limits.check_spreadsheet(path)


def test_a_hand_built_package_reads(run, tmp_path):
    path = _package(tmp_path / "ok.xlsx", [["name", "close"], ["甲", "2027-01-01"]])
    result = run("grade", str(path), "--json")
    assert result.exit_code == 0, result.stderr


def test_a_normal_workbook_passes_the_checks(run, tmp_path):
    path = _workbook(tmp_path / "fine.xlsx", [["name", "close", "probability"],
                                               *[[f"客户{i}", "2027-01-01", "30%"] for i in range(200)]])
    limits.check_spreadsheet(path)
    assert run("grade", str(path)).exit_code == 0


def test_a_csv_with_too_many_columns(run, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("name," + ",".join(f"c{i}" for i in range(20_000)) + "\n甲\n", encoding="utf-8")
    _one_line_error(run, path, "20,001 columns; a prospect table may have 16,384")


def test_a_csv_header_without_end(run, tmp_path, monkeypatch):
    from dealcoach.gradeio import read

    monkeypatch.setattr(read, "HEADER_LINE_BYTES", 2**20)
    path = tmp_path / "endless.csv"
    path.write_bytes(b"name" + b"x" * (3 * 2**20))
    _one_line_error(run, path, "the header line is longer than 1 MiB")


def test_a_csv_cell_bigger_than_an_excel_cell(run, tmp_path):
    path = tmp_path / "cell.csv"
    path.write_text("name,notes\n甲," + "x" * 200_000 + "\n", encoding="utf-8")
    _one_line_error(run, path, "a cell holds 200,000 bytes")


def test_a_json_table_with_too_many_columns(run, tmp_path):
    import json

    path = tmp_path / "wide.json"
    path.write_text(json.dumps([{"name": "甲", **{f"c{i}": 1 for i in range(17_000)}}]), encoding="utf-8")
    _one_line_error(run, path, "17,001 columns")


def test_columns_named_like_dealcoachs_own_are_just_columns(run, tmp_path):
    import json

    path = tmp_path / "own.csv"
    path.write_text("name,__dealcoach_row,_close,close\n甲,5,zz,2027-01-01\n", encoding="utf-8")
    result = run("grade", str(path), "--json", "--today", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    prospect = json.loads(result.stdout)["prospects"][0]
    assert (prospect["name"], prospect["row"], prospect["expected_close"]) == ("甲", 2, "2027-01-01")
    keyed = tmp_path / "nul.json"
    keyed.write_text(json.dumps([{"name": "乙", "\u0000row": "7"}]), encoding="utf-8")
    assert run("grade", str(keyed)).exit_code == 0


def test_an_empty_header_mapped_with_map(run, tmp_path):
    import json

    path = tmp_path / "empty.csv"
    path.write_text(",name,\n甲,x,y\n", encoding="utf-8")
    result = run("grade", str(path), "--map", "name=", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["prospects"][0]["name"] == "甲"


def test_export_of_many_columns_is_linear(run, tmp_path):
    path = tmp_path / "many.csv"
    columns = 3_000  # the export was quadratic in the column count (16,000: 507 s, now 5 s)
    path.write_text("name," + ",".join(f"c{i}" for i in range(columns)) + "\n甲," + ",".join("=1" for _ in range(columns))
                    + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("grade", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "'=1" in out.read_text(encoding="utf-8-sig")
