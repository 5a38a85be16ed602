"""What a command run imports: no Pydantic plugin machinery (importlib.metadata scans every installed
package), and the collector is frozen after start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _imports(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "dealcoach", *args], env={**os.environ},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def test_a_command_does_not_import_the_pydantic_plugin_scan():
    imported = _imports("stage", "--example", "ningxia-industrial-oil", "--json")
    assert "pydantic" in imported and "dealcoach.coaching.diagnosis" in imported  # the run really happened
    assert "importlib.metadata" not in imported and "pydantic.plugin._loader" not in imported


def test_plugins_asked_for_are_still_loaded(monkeypatch):
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "0")
    assert "pydantic.plugin._loader" in _imports("stage", "--example", "ningxia-industrial-oil", "--json")


def test_main_freezes_the_collector(monkeypatch):
    import gc

    from dealcoach import cli

    monkeypatch.setattr(sys, "argv", ["dealcoach", "path", "--json"])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "1")  # main() sets it: undone after the test
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        cli.main()
    except SystemExit:
        pass
    finally:
        raised = gc.get_threshold()
        gc.set_threshold(*threshold)
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    assert raised[0] >= cli.START_UP_GC_THRESHOLD and raised[1:] == threshold[1:]
    gc.unfreeze()


def test_main_freezes_what_is_alive_at_exit(monkeypatch):
    """At exit what is alive is frozen, so the collections of Python's shutdown walk none of it;
    the exit code is the command's."""
    import gc

    from dealcoach import cli

    def command(args, prog_name):
        gc.unfreeze()  # what main froze before the command: only a freeze at exit is left to see
        raise SystemExit(3)

    monkeypatch.setattr(sys, "argv", ["dealcoach", "path"])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "1")
    monkeypatch.setattr(cli, "app", command)
    threshold = gc.get_threshold()
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main()
        assert exited.value.code == 3 and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


def test_the_command_imports_with_the_collector_off_and_runs_with_it_on(tmp_path, monkeypatch):
    """`dealcoach` (dealcoach.__main__.run): no collection while dealcoach.cli is imported, the
    collector on while the command runs; the exit code and the error are the command's."""
    import gc

    from dealcoach import __main__ as entry

    seen = {}
    monkeypatch.setattr("dealcoach.cli.main", lambda: seen.update(enabled=gc.isenabled()))
    entry.run()
    assert seen == {"enabled": True} and gc.isenabled()
    gc.unfreeze()
    env = {**os.environ, "DEALCOACH_HOME": str(tmp_path)}
    # a collection at every allocation, counted while dealcoach.cli is being imported
    probe = ("import gc, sys\n"
             "during = []\n"
             "def seen(phase, info):\n"
             "    cli = sys.modules.get('dealcoach.cli')\n"
             "    if phase == 'start' and cli is not None and not hasattr(cli, 'main'):\n"
             "        during.append(1)\n"
             "gc.callbacks.append(seen)\n"
             "gc.set_threshold(1)\n"
             "import dealcoach.__main__ as entry\n"
             "sys.argv = ['dealcoach', 'path', '--json']\n"
             "try:\n    entry.run()\nexcept SystemExit:\n    pass\n"
             "print(len(during), file=sys.stderr)\n")
    quiet = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0 and quiet.stderr.strip() == "0", quiet.stderr  # none while importing
    missing = subprocess.run([sys.executable, "-m", "dealcoach", "stage", "999", "--json"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 1 and "999" in missing.stderr and missing.stdout == ""


def test_a_command_s_help_builds_nothing_a_run_needs():
    """`dealcoach SUB --help` (a command, a group, a command in a group) neither imports Pydantic nor
    the core: Typer reads a --help that was not given as the bool False, without a validator."""
    for args in (["stage", "--help"], ["deal", "--help"], ["deal", "list", "--help"], ["grade", "--help"]):
        imported = _imports(*args)
        assert "dealcoach.cli" in imported and "typer" in imported, args  # the help was really built
        assert "pydantic" not in imported and "dealcoach.store" not in imported, args


def test_a_stage_run_skips_what_a_checked_playbook_does_not_need(tmp_path):
    """The second run of a command finds the playbook checked in the cache: no checks.py, no typeset,
    no importlib.resources; of coaching.grading only the comparison with competitors, no result models."""
    env = {**os.environ, "DEALCOACH_HOME": str(tmp_path)}
    args = ["stage", "--example", "ningxia-industrial-oil", "--json"]
    first = subprocess.run([sys.executable, "-m", "dealcoach", *args], env=env, capture_output=True, timeout=120)
    assert first.returncode == 0, first.stderr
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "dealcoach", *args], env=env,
                            capture_output=True, text=True, timeout=120)
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "dealcoach.coaching.diagnosis" in imported  # the run really happened
    for module in ("dealcoach.playbook.checks", "dealcoach.typeset", "importlib.resources",
                   "dealcoach.coaching.grading.grade", "dealcoach.coaching.grading.table",
                   "dealcoach.coaching.grading.results"):
        assert module not in imported, module


def test_a_call_script_without_a_saved_profile_does_not_import_yaml(tmp_path):
    from conftest import EXAMPLES

    env = {**os.environ, "DEALCOACH_HOME": str(tmp_path)}
    stored = subprocess.run([sys.executable, "-m", "dealcoach", "deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")],
                            env=env, capture_output=True, timeout=120)
    assert stored.returncode == 0, stored.stderr
    args = ["call-script", "1", "--json"]
    first = subprocess.run([sys.executable, "-m", "dealcoach", *args], env=env, capture_output=True, timeout=120)
    assert first.returncode == 0, first.stderr  # the playbook cache is written: YAML is parsed once
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "dealcoach", *args], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "dealcoach.coaching.callscript" in imported or any(m.startswith("dealcoach.coaching.callscript") for m in imported)
    assert "yaml" not in imported and "dealcoach.yamlfile" not in imported


def test_a_run_converts_only_the_options_given(run, monkeypatch):
    """Typer would build a Pydantic adapter for each of a command's parameters; only those given get
    one (text needs none), and a given value is converted (and refused) exactly as Typer does it."""
    import json

    from typer import core

    from dealcoach import cli

    monkeypatch.setattr(cli, "_LOADED", {})  # commands built afresh, with nothing converted yet
    built = []
    real = core.build_runtime_param
    monkeypatch.setattr(core, "build_runtime_param", lambda descriptor: built.append(descriptor) or real(descriptor))
    result = run("stage", "--example", "ningxia-industrial-oil", "--json", "--done", "prospect-assessed")
    assert result.exit_code == 0, result.stderr
    without = run("stage", "--example", "ningxia-industrial-oil", "--json")
    assert json.loads(result.stdout) != json.loads(without.stdout)  # the list given reached the command
    assert built == []  # text and lists of text are taken as they are
    assert run("deal", "list", "--limit", "5", "--json").exit_code == 0
    assert [d.annotation for d in built] == [int]  # the number given, and nothing else
    refused = run("deal", "list", "--limit", "many")
    assert refused.exit_code == 2 and "Invalid value for '--limit'" in refused.stderr
    answers = run("stage", "--example", "ningxia-industrial-oil", "--json", "--answers", "missing.yaml")
    assert answers.exit_code == 1 and "missing.yaml" in answers.stderr  # a Path, converted by Typer's adapter
