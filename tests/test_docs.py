"""The docs, run: every command line in the README and every example in `--help`, against a temporary
home, as documented (exit 0, or the outcome the text promises); each command's summary from one
place; message keys used <=> defined. When a command changes on purpose, change the README with it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import conftest
from conftest import ROOT, write
from dealcoach.cli import COMMANDS, app, load_command

README = (ROOT / "README.md").read_text(encoding="utf-8")


# --- reading the README ------------------------------------------------------------------------


def section(title: str) -> str:
    """The text of the README section headed `title` (up to the next heading of the same level)."""
    match = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert match, f"README has no section {title!r}"
    level = len(match.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.M).search(README, match.end())
    return README[match.end(): end.start() if end else len(README)]


def fenced(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def sh_lines(text: str) -> list[str]:
    return [line.strip() for block in fenced(text, "sh") for line in block.splitlines() if line.strip()]


def table_rows(text: str) -> list[tuple[str, str]]:
    """(what, run) cells of a two-column table, header and rule left out."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append((cells[0], cells[1]))
    return rows[1:]


def table_commands() -> list[tuple[str, bool]]:
    """Each command of the "Using it" table, in order, and whether the text says it asks."""
    commands = []
    for _what, run_cell in table_rows(section("Using it").split("\n\n")[0]):
        for match in re.finditer(r"`([^`]+)`( \(asks)?", run_cell):
            commands.append((match.group(1).replace("\\|", "|"), bool(match.group(2))))
    return commands


# --- running a documented command line ----------------------------------------------------------


class Session:
    """Runs documented lines in one temporary home and folder: `export` lines set the environment
    for the lines after them, `VAR=value dealcoach ...` for that command only; `~` is the temporary
    HOME. dealcoach runs in-process."""

    def __init__(self, folder: Path, monkeypatch):
        self.folder = folder
        self.env: dict[str, str] = {}
        monkeypatch.chdir(folder)
        monkeypatch.setenv("HOME", str(folder))
        self.runner = CliRunner()

    def run_line(self, line: str, expect_exit: int = 0) -> list:
        results = []
        for command in _split_commands(shlex.split(line, comments=True)):
            if command[0] == "export":
                for assignment in command[1:]:
                    name, value = assignment.split("=", 1)
                    self.env[name] = value
                continue
            env = dict(self.env)
            while "=" in command[0] and not command[0].startswith("-"):
                name, value = command.pop(0).split("=", 1)
                env[name] = os.path.expanduser(value)
            assert command[0] == "dealcoach", f"not a dealcoach command: {line}"
            args = [os.path.expanduser(arg) for arg in command[1:]]
            result = self.runner.invoke(app, args, env=env)
            assert "internal error:" not in result.stderr, f"{line}\n{result.stderr}"
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                f"{line}: {result.exception!r}")
            assert result.exit_code == expect_exit, (
                f"`{line}` exited {result.exit_code}, the docs say {expect_exit}\n{result.stdout}\n{result.stderr}")
            results.append(result)
        return results


def _split_commands(tokens: list[str]) -> list[list[str]]:
    commands, current = [], []
    for token in tokens:
        if token.endswith(";"):
            current.append(token[:-1])
            commands.append(current)
            current = []
        else:
            current.append(token)
    return [command for command in [*commands, current] if command]


# --- input files the documented commands read ---------------------------------------------------

HUBSPOT_DEALS = ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount", "Pipeline",
                 "Create Date", "Last Activity Date", "Deal Type", "Deal probability", "Associated Company"]


def write_input_files(folder: Path) -> None:
    """The files the README's and the help's examples name, with a few real-looking rows."""
    today = dt.date.today()
    soon, later = today + dt.timedelta(days=20), today + dt.timedelta(days=120)
    hubspot = [",".join(HUBSPOT_DEALS),
               f"18000000001,华东钢厂润滑油,Contract Sent,{soon} 09:30,Ann Lee,1200000,Sales Pipeline,"
               f"2025-06-01 10:00,{today} 16:00,newbusiness,0.9,华东钢厂",
               f"18000000002,Acme renewal,Qualified to Buy,{later} 09:30,Bo Zhang,50000,Sales Pipeline,"
               f"2025-06-01 10:00,,existingbusiness,0.4,Acme"]
    for name in ("hubspot-crm-exports-all-deals-2026-11-25.csv", "hubspot-crm-exports-all-deals.csv"):
        write(folder / name, "\n".join(hubspot) + "\n")
    prospects = [["客户名称", "预计成交日期", "赢单概率"], ["宁夏新工程项目", str(soon), "20%"],
                 ["华东钢厂", str(later), "70%"]]
    write(folder / "prospects.csv", "\n".join(",".join(row) for row in prospects) + "\n")
    from openpyxl import Workbook

    book = Workbook()
    for row in prospects:
        book.active.append(row)
    book.save(folder / "prospects.xlsx")
    write(folder / "deal.yaml", fenced(section("The deal file"), "yaml")[0])


