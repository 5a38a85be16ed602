"""The cache of validated playbooks reads only regular files of bounded size."""

from __future__ import annotations

import os
import threading

import pytest

from dealcoach.playbook import cache, loader


def _load_in_time(path, seconds=20.0):
    """load_file in a daemon thread: a read that hangs fails the test instead of hanging the run."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = loader.load_file(path)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "loading the playbook hung on the cache entry"
    assert "error" not in outcome, outcome.get("error")
    return outcome["value"]


def _entries(isolated_home):
    path = loader.sources()["six-step"].path
    loader._load_file.cache_clear()
    loader.load_file(path)
    entries = list((isolated_home / "cache").glob("playbook-*.json"))
    assert entries
    return path, entries


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_at_a_cache_entry_neither_hangs_nor_is_used(isolated_home):
    path, entries = _entries(isolated_home)
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    loader._load_file.cache_clear()
    assert _load_in_time(path) == loader._parse_file(path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_link_to_dev_zero_at_a_cache_entry_is_not_read(isolated_home):
    path, entries = _entries(isolated_home)
    for entry in entries:
        entry.unlink()
        entry.symlink_to("/dev/zero")
    loader._load_file.cache_clear()
    assert _load_in_time(path) == loader._parse_file(path)


def test_a_link_to_a_valid_entry_is_not_followed(isolated_home, tmp_path):
    path, entries = _entries(isolated_home)
    for entry in entries:
        moved = tmp_path / entry.name
        entry.rename(moved)
        entry.symlink_to(moved)
    assert cache.read(path, (path.stat().st_mtime_ns, path.stat().st_size)) is None


def test_an_entry_bigger_than_the_limit_is_not_read(isolated_home, monkeypatch):
    path, entries = _entries(isolated_home)
    stamp = (path.stat().st_mtime_ns, path.stat().st_size)
    assert cache.read(path, stamp) is not None
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", min(e.stat().st_size for e in entries) - 1)
    assert cache.read(path, stamp) is None
    loader._load_file.cache_clear()
    assert loader.load_file(path) == loader._parse_file(path)
