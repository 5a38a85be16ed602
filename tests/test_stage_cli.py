"""`dealcoach stage` and `dealcoach deal ...` through the CLI: flags, files, prompts, a real pty."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, write

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"


def test_stage_example_json_has_the_documented_keys(run):
    result = run("stage", "--example", "ningxia-industrial-oil", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["deal"] == "宁夏新工程项目工业油" and data["playbook"] == "six-step"
    assert data["sales_stage"]["id"] == "develop"
    assert data["customer_step"] == {**data["customer_step"], "id": "supplier-screening", "source": "observed"}
    assert data["missing"][0]["id"] == "prospect-assessed"
    assert data["warnings"][0] == {**data["warnings"][0], "id": "customer-ahead", "severity": "high"}
    actions = data["next_actions"]
    assert len(actions) >= 3 and actions[0]["source"] == "rule:customer-ahead"
    assert all(action["text"].strip() and action["source"] for action in actions)
    assert [action["rank"] for action in actions] == sorted(action["rank"] for action in actions)


def test_stage_example_terminal_output(run):
    result = run("stage", "--example", "ningxia-industrial-oil", "--all")
    assert result.exit_code == 0
    assert "▶ Develop (you are here)" in result.stdout
    assert "customer is here" in result.stdout
    assert "[high]" in result.stdout and "The customer is already at" in result.stdout
    # a warning's id is for scripts (--json); people read its message (item ids stay: --done takes them)
    assert "(customer-ahead)" not in result.stdout
    zh = run("stage", "--example", "ningxia-industrial-oil", "--lang", "zh")
    assert "▶ 开发阶段" in zh.stdout and "下一步行动" in zh.stdout


def test_example_list(run):
    result = run("example", "list", "--json")
    names = {row["name"] for row in json.loads(result.stdout)}
    assert names == {"ningxia-industrial-oil", "company-a-information-system", "auto-parts-supplier"}


def test_deal_file_diagnosis_needs_no_database(run, isolated_home):
    result = run("stage", "--deal-file", str(EXAMPLES / "auto-parts-supplier.yaml"), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sales_stage"]["id"] == "entry"
    assert not (isolated_home / "dealcoach.db").exists()


def test_stage_records_flags_and_saves(run):
    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    result = run("stage", "宁夏", "--done", "key-elements-collected", "--done", "assessment-passed",
                 "--done", "grade-assigned", "--done", "prospect-assessed", "--evidence", "评估表已填",
                 "--customer-step", "supplier-screening", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["sales_stage"]["id"] == "entry"
    assert "customer-ahead" not in {w["id"] for w in data["warnings"]}
    shown = json.loads(run("deal", "show", "1", "--json").stdout)
    marks = {m["id"]: m for m in shown["done"]}
    assert marks["prospect-assessed"]["evidence"] == "评估表已填" and marks["prospect-assessed"]["date"]
    assert shown["version"] == 2
    assert "done: +assessment-passed +grade-assigned +key-elements-collected +prospect-assessed" in \
        shown["history"][-1]["what"]
    undo = run("stage", "1", "--undone", "prospect-assessed", "--json")
    assert json.loads(undo.stdout)["sales_stage"]["id"] == "develop"


def test_answers_file(run, tmp_path):
    run("deal", "new", "--name", "甲项目")
    answers = write(tmp_path / "answers.yaml", "done: [find-leads, {id: assess-opportunity, evidence: 已评估}]\n"
                                               "customer_step: need-and-approval\n")
    result = run("stage", "甲项目", "--answers", str(answers), "--json")
    assert result.exit_code == 0
    shown = json.loads(run("deal", "show", "甲项目", "--json").stdout)
    assert {m["id"] for m in shown["done"]} == {"find-leads", "assess-opportunity"}
    bad = write(tmp_path / "bad.yaml", "done: [find-leads]\ncustomer_stepp: x\n")
    result = run("stage", "甲项目", "--answers", str(bad))
    assert result.exit_code == 1 and "bad.yaml:2:1: customer_stepp: unknown key" in result.stderr


def test_unknown_ids_are_one_line_errors(run):
    run("deal", "new", "--name", "x")
    result = run("stage", "x", "--done", "no-such-item")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("error: done.0: unknown work item, exit criterion or key milestone "
                                     "'no-such-item' for playbook six-step")
    result = run("stage", "x", "--customer-step", "moon")
    assert result.exit_code == 1 and "unknown customer step 'moon'" in result.stderr


def test_stage_shows_and_asks_nothing_but_the_walk_needs_a_terminal(run):
    run("deal", "new", "--name", "x")
    shown = run("stage", "x")  # a view: works in a pipe, for a manager
    assert shown.exit_code == 0 and "Next actions" in shown.stdout
    result = run("stage", "x", "--walk")
    assert result.exit_code == 2
    assert "no terminal to ask questions on: use --done/--undone/--customer-step" in result.stderr
    assert run("stage").exit_code == 2


def test_deal_crud_by_flags(run, tmp_path):
    created = run("deal", "new", "--name", "宁夏新工程项目工业油", "--account", "宁夏某新工程项目", "--amount",
                  "800,000", "--close", "2015-11-30", "--probability", "20%", "--competitor", "另外三家供应商")
    assert created.exit_code == 0 and "Created deal 1" in created.stdout
    listed = json.loads(run("deal", "list", "--json").stdout)
    assert listed[0]["amount"] == 800000 and listed[0]["probability"] == 0.2 and listed[0]["owner"] == "tester"
    edited = run("deal", "edit", "工业油", "--probability", "35%")
    assert edited.exit_code == 0 and "Saved deal 1" in edited.stdout
    bad = run("deal", "edit", "1", "--probability", "150%")
    assert bad.exit_code == 1 and "probability: '150%' is out of range" in bad.stderr
    bad = run("deal", "edit", "1", "--close", "2015-13-45")
    assert bad.exit_code == 1 and "expected_close:" in bad.stderr
    assert run("deal", "rm", "1").exit_code == 2  # no terminal to confirm on
    removed = run("deal", "rm", "1", "--yes")
    assert removed.exit_code == 0 and json.loads(run("deal", "list", "--json").stdout) == []
    assert run("deal", "show", "1").exit_code == 1


def test_export_then_import_gives_the_same_deal(run, tmp_path):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    run("stage", "1", "--done", "prospect-assessed", "--evidence", "ok")
    exported = tmp_path / "out.yaml"
    assert run("deal", "export", "1", "-o", str(exported)).exit_code == 0
    assert run("deal", "import", str(exported), "--as-new").exit_code == 0
    first = json.loads(run("deal", "show", "1", "--json").stdout)
    second = json.loads(run("deal", "show", "2", "--json").stdout)
    for data in (first, second):
        for key in ("id", "version", "history"):
            data.pop(key)
    assert first == second
    assert run("deal", "export", "2").stdout == exported.read_text(encoding="utf-8").replace("id: 1\n", "id: 2\n", 1)


BAD_DEAL_FILES = {
    "bad-date": ("name: x\nexpected_close: 2015-02-30\n", r"x\.yaml:2:17: invalid YAML: .2015-02-30. is not a valid date"),
    "bad-probability": ("name: x\nprobability: 1.5\n", r"x\.yaml:2:1: probability: 1\.5 is out of range"),
    "unknown-key": ("name: x\ncolour: red\n", r"x\.yaml:2:1: colour: unknown key"),
    "unknown-id": ("name: x\ndone: [find-leads, nope]\n", r"x\.yaml:2:\d+: done\.1: unknown work item"),
    "unknown-step": ("name: x\ncustomer_step: moon\n", r"x\.yaml:2:1: customer_step: unknown customer step 'moon'"),
    "unknown-playbook": ("name: x\nplaybook: nine-step\n", r"x\.yaml:2:1: playbook: no playbook 'nine-step'"),
    "bad-attitude": ("name: x\npeople:\n  - {name: A, attitude: angry}\n", r"x\.yaml:3:\d+: people\.0\.attitude: "),
    "unknown-role": ("name: x\npeople:\n  - {name: A, roles: [boss]}\n", r"x\.yaml:3:\d+: people\.0\.roles\.0: unknown role 'boss'"),
    "duplicate-person": ("name: x\npeople:\n  - {name: A}\n  - {name: A}\n", r"people\.1\.name: duplicate person 'A'"),
    "reports-to-nobody": ("name: x\npeople:\n  - {name: A, reports_to: Z}\n", r"people\.0\.reports_to: 'Z' is not a person"),
    "cycle": ("name: x\npeople:\n  - {name: A, reports_to: B}\n  - {name: B, reports_to: A}\n",
              r"reporting lines form a cycle: A -> B -> A"),
    "no-name": ("account: y\n", r"x\.yaml:1:1: name: Field required"),
    "not-a-mapping": ("- a\n", r"x\.yaml:1:1: a deal file must be a mapping"),
    "python-tag": ("name: !!python/object/apply:os.system [ls]\n", r"x\.yaml:1:7: tag !!python/object/apply:os.system is not allowed"),
    "store-only": ("name: x\nversion: 5\n", r"x\.yaml:2:1: version: is set by the store"),
}


@pytest.mark.parametrize("case", sorted(BAD_DEAL_FILES))
def test_bad_deal_files_give_one_line_errors(run, tmp_path, case):
    import re

    text, pattern = BAD_DEAL_FILES[case]
    path = write(tmp_path / "x.yaml", text)
    for command in (("stage", "--deal-file", str(path)), ("deal", "import", str(path))):
        result = run(*command)
        assert result.exit_code == 1, result.stdout
        assert re.search(pattern, result.stderr), result.stderr
        assert "Traceback" not in result.stderr
    assert run("deal", "list", "--json").stdout.strip() == "[]"


def test_import_is_all_or_nothing(run, tmp_path):
    bad = write(tmp_path / "bad.yaml", "name: x\nprobability: 7\n")
    result = run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"), str(bad))
    assert result.exit_code == 1
    assert json.loads(run("deal", "list", "--json").stdout) == []


# --- the interactive walk, through prompt_toolkit's pipe input -----------------------------------

def test_interactive_walk_asks_and_saves(run, keys):
    run("deal", "new", "--name", "甲项目")
    # develop: find-leads, assess-opportunity, grade-customer, ★prospect-assessed, then 3 criteria: tick all
    keys.send_text("a" + ENTER)  # questionary checkbox: 'a' toggles all
    # entry stage comes next (develop's gate is met): tick the first item only
    keys.send_text(SPACE + ENTER)
    # customer step: "not sure" is pre-selected (none recorded); down wraps to step 1, then step 2
    keys.send_text(DOWN + DOWN + ENTER)
    result = run("stage", "甲项目", "--walk")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("deal", "show", "甲项目", "--json").stdout)
    assert shown["customer_step"] == "supplier-screening"
    done = {m["id"] for m in shown["done"]}
    assert {"prospect-assessed", "assessment-passed", "find-leads"} <= done
    assert "Entry" in result.stdout


def test_second_walk_is_prefilled(run, keys):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    keys.send_text(ENTER)          # keep the develop checklist exactly as stored (find-leads pre-ticked)
    keys.send_text(ENTER)          # customer step: the stored one is pre-selected
    result = run("stage", "1", "--walk")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("deal", "show", "1", "--json").stdout)
    assert [m["id"] for m in shown["done"]] == ["find-leads"] and shown["version"] == 1


def test_ctrl_c_mid_walk_saves_nothing(run, keys):
    run("deal", "new", "--name", "甲项目")
    keys.send_text("a" + ENTER)
    keys.send_text(CTRL_C)
    result = run("stage", "甲项目", "--walk")
    assert result.exit_code == 130
    shown = json.loads(run("deal", "show", "甲项目", "--json").stdout)
    assert shown["done"] == [] and shown["version"] == 1


def test_walk_picks_a_stored_deal_or_a_new_one_and_not_sure_clears_the_step(run, keys):
    run("deal", "new", "--name", "甲项目", "--customer-step", "supplier-screening")
    keys.send_text(DOWN + ENTER)       # the picker: below the stored deal is "start a new deal"
    keys.send_text("丙项目" + ENTER)   # name
    keys.send_text(ENTER)             # account
    keys.send_text(ENTER)             # playbook: six-step
    keys.send_text(ENTER * 4)         # amount, currency, close, probability: the new-deal form's rest
    keys.send_text(ENTER)             # develop checklist: nothing done
    keys.send_text(ENTER)             # customer step: "not sure" is pre-selected for a new deal
    keys.send_text(ENTER)             # not sure: which signals were seen? none
    result = run("stage")
    assert result.exit_code == 0, result.output
    assert [d["name"] for d in json.loads(run("deal", "list", "--json").stdout)] == ["甲项目", "丙项目"]
    keys.send_text(ENTER)             # the picker: the first stored deal
    keys.send_text(ENTER)             # its develop checklist unchanged
    keys.send_text(DOWN * 5 + ENTER)  # from supplier-screening (2nd) down to the last option: not sure
    keys.send_text(ENTER)             # no signals seen
    result = run("stage")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("deal", "show", "甲项目", "--json").stdout)
    assert shown["customer_step"] is None


def test_walk_without_deal_can_start_a_new_one(run, keys):
    keys.send_text("乙项目" + ENTER)   # name (no deals yet: straight to a new one)
    keys.send_text("某公司" + ENTER)   # account
    keys.send_text(ENTER)             # playbook: six-step is the default
    keys.send_text("80万" + ENTER)     # amount: the same form as `deal new`, checked as typed
    keys.send_text(ENTER * 3)         # currency, close, probability
    keys.send_text(ENTER)             # develop checklist: nothing done
    keys.send_text(ENTER)             # customer step: "not sure" is pre-selected for a new deal
    keys.send_text(ENTER)             # not sure: no signals seen
    result = run("stage")
    assert result.exit_code == 0, result.output
    listed = json.loads(run("deal", "list", "--json").stdout)
    assert [(d["name"], d["amount"]) for d in listed] == [("乙项目", 800000.0)]


# --- end to end in a real pseudo-terminal ---------------------------------------------------------

@pytest.mark.slow
def test_walk_end_to_end_in_a_pty(isolated_home):
    pexpect = pytest.importorskip("pexpect")
    executable = shutil.which("dealcoach", path=str(Path(sys.executable).parent))
    assert executable
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "100"}
    pexpect.run(f"{executable} deal new --name pty-deal", env=env)
    child = pexpect.spawn(executable, ["stage", "pty-deal", "--walk"], env=env, encoding="utf-8", timeout=20,
                          dimensions=(40, 100))
    child.expect("what is done")
    child.send("a")
    child.send(ENTER)
    child.expect("what is done")   # the entry stage
    child.send(ENTER)
    child.expect("purchase step")
    child.send(DOWN + DOWN + ENTER)
    child.expect("Next actions")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = pexpect.run(f"{executable} deal show pty-deal --json", env=env).decode()
    assert '"customer_step": "supplier-screening"' in out


def test_an_unexpected_error_is_one_line_without_traceback(monkeypatch):
    from typer.testing import CliRunner

    from dealcoach.cli import app
    from dealcoach.coaching import diagnosis

    def broken(*args, **kwargs):
        raise ValueError("something nobody expected\nsecond line")

    monkeypatch.setattr(diagnosis, "diagnose", broken)
    result = CliRunner().invoke(app, ["stage", "--example", "ningxia-industrial-oil"])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("internal error: ValueError: something nobody expected; please report it, "
                                     "with the output of the same command run as `dealcoach --debug ...`")
    monkeypatch.setenv("DEALCOACH_DEBUG", "1")
    assert isinstance(CliRunner().invoke(app, ["stage", "--example", "ningxia-industrial-oil"]).exception, ValueError)


def test_deal_new_and_edit_interactively(run, keys):
    keys.send_text("宁夏新工程项目工业油" + ENTER)  # name
    keys.send_text("宁夏某新工程项目" + ENTER)      # account
    keys.send_text(ENTER)                          # playbook: six-step
    keys.send_text("800,000" + ENTER)              # amount
    keys.send_text(ENTER)                          # currency: CNY
    keys.send_text("2015-11-30" + ENTER)           # expected close
    keys.send_text("20%" + ENTER)                  # probability
    created = run("deal", "new")
    assert created.exit_code == 0, created.output
    data = json.loads(run("deal", "show", "1", "--json").stdout)
    assert (data["amount"], data["expected_close"], data["probability"], data["currency"]) == \
        (800000.0, "2015-11-30", 0.2, "CNY")
    # edit: every field is pre-filled; change only the probability
    for _ in range(5):
        keys.send_text(ENTER)
    keys.send_text("\x7f" * 10 + "35%" + ENTER)
    keys.send_text(ENTER * 3)  # criteria state, whom they favour, decision culture: unchanged
    edited = run("deal", "edit", "1")
    assert edited.exit_code == 0, edited.output
    data = json.loads(run("deal", "show", "1", "--json").stdout)
    assert (data["probability"], data["amount"], data["account"]) == (0.35, 800000.0, "宁夏某新工程项目")
    assert data["history"][-1]["what"] == "probability: 0.2 -> 0.35"


def test_db_messages_follow_the_language(run, tmp_path):
    assert "数据库结构已是最新" in run("db", "migrate", "--lang", "zh").stdout
    result = run("db", "backup", str(tmp_path / "b.json"), "--lang", "zh")
    assert "已备份 0 个商机" in result.stderr