# --- the README ---------------------------------------------------------------------------------


def test_the_using_it_table_runs_in_order(tmp_path, monkeypatch):
    """Every command of the table, top to bottom, as one rep's session; "(asks)" ones need a
    terminal, so without one they exit 2 and name the flag to use instead."""
    session = Session(tmp_path, monkeypatch)
    write_input_files(tmp_path)
    commands = table_commands()
    assert len(commands) > 20
    for command, asks in commands:
        assert re.match(r"([A-Z_]+=\S+ )*dealcoach ", command), f"a table cell shows a fragment, not a command: {command}"
        [result] = session.run_line(command, expect_exit=2 if asks else 0)
        if asks:
            assert "--" in result.stderr, f"{command}: does not say which flag to use\n{result.stderr}"


def test_the_grade_examples_run(tmp_path, monkeypatch):
    session = Session(tmp_path, monkeypatch)
    write_input_files(tmp_path)
    session.run_line(f"dealcoach deal import {ROOT / 'playbooks/examples/ningxia-industrial-oil.yaml'}")
    lines = sh_lines(section("How `dealcoach grade` grades (defaults; change them in your own playbook's `grading:`)"))
    assert len(lines) == 4
    for line in lines:
        session.run_line(line)
    assert (tmp_path / "graded.xlsx").stat().st_size > 0


def test_the_team_section_runs_on_a_real_postgresql(tmp_path, monkeypatch, fresh_postgres_database):
    session = Session(tmp_path, monkeypatch)
    lines = sh_lines(section("A team on PostgreSQL"))
    assert lines[0] == "pip install 'dealcoach[postgres]'"
    assert "postgres = [" in (ROOT / "pyproject.toml").read_text()  # the extra the line installs
    for line in lines[1:]:
        # the README's server is an example host: the test's own database stands in for it
        session.run_line(re.sub(r"postgresql://\S+", fresh_postgres_database, line))
    assert session.env["DEALCOACH_USER"] == "amy"


def test_the_quick_start_runs_and_ci_runs_its_test_command():
    install, test = sh_lines(section("Quick start"))
    assert install.startswith("python3.11 -m venv .venv && .venv/bin/pip install . && .venv/bin/dealcoach ")
    # installing from the wheel is tested by the slow wheel test; the diagnosis itself here:
    result = CliRunner().invoke(app, shlex.split(install.split(".venv/bin/dealcoach ", 1)[1]))
    assert result.exit_code == 0, result.stderr
    assert "宁夏新工程项目工业油" in result.stdout
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.rstrip().splitlines()[-1] == test, "the last line of .ci/run must be the README's test command"


SESSION_LINES = 60  # longer output is cut there, with "│ ..." below


def console_session() -> tuple[str, list[str], bool]:
    """The README's opening session: its command, the output lines it shows, whether it cuts them."""
    block = fenced(README, "console")[0].splitlines()
    assert block[0].startswith("$ dealcoach ")
    shown = [line.rstrip() for line in block[1:]]
    cut = shown[-1].strip() == "│ ..."
    return block[0], shown[:-1] if cut else shown, cut


