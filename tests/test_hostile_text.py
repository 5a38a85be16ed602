"""Terminal control sequences from data never reach a terminal, Markdown, .ics, Mermaid or DOT.

The hostile name below, printed raw, turns "Renew" into a hyperlink to evil.example (OSC 8) and
clears the screen (CSI 2J). Each surface is checked twice: with the deal typed in (the model cleans
input) and with the raw bytes planted in the database as an older dealcoach could have stored them
(the renderers clean output).
"""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from conftest import write

HOSTILE = "Acme \x1b]8;;https://evil.example\x1b\\Renew\x1b]8;;\x1b\\ \x1b[2J"
HOSTILE_PERSON = "Bo\rss \x9b31m\x07"
HOSTILE_USER = "ev\x1b]0;pwned\x07il"
# any C0 control but tab and newline, DEL, any C1 control (U+009B is CSI, U+009D is OSC)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_clean(text: str, where: str) -> None:
    found = CONTROL.search(text)
    assert found is None, f"{where}: raw {found.group()!r} in {text!r}"


def test_control_pattern_catches_the_hostile_name():
    assert CONTROL.search(HOSTILE) and CONTROL.search(HOSTILE_PERSON) and CONTROL.search(HOSTILE_USER)


@pytest.fixture
def hostile_deal(run, monkeypatch):
    monkeypatch.setenv("DEALCOACH_USER", HOSTILE_USER)
    assert run("deal", "new", "--name", HOSTILE, "--account", HOSTILE).exit_code == 0
    assert run("people", "add", "1", "--name", HOSTILE_PERSON, "--phone", "138\x1b[2J0000",
               "--attitude", "supporter").exit_code == 0
    assert run("people", "add", "1", "--name", "Second\x1b[8m", "--reports-to", "Bo ss \x9b31m").exit_code == 0
    assert run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--contact", "Bo ss \x9b31m",
               "--note", "said \x1b[2J yes", "--date", "2026-11-20T10:00").exit_code == 0
    assert run("profile", "set", "--name", "Rep\x1b]2;title\x07", "--company", "Co\r", "--offer",
               "Oil\x9d8;;x\x9c").exit_code == 0
    return 1


def plant_raw_controls(home) -> None:
    """Write control characters straight into the database, past the model, as old data may hold them."""
    with sqlite3.connect(home / "dealcoach.db") as connection:
        data = json.loads(connection.execute("SELECT data FROM deals WHERE id = 1").fetchone()[0])
        data["name"] = HOSTILE
        data["people"][0]["name"] = HOSTILE_PERSON
        data["people"][1]["reports_to"] = HOSTILE_PERSON
        data["activities"][0]["contact"] = HOSTILE_PERSON
        data["activities"][0]["note"] = "said \x1b[2J yes"
        connection.execute("UPDATE deals SET name = ?, account = ?, data = ? WHERE id = 1",
                           (HOSTILE, HOSTILE, json.dumps(data)))
        connection.execute("UPDATE deal_history SET who = ?, what = ?", (HOSTILE_USER, "name: " + HOSTILE))


def every_surface(run, tmp_path) -> dict[str, str]:
    """What each command the issue lists prints or writes, by a name for the failure message."""
    outputs = {}
    for args in (("deal", "list"), ("deal", "show", "1"), ("map", "1"), ("map", "1", "-f", "mermaid"),
                 ("map", "1", "-f", "dot"), ("log", "1"), ("followup", "--today", "2026-12-30", "--days", "30"),
                 ("grade", "--deals"), ("call-script", "1", "--contact", "Bo ss"),
                 ("call-script", "1", "--contact", "Bo ss", "-f", "markdown"), ("profile", "show"), ("stage", "1", "--done", "find-leads")):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        outputs[" ".join(args)] = result.stdout + result.stderr
    ics = tmp_path / "plan.ics"
    markdown = tmp_path / "script.md"
    assert run("followup", "--today", "2026-12-30", "--days", "30", "--ics", str(ics)).exit_code == 0
    assert run("call-script", "1", "--contact", "Bo ss", "-o", str(markdown)).exit_code == 0
    outputs["followup --ics"] = ics.read_text(encoding="utf-8")
    outputs["call-script -o"] = markdown.read_text(encoding="utf-8")
    return outputs


def test_typed_control_characters_are_dropped_at_input(run, hostile_deal):
    shown = json.loads(run("deal", "show", "1", "--json").stdout)
    assert shown["name"] == "Acme ]8;;https://evil.example\\Renew]8;;\\ [2J"
    assert [p["name"] for p in shown["people"]] == ["Bo ss 31m", "Second[8m"]
    assert shown["people"][0]["phone"] == "138[2J0000"
    assert shown["activities"][0]["note"] == "said [2J yes"
    assert {entry["who"] for entry in shown["history"]} == {"ev]0;pwnedil"}
    assert json.loads(run("profile", "show", "--json").stdout)["company"] == "Co"


