"""What a command run imports: no Pydantic plugin machinery (importlib.metadata scans every installed
package), and the collector is frozen after start-up."""

from __future__ import annotations

import os
import subprocess
import sys


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
    try:
        cli.main()
    except SystemExit:
        pass
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
