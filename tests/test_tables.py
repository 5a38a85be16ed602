"""Every table at 80 and 100 columns, in zh, zh-Hant and en, read line by line (render/console.py `Fitted`):
no number, date, amount or id split over lines or cut short, no line of a cell starting with closing
punctuation or ending with opening punctuation, nothing wider than the terminal, and the columns
left out named in one line."""

from __future__ import annotations

import re

import pytest

from dealcoach.i18n import message
from dealcoach.typeset import CLOSING, OPENING, width

# a number, date, time, amount, percentage or id as one token ("1,200,000", "2027-03-15", "17:30", "30%")
NUMERIC = re.compile(r"\d[\d,.:/\-]*\d%?|\d%?")
CELL_EDGES = re.compile(r"[│┃]")
BOX = "│┃║ ╭╮╰╯─━┏┓┗┛┡┩┣┫╇╈┳┻╋├┤┼┬┴└┘┌┐"
# a dash or an ellipsis may open a cell ("—", "…"); an ASCII quote opens as well as closes
NOT_A_LINE_START = CLOSING - set("-—…\"'")


# how the line naming the columns left out begins, in every language
DROPPED_NOTES = tuple(message("table.dropped_some", lang, count=0, columns="")[:5] for lang in ("zh", "zh-Hant", "en"))


@pytest.fixture
def deals(run, tmp_path):
    from conftest import EXAMPLES

    def ok(*args):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)

    for example in sorted(EXAMPLES.glob("*.yaml")):
        ok("deal", "import", str(example))
    ok("deal", "new", "--name", "宁夏新工程项目工业油第二期扩建", "--amount", "1200万", "--close", "2027/3/15",
       "--probability", "三成", "--account", "宁夏某新工程项目（二期）")
    ok("deal", "new", "--name", "华东钢厂润滑油年度框架协议", "--amount", "EUR 1,234,567", "--close", "2027-11-30",
       "--probability", "70%")
    ok("log", "add", "1", "--kind", "call", "--outcome", "connected", "--contact", "采购副总", "--date", "2026-11-20 14:30",
       "--note", "接通了，约下周二上门，对方说预算已经批下来了（1,200,000 元），但是要走招标流程（公开招标）。")
    ok("log", "add", "1", "--kind", "call", "--outcome", "meeting-booked", "--date", "2026-11-21 09:00", "--note", "约好了")
    ok("deal", "close", "3", "--won", "--reason", "中标")
    crm = tmp_path / "客户.csv"
    crm.write_text("客户名称,预计成交日期,成交可能性,金额,负责人\n"
                   "宁夏某新工程项目,2026-01-20,0.2,800000,张三\n"
                   "某汽车集团配件供货（华东区域二期项目）,2026-05-01,60%,1200万,李四\n"
                   "A公司信息化管理系统改造,,0.45,EUR 5.000,王五\n", encoding="utf-8")
    return crm


def _commands(crm) -> list[tuple[str, ...]]:
    return [("deal", "list"), ("deal", "show", "1"), ("deal", "show", "4"),
            ("people", "list", "1"), ("log", "1"), ("followup", "--today", "2026-12-01"),
            ("funnel",), ("pipeline",), ("grade", "--deals", "--today", "2026-12-01"),
            ("grade", str(crm), "--today", "2026-01-15"), ("playbook", "list"), ("playbook", "show", "six-step"),
            ("map", "1"), ("stage", "1"), ("stage", "2", "--all"),
            ("grade", "--deals", "--explain", "宁夏新工程项目工业油第二期", "--today", "2026-12-01"),
            ("people", "show", "1", "采购副总"), ("call-script", "1"), ("objections", "1")]


def _numeric_tokens(text: str) -> set[str]:
    return {token for line in text.splitlines() for token in NUMERIC.findall(line)}


def _problems(output: str, wide: str, columns: int) -> list[str]:
    """What a reader would trip over in `output`; `wide` is the same output where nothing is cut."""
    problems = []
    whole = _numeric_tokens(wide)
    for line in output.splitlines():
        if width(line) > columns:
            problems.append(f"wider than {columns}: {line}")
        for cell in CELL_EDGES.split(line):
            text = cell.strip(BOX)
            # the funnel's "%" header and the call script's "? " before a question are marks, not breaks
            if text and text[0] in NOT_A_LINE_START and text != "%" and not text.startswith("? "):
                problems.append(f"starts with {text[0]!r}: {line}")
            if text and text[-1] in OPENING:
                problems.append(f"ends with {text[-1]!r}: {line}")
        # a number split over lines or cut short reads as a number the wide output never shows (the
        # line naming the columns left out counts them: a number the wide output has no need for)
        if not line.startswith(DROPPED_NOTES):
            problems += [f"{token!r} split or cut: {line}" for token in NUMERIC.findall(line) if token not in whole]
    return problems


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
@pytest.mark.parametrize("columns", [80, 100])
def test_every_table_fits_without_splitting_a_number(run, deals, lang, columns):
    for args in _commands(deals):
        wide = run(*args, "--lang", lang, env={"COLUMNS": "400"})
        narrow = run(*args, "--lang", lang, env={"COLUMNS": str(columns)})
        assert narrow.exit_code == 0 == wide.exit_code, (args, narrow.stderr)
        assert narrow.stdout.strip(), args
        problems = _problems(narrow.stdout, wide.stdout, columns)
        assert not problems, "\n".join([" ".join(args), *problems])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_columns_left_out_are_named_in_one_line(run, deals, lang):
    listing = run("deal", "list", "--lang", lang, env={"COLUMNS": "80"}).stdout
    note = message("table.dropped", lang, columns="").split("{")[0][:6]
    assert note in listing
    dropped = next(line for line in listing.splitlines() if note in line)
    assert message("col.owner", lang) in dropped  # the least important goes first
    # the amounts and dates a rep scans for are all there, each whole on one line
    for token in ("12,000,000 CNY", "1,234,567 EUR", "2027-03-15", "2027-11-30"):
        assert any(token in line for line in listing.splitlines()), (token, listing)
    # however many are left out, the note is one line: it ends with its closing bracket
    for args in (("deal", "list"), ("pipeline",)):
        for columns in ("60", "80"):
            output = run(*args, "--lang", lang, env={"COLUMNS": columns}).stdout
            notes = [line.rstrip() for line in output.splitlines() if line.startswith(DROPPED_NOTES)]
            assert notes, (args, columns)
            for note in notes:
                assert note.endswith(("）", ")")) and width(note) <= int(columns), note
    # wide enough, nothing is left out and nothing is said about it
    assert note not in run("deal", "list", "--lang", lang, env={"COLUMNS": "400"}).stdout


def test_a_pipeline_row_keeps_its_amount_whole_and_cuts_text_instead(run, deals):
    out = run("pipeline", "--lang", "zh", env={"COLUMNS": "80"}).stdout
    assert "12,000,000 CNY" in out and "1,234,567 EUR" in out
    assert "…" in out  # long names and steps are cut on one line, not wrapped


def test_the_fitting_is_one_rule_for_every_table():
    """No renderer builds a bare Rich table with columns of its own: each declares its columns
    (FittedColumn) next to it and hands them to the one fitting (a grid for labels is not a table)."""
    import ast

    from conftest import ROOT

    for path in sorted((ROOT / "src" / "dealcoach").rglob("*.py")):
        if path.name == "console.py" or "html" in path.name:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Table":
                pytest.fail(f"{path.relative_to(ROOT)}:{node.lineno}: a Rich Table built by hand; declare FittedColumns")
