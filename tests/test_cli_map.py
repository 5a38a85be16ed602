"""Every command is registered, loads, and has help; `--help` itself imports no command module."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dealcoach.cli import COMMANDS, load_command


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_and_has_help(run, name):
    command = load_command(name)
    assert command.name == name
    assert (command.help or "").strip(), f"{name} has no help"
    result = run(name, "--help")
    assert result.exit_code == 0 and "Usage: " in result.stdout
    summary = COMMANDS[name][2]
    assert summary.endswith(".") and len(summary) < 90


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_summary_is_written_once_and_heads_the_command_help(run, name):
    """COMMANDS is the one source: the root list shows it, the command's help starts with it, and
    the command's own docstring or help= does not say it again."""
    summary = COMMANDS[name][2]
    help_text = " ".join(run(name, "--help").stdout.split())
    paragraphs = [" ".join(part.split()) for part in load_command(name).help.split("\n\n")]
    assert paragraphs[0] == summary
    assert help_text.count(summary) == 1
    assert " ".join(run("--help").stdout.split()).count(f"{name} {summary}") == 1


def test_root_help_lists_every_command_without_importing_them():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom dealcoach.cli import app, COMMANDS\n"
            "out = CliRunner().invoke(app, ['--help']).stdout\n"
            "assert all(name in out for name in COMMANDS), out\n"
            "loaded = [m for m in sys.modules if m.startswith('dealcoach.cli.') and m not in ('dealcoach.cli.options', 'dealcoach.cli.help_text')]\n"
            "print(loaded)")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_unknown_command_is_a_usage_error(run):
    result = run("stagee")
    assert result.exit_code == 2 and "No such command 'stagee'" in result.stderr


def _main(monkeypatch, *args: str) -> int:
    from dealcoach.cli import main

    monkeypatch.setattr(sys, "argv", ["dealcoach", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    return exited.value.code


def test_debug_before_the_command_shows_the_traceback(monkeypatch):
    from dealcoach.errors import DealcoachError

    monkeypatch.setenv("DEALCOACH_DEBUG", "")  # restored after the test: main() sets it
    assert _main(monkeypatch, "deal", "show", "no-such-deal") == 1
    with pytest.raises(DealcoachError, match="no-such-deal"):
        _main(monkeypatch, "--debug", "deal", "show", "no-such-deal")


def test_debug_after_the_command_belongs_to_the_command(monkeypatch, run):
    monkeypatch.setenv("DEALCOACH_DEBUG", "")
    code = _main(monkeypatch, "deal", "new", "--name", "--debug", "--account", "宁夏某新工程项目",
                 "--amount", "800000", "--close", "2015-11-30")
    assert code in (0, None)
    assert os.environ["DEALCOACH_DEBUG"] == ""
    shown = json.loads(run("deal", "list", "--json").stdout)
    assert [deal["name"] for deal in shown] == ["--debug"]
