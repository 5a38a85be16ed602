"""`log edit` and `log rm`: one logged entry corrected or removed, recorded in history; and `log add`
confirms what it stored whatever way the rep typed it."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLES


@pytest.fixture
def ningxia(run):
    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    for outcome in ("no-answer", "no-answer"):  # the same call twice in a minute: both kept
        result = run("log", "add", "宁夏", "--kind", "call", "--outcome", outcome, "--contact", "负责人A",
                     "--date", "2026-11-20T10:00")
        assert result.exit_code == 0, result.stderr
    return "宁夏"


def _log(run, deal):
    return json.loads(run("log", deal, "--json").stdout)


def test_edit_corrects_one_entry_and_history_says_what(run, ningxia):
    first, second = _log(run, ningxia)
    result = run("log", "edit", ningxia, "2", "--outcome", "connected", "--note", "接通了")
    assert result.exit_code == 0, result.stderr
    after = _log(run, ningxia)
    assert [a["id"] for a in after] == [first["id"], second["id"]]
    assert after[0]["outcome"] == "no-answer" and after[1]["outcome"] == "connected" and after[1]["note"] == "接通了"
    history = json.loads(run("deal", "show", ningxia, "--json").stdout)["history"]
    assert "activity: corrected call no-answer" in history[-1]["what"]
    assert "outcome no-answer -> connected" in history[-1]["what"]


def test_edit_takes_labels_and_an_id(run, ningxia):
    second = _log(run, ningxia)[1]
    assert run("log", "edit", ningxia, second["id"][:8], "--outcome", "已接通", "--lang", "zh").exit_code == 0
    assert _log(run, ningxia)[1]["outcome"] == "connected"


def test_rm_removes_one_of_two_identical_entries(run, ningxia):
    first, second = _log(run, ningxia)
    result = run("log", "rm", ningxia, "1", "--yes")
    assert result.exit_code == 0, result.stderr
    assert [a["id"] for a in _log(run, ningxia)] == [second["id"]]
    history = json.loads(run("deal", "show", ningxia, "--json").stdout)["history"]
    assert history[-1]["what"].startswith("activity: removed call no-answer of 2026-11-20")


def test_rm_without_a_terminal_names_the_flag_and_keeps_the_entry(run, ningxia):
    result = run("log", "rm", ningxia, "1")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert len(_log(run, ningxia)) == 2


@pytest.mark.parametrize("args", [["log", "rm", "宁夏", "3", "--yes"], ["log", "edit", "宁夏", "nope", "--note", "x"],
                                  ["log", "edit", "宁夏", "1"], ["log", "edit", "宁夏", "1", "--contact", "无名氏"],
                                  ["log", "edit", "宁夏", "1", "--date", "9999-12-31"]])
def test_bad_corrections_are_one_line_and_change_nothing(run, ningxia, args):
    before = _log(run, ningxia)
    result = run(*args)
    assert result.exit_code in (1, 2) and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert _log(run, ningxia) == before


def test_add_confirms_what_it_stored_when_typed_in_chinese(run, ningxia):
    result = run("log", "add", ningxia, "--kind", "电话", "--outcome", "未接通", "--contact", "负责人A",
                 "--date", "2026-11-01T09:00", "--lang", "zh")
    assert result.exit_code == 0 and result.stdout.strip() == "已记录：电话，未接通（宁夏新工程项目工业油）"
    added = json.loads(run("log", "add", ningxia, "--kind", "email", "--outcome", "sent",
                           "--date", "2026-10-01T09:00", "--json").stdout)  # backdated: not the last entry
    assert added["kind"] == "email" and added["date"].startswith("2026-10-01")


def test_an_id_that_starts_with_digits_is_found_by_its_start():
    from datetime import date

    from dealcoach.deals.edit import find_activity
    from dealcoach.deals.models import Activity, Deal

    deal = Deal(name="甲项目", activities=[Activity(id="12345678" + "a" * 24, date=date(2026, 11, 1), kind="call", outcome="connected"),
                                           Activity(id="b" * 32, date=date(2026, 11, 2), kind="call", outcome="connected")])
    assert find_activity(deal, "12345678") == 0      # out of the rows' range: read as an id's start
    assert find_activity(deal, "2") == 1             # in range: the row number
