"""Files that are not what their name says: a corrupt or fake XLSX, YAML and JSON in GBK or UTF-16.
Each is one clear line naming the file, exit 1, no traceback, and nothing written or stored."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from conftest import write

GBK_YAML = "name: 宁夏新工程项目工业油\naccount: 宁夏某新工程项目\n"
GBK_JSON = json.dumps([{"客户名称": "宁夏新工程项目", "赢单概率": "20%"}], ensure_ascii=False)


def one_error_line(result, path: Path) -> str:
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and path.name in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def real_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["客户名称", "预计成交日期", "赢单概率"])
    book.active.append(["宁夏新工程项目", "2026-12-20", "20%"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def broken_sheet_xlsx() -> bytes:
    """A valid zip and workbook whose sheet XML is cut in the middle of a row."""
    source = zipfile.ZipFile(io.BytesIO(real_xlsx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            out.writestr(item, data)
    return buffer.getvalue()


def zip_of_something_else() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


XLSX_CASES = {
    "random-bytes": lambda: bytes(range(256)) * 8,
    "truncated": lambda: real_xlsx()[:1500],
    "a-zip-but-not-a-workbook": zip_of_something_else,
    "empty": lambda: b"",
}


@pytest.mark.parametrize("case", list(XLSX_CASES))
def test_a_corrupt_xlsx_is_one_line(run, tmp_path, case):
    path = tmp_path / f"{case}.xlsx"
    path.write_bytes(XLSX_CASES[case]())
    out = tmp_path / "graded.xlsx"
    one_error_line(run("grade", str(path), "-o", str(out)), path)
    assert not out.exists()


def test_an_xlsx_with_a_cut_sheet_is_one_line_or_reads_what_is_whole(run, tmp_path):
    """Cut XML may still parse up to the cut (calamine is lenient); either way no traceback."""
    path = tmp_path / "cut.xlsx"
    path.write_bytes(broken_sheet_xlsx())
    result = run("grade", str(path), "--json")
    if result.exit_code == 1:
        one_error_line(result, path)
    else:
        assert result.exit_code == 0 and json.loads(result.stdout)["prospects"] is not None


def test_a_real_xlsx_still_reads(run, tmp_path):
    path = tmp_path / "prospects.xlsx"
    path.write_bytes(real_xlsx())
    result = run("grade", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert [p["name"] for p in json.loads(result.stdout)["prospects"]] == ["宁夏新工程项目"]


# --- text files in the wrong encoding ----------------------------------------------------------

ENCODED = {"gbk": "gbk", "utf-16": "utf-16"}


@pytest.mark.parametrize("encoding", list(ENCODED))
@pytest.mark.parametrize("command", [("stage", "--deal-file"), ("deal", "import"), ("playbook", "validate"),
                                     ("grade",), ("stage", "--example", "ningxia-industrial-oil", "--answers")])
def test_yaml_not_in_utf8_is_one_line_saying_so(run, tmp_path, encoding, command):
    path = tmp_path / "deal.yaml"
    path.write_bytes(GBK_YAML.encode(ENCODED[encoding]))
    line = one_error_line(run(*command, str(path)), path)
    assert "UTF-8" in line
    assert run("deal", "list", "--json").stdout.strip() in ("[]", "")  # nothing was stored


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_json_grade_file_not_in_utf8_is_one_line(run, tmp_path, encoding):
    path = tmp_path / "prospects.json"
    path.write_bytes(GBK_JSON.encode(ENCODED[encoding]))
    assert "UTF-8" in one_error_line(run("grade", str(path)), path)


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_a_backup_not_in_utf8_is_refused_before_the_store_is_touched(run, tmp_path, encoding):
    assert run("deal", "new", "--name", "宁夏新工程项目工业油").exit_code == 0
    backup = tmp_path / "team.json"
    assert run("db", "backup", str(backup)).exit_code == 0
    path = tmp_path / "converted.json"
    path.write_bytes(backup.read_text(encoding="utf-8").encode(ENCODED[encoding]))
    elsewhere = {"DEALCOACH_HOME": str(tmp_path / "new-home")}  # restore goes into an empty database
    one_error_line(run("db", "restore", str(path), env=elsewhere), path)
    assert run("deal", "list", "--json", env=elsewhere).stdout.strip() in ("[]", "")
    assert run("db", "restore", str(backup), env=elsewhere).exit_code == 0  # the UTF-8 original restores


def test_a_profile_not_in_utf8_is_one_line(run, isolated_home):
    profile = write(isolated_home / "profile.yaml", "")
    profile.write_bytes("name: 张伟\ncompany: 华北润滑科技\n".encode("gbk"))
    result = run("profile", "show")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "profile.yaml" in result.stderr and "UTF-8" in result.stderr