def console_output(command_line: str, width: int) -> list[str]:
    result = CliRunner().invoke(app, shlex.split(command_line[len("$ dealcoach "):]), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    return [line.rstrip() for line in result.stdout.splitlines()]


def test_the_console_session_shows_the_real_output():
    """The session at the top of the README is what the command prints today (to update it:
    `.venv/bin/python tests/test_docs.py`)."""
    command_line, shown, cut = console_session()
    actual = console_output(command_line, max(len(line) for line in shown))
    assert (actual[: len(shown)] if cut else actual) == shown, (
        "the README's session differs from the output; run `.venv/bin/python tests/test_docs.py`:\n"
        + "\n".join(actual))


def test_the_benchmark_lines_name_real_scripts(tmp_path):
    lines = sh_lines(section("Performance"))
    scripts = [line.split()[1] for line in lines if line.startswith(".venv/bin/python ")]
    assert len(scripts) >= 4
    for script in scripts:
        result = subprocess.run([sys.executable, str(ROOT / script), "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage:" in result.stdout, (script, result.stderr)
    [server_line] = [line for line in lines if "pg-test-server.sh" in line]
    assert server_line.startswith('eval "$(bash tools/pg-test-server.sh start)"')


def test_the_benchmark_postgresql_server_starts_and_stops():
    """The line the Performance section gives: a real server, its URL exported, gone after stop."""
    import psycopg

    script = ROOT / "tools" / "pg-test-server.sh"
    env = {**os.environ, "PYTHON": sys.executable}
    started = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True, env=env, timeout=120)
    assert started.returncode == 0, started.stderr
    exports = dict(re.findall(r"^export (\w+)=(\S+)$", started.stdout, re.M))
    directory = Path(exports["PG_TEST_DIR"])
    try:
        with psycopg.connect(exports["DEALCOACH_TEST_POSTGRES_URL"]) as connection:
            assert connection.execute("SHOW server_version").fetchone()[0]
    finally:
        stopped = subprocess.run(["bash", str(script), "stop", str(directory)], capture_output=True, text=True,
                                 env=env, timeout=120)
    assert stopped.returncode == 0, stopped.stderr
    assert not directory.exists()


# --- every example in --help ------------------------------------------------------------------


def _every_command():
    def walk(command, path):
        yield path, command
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                yield from walk(command.get_command(None, name), [*path, name])

    for name in COMMANDS:
        yield from walk(load_command(name), [name])


def help_examples() -> list[tuple[str, str]]:
    """(command, example line) for each "Example: dealcoach ..." line (in any language) of each help."""
    examples = []
    for path, command in _every_command():
        for line in (command.help or "").splitlines():
            match = re.match(r"^\s*\S+[:：]\s*((?:[A-Z_]+=\S+\s+)*dealcoach\s.*)$", line)
            if match:
                examples.append((" ".join(path), match.group(1)))
    return examples


HELP_EXAMPLES = help_examples()


def test_every_command_has_an_example():
    with_examples = {path for path, _ in HELP_EXAMPLES}
    leaves = {" ".join(path) for path, command in _every_command() if not hasattr(command, "list_commands")}
    assert leaves - with_examples == set()


# what an example needs beyond the Ningxia example deal, as the error without it says
_CALL = "dealcoach log add 宁夏 --kind call --outcome no-answer --contact 负责人A"
GIVEN = {"deal vip": ["dealcoach deal close 宁夏 --won"], "log edit": [_CALL], "log rm": [_CALL]}


@pytest.mark.parametrize(("command", "line"), HELP_EXAMPLES, ids=[path for path, _ in HELP_EXAMPLES])
def test_help_example_runs(command, line, tmp_path, monkeypatch, postgres_url_for_examples):
    """Each example runs in a home holding the Ningxia example deal (and a profile, and the files
    the examples name); a PostgreSQL URL in an example is pointed at a real test database."""
    session = Session(tmp_path, monkeypatch)
    write_input_files(tmp_path)
    session.run_line(f"dealcoach deal import {ROOT / 'playbooks/examples/ningxia-industrial-oil.yaml'}")
    session.run_line("dealcoach profile set --name 张伟 --company 华北润滑科技 --offer 工业润滑油")
    session.run_line(f"dealcoach deal export 宁夏 -o {tmp_path / 'ningxia.yaml'}")
    session.run_line(f"dealcoach db backup {tmp_path / 'team.json'}")
    write(tmp_path / "my-team.yaml",
          (ROOT / "playbooks/six-step.yaml").read_text(encoding="utf-8").replace("id: six-step", "id: my-team", 1))
    for given in GIVEN.get(command, []):
        session.run_line(given)
    if "postgresql://" in line:
        line = re.sub(r"postgresql://\S+", postgres_url_for_examples(), line)
    session.run_line(line)


@pytest.fixture
def postgres_url_for_examples(request):
    """A fresh PostgreSQL database, made only when an example asks for one."""
    return lambda: request.getfixturevalue("fresh_postgres_database")


@pytest.fixture
def fresh_postgres_database(postgres_admin_url):
    with conftest.fresh_postgres_database(postgres_admin_url) as url:
        yield url


if __name__ == "__main__":
    # rewrite the README's opening session from today's output, at the width it has now
    os.environ.update(DEALCOACH_HOME=tempfile.mkdtemp(), DEALCOACH_LANG="en", NO_COLOR="1", TZ="Asia/Shanghai")
    command_line, shown, cut = console_session()
    actual = console_output(command_line, max(len(line) for line in shown))
    old_block = "\n".join([command_line, *shown, *(["│ ..."] if cut else [])])
    keep = len(shown) if cut else SESSION_LINES  # as long as it is now
    new_block = "\n".join([command_line, *actual[:keep], *(["│ ..."] if len(actual) > keep else [])])
    assert old_block in README
    (ROOT / "README.md").write_text(README.replace(old_block, new_block), encoding="utf-8")