def test_no_surface_prints_a_control_sequence_from_typed_data(run, tmp_path, hostile_deal):
    outputs = every_surface(run, tmp_path)
    for where, text in outputs.items():
        assert_clean(text, where)
    assert "evil.example" in outputs["deal list"]  # the text is shown, only the controls are gone
    assert "BEGIN:VEVENT" in outputs["followup --ics"] and "Renew" in outputs["followup --ics"]


def test_no_surface_prints_a_control_sequence_from_stored_data(run, tmp_path, hostile_deal, isolated_home):
    plant_raw_controls(isolated_home)
    outputs = every_surface(run, tmp_path)
    for where, text in outputs.items():
        assert_clean(text, where)
    assert "ev]0;pwnedil" in outputs["deal show 1"]  # the history line, without its OSC
    # the CR in the person's name is a space in the diagrams' labels, not a line break
    assert '"Bo ss 31m' in outputs["map 1 -f mermaid"] and 'label="Bo ss 31m' in outputs["map 1 -f dot"]


def test_grade_file_cells_print_no_control_sequences(run, tmp_path):
    path = write(tmp_path / "crm.csv", f"name,account,close,probability\n\"{HOSTILE}\",\"x\x9b2J\",2026-02-01,50%\n")
    result = run("grade", str(path), "--today", "2026-01-15", env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.stderr
    assert_clean(result.stdout + result.stderr, "grade")
    assert "Renew" in result.stdout


def test_a_user_playbook_prints_no_control_sequences(run, isolated_home):
    from pathlib import Path

    from dealcoach.playbook import loader

    bundled = Path(loader.__file__).resolve().parents[3] / "playbooks" / "six-step.yaml"
    text = bundled.read_text(encoding="utf-8").replace("id: six-step", "id: mine", 1)
    text = text.replace("      zh: 开发阶段\n", '      zh: "\\e[2J开发\\e]8;;https://evil.example\\e\\\\阶段\\e]8;;\\e\\\\"\n', 1)
    write(isolated_home / "playbooks" / "mine.yaml", text)
    result = run("playbook", "show", "mine", "--lang", "zh")
    assert result.exit_code == 0, result.stderr
    assert "[2J开发]8;;https://evil.example" in result.stdout  # the planted text is shown, without its ESC
    assert_clean(result.stdout, "playbook show")


def test_an_error_naming_hostile_text_is_one_clean_line(run):
    result = run("deal", "show", "no\x1b[2Jsuch\rdeal")
    assert result.exit_code == 1
    assert_clean(result.stderr, "error")
    assert len(result.stderr.strip().splitlines()) == 1


# --- the escapers, one by one ---------------------------------------------------------------------


def test_safetext_rules():
    from dealcoach.safetext import multi_line, one_line, without_controls

    assert without_controls(HOSTILE) == "Acme ]8;;https://evil.example\\Renew]8;;\\ [2J"
    assert without_controls("a\tb\nc\x00d\u202ee", keep="\t\n") == "a\tb\ncde"
    assert one_line("a\r\nb\rc\nd\te") == "a b c d e"
    assert multi_line("a\r\nb\rc\x1bd\te") == "a\nb\ncd\te"
    assert without_controls("宁夏😀 ok") == "宁夏😀 ok"  # printable text is returned as is


def test_the_console_drops_controls_but_keeps_its_own_styles(monkeypatch):
    import io

    from rich.text import Text

    from dealcoach.render import console as consoles

    monkeypatch.delenv("NO_COLOR")
    assert type(consoles.console()) is consoles._Console  # every console() is the cleaning one
    out = consoles._Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    out.print(Text(HOSTILE, style="bold red"))
    written = out.file.getvalue()
    assert "\x1b[1;31m" in written  # Rich's own style sequence
    assert "\x1b]8" not in written and "\x1b[2J" not in written
    assert "Acme ]8;;https://evil.example\\Renew]8;;\\ [2J" in written


def test_diagram_labels_escape_a_carriage_return():
    from dealcoach.render.powermap import _dot_text, _mermaid_text

    assert _mermaid_text('Bo\rss "x" #1') == "Bo ss #quot;x#quot; #35;1"
    assert _dot_text('Bo\rss "x" \\') == 'Bo ss \\"x\\" \\\\'
    assert _dot_text(HOSTILE) == "Acme ]8;;https://evil.example\\\\Renew]8;;\\\\ [2J"


def test_markdown_escape_drops_controls():
    from dealcoach.render.callscript import md

    assert md("a\x1b[2J*b*\r\nc") == "a\\[2J\\*b\\* c"
