"""The Rich views of `deal list` and `deal show` (render/deals.py): what a rep reads, in en and zh,
with user text shown as typed (Rich markup in a name is text, not style)."""

from __future__ import annotations

import json

import pytest

from dealcoach.i18n import message
from dealcoach.playbook.loader import load_playbook

WIDE = {"COLUMNS": "160"}  # wide enough that no column is cut: the content is what is checked here
NAME = "[bold]宁夏[/bold]新工程项目工业油"


@pytest.fixture
def ningxia(run):
    def ok(*args):
        result = run(*args)
        assert result.exit_code == 0, result.stderr

    ok("deal", "new", "--name", NAME, "--account", "宁夏某新工程项目", "--amount", "800000",
       "--close", "2015-11-30", "--probability", "20%")
    ok("deal", "edit", "宁夏", "--competitor", "另外三家供应商", "--notes", "程序化接待 [red]别急[/red]")
    ok("stage", "宁夏", "--done", "prospect-assessed", "--evidence", "评估表已填")
    ok("people", "add", "宁夏", "--name", "项目经理", "--influence", "high")
    ok("people", "add", "宁夏", "--name", "涂主任", "--role", "technical-supporter", "--reports-to", "项目经理")
    ok("deal", "new", "--name", "华东钢厂润滑油", "--account", "华东钢厂", "--amount", "1200000", "--currency", "EUR")
    return "宁夏"


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deal_list_has_a_header_and_one_row_per_deal(run, ningxia, lang):
    out = run("deal", "list", "--lang", lang, env=WIDE).stdout
    header = next(line for line in _lines(out) if message("col.name", lang) in line)
    for key in ("col.id", "col.account", "col.status", "col.stage", "col.grade", "col.amount", "col.close",
                "col.probability", "col.next_follow_up", "col.owner"):
        assert message(key, lang) in header, key
    [first] = [line for line in _lines(out) if NAME in line]  # the markup is text, not bold
    develop = load_playbook("six-step").stages[0].name.get(lang)
    for cell in ("宁夏某新工程项目", message("status.open", lang), develop, "800,000 CNY", "2015-11-30", "20%", "tester"):
        assert cell in first, cell
    [second] = [line for line in _lines(out) if "华东钢厂润滑油" in line]
    assert "1,200,000 EUR" in second and "20%" not in second and "2015" not in second
    assert out.index(NAME) < out.index("华东钢厂润滑油")  # by id


def test_deal_list_without_deals_says_so(run):
    result = run("deal", "list")
    assert result.exit_code == 0 and result.stdout.strip() == message("deal.none", "en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_deal_show_has_the_facts_progress_people_and_history(run, ningxia, lang):
    out = run("deal", "show", ningxia, "--lang", lang, env=WIDE).stdout
    playbook = load_playbook("six-step")
    assert f"1: {NAME}" in out.splitlines()[0]  # the panel's title, markup shown as typed
    facts = {message("col.account", lang): "宁夏某新工程项目", message("col.playbook", lang): playbook.name.get(lang),
             message("col.amount", lang): "800,000 CNY", message("col.close", lang): "2015-11-30",
             message("col.probability", lang): "20%", message("col.owner", lang): "tester"}
    for label, value in facts.items():
        assert any(label in line and value in line for line in _lines(out)), (label, value)
    # what is done, by its text in the playbook (★ for a key milestone), with its date and evidence
    milestone = playbook.stage("develop").key_milestone.text.get(lang)
    done = next(line for line in _lines(out) if milestone in line)
    assert "✓" in done and "★" in done and "评估表已填" in done
    assert "prospect-assessed" not in done
    # the people in the order they were added, the competitor, the notes as typed
    assert out.index("项目经理") < out.index("涂主任")
    assert "另外三家供应商" in out and "程序化接待 [red]别急[/red]" in out
    # the history: the last ten changes, each with who made it
    history = json.loads(run("deal", "show", ningxia, "--json").stdout)["history"]
    assert message("col.history", lang) in out
    for entry in history:
        # English shows the history line as stored; Chinese as a sentence (render/deals.history_line)
        local = __import__("datetime").datetime.fromisoformat(entry["at"]).astimezone().strftime("%Y-%m-%d %H:%M")
        shown = entry["what"][:40] if lang == "en" else local
        assert any(shown in line and entry["who"] in line for line in _lines(out)), entry["what"]
    if lang == "zh":
        assert "customer_step:" not in out and "null ->" not in out
