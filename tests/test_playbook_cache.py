"""The cache of validated playbooks reads only regular files of bounded size (public functions only:
`loader.load_file` writes an entry, `cache.read` is what the next process loads from)."""

from __future__ import annotations

import os
import threading

import pytest

from dealcoach.playbook import cache, loader


def _in_time(call, seconds=20.0):
    """call() in a daemon thread: a read that hangs fails the test instead of hanging the run."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "reading the cache entry hung"
    assert "error" not in outcome, outcome.get("error")
    return outcome["value"]


def _entries(isolated_home, tmp_path):
    """A playbook at a path nothing has cached yet, loaded once: its cache entries and stamp."""
    source = loader.sources()["six-step"].path
    path = tmp_path / "six-step.yaml"
    path.write_bytes(source.read_bytes())
    stamp = (path.stat().st_mtime_ns, path.stat().st_size)
    fresh = loader.load_file(path)  # parses and writes the entry
    entries = list((isolated_home / "cache").glob("playbook-*.pickle"))
    assert entries and cache.read(path, stamp) == fresh
    return path, stamp, entries


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_at_a_cache_entry_neither_hangs_nor_is_used(isolated_home, tmp_path):
    path, stamp, entries = _entries(isolated_home, tmp_path)
    for entry in entries:
        entry.unlink()
        os.mkfifo(entry)
    assert _in_time(lambda: cache.read(path, stamp)) is None


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this system")
def test_a_link_to_dev_zero_at_a_cache_entry_is_not_read(isolated_home, tmp_path):
    path, stamp, entries = _entries(isolated_home, tmp_path)
    for entry in entries:
        entry.unlink()
        entry.symlink_to("/dev/zero")
    assert _in_time(lambda: cache.read(path, stamp)) is None


def test_a_link_to_a_valid_entry_is_not_followed(isolated_home, tmp_path):
    path, stamp, entries = _entries(isolated_home, tmp_path)
    for entry in entries:
        moved = tmp_path / entry.name
        entry.rename(moved)
        entry.symlink_to(moved)
    assert cache.read(path, stamp) is None


def test_an_entry_bigger_than_the_limit_is_not_read(isolated_home, tmp_path, monkeypatch):
    path, stamp, entries = _entries(isolated_home, tmp_path)
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", min(e.stat().st_size for e in entries) - 1)
    assert cache.read(path, stamp) is None


def _fresh_process(monkeypatch):
    """What a new process starts with: no playbook loaded, nothing known to have passed the checks."""
    loader._load_file.cache_clear()
    monkeypatch.setattr(loader, "_PASSED", set())


def test_a_playbook_that_passed_the_checks_is_not_checked_again_until_it_changes(isolated_home, monkeypatch):
    from dealcoach.playbook import checks

    user = isolated_home / "playbooks"
    user.mkdir(parents=True, exist_ok=True)
    path = user / "six-step.yaml"
    path.write_bytes(loader.sources()["six-step"].path.read_bytes())
    calls = []
    real = checks.check_playbook
    monkeypatch.setattr(checks, "check_playbook", lambda *a: calls.append(1) or real(*a))

    _fresh_process(monkeypatch)
    first = loader.load_playbook("six-step")
    assert calls == [1] and list((isolated_home / "cache").glob("checked-*"))
    _fresh_process(monkeypatch)
    assert loader.load_playbook("six-step") == first and calls == [1]  # recorded: not checked again

    # the same file changed (a stage id the grading table does not know): checked again, and refused
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("within-1-month: [", "within-one-month: [", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    _fresh_process(monkeypatch)
    with pytest.raises(Exception, match="within-1-month|within-one-month"):
        loader.load_playbook("six-step")
    assert calls == [1, 1]
    # `playbook validate` always checks, recorded or not
    path.write_text(text, encoding="utf-8")
    _fresh_process(monkeypatch)
    loader.load_playbook("six-step")
    assert loader.validate_paths([path]) == [(path, [])] and calls == [1, 1, 1, 1]


def test_a_recorded_check_is_not_trusted_for_a_changed_catalog(isolated_home, monkeypatch):
    from dealcoach.playbook import checks

    calls = []
    real = checks.check_playbook
    monkeypatch.setattr(checks, "check_playbook", lambda *a: calls.append(1) or real(*a))
    _fresh_process(monkeypatch)
    loader.load_playbook("eight-step")
    user = isolated_home / "playbooks"
    user.mkdir(parents=True, exist_ok=True)
    (user / "roles.yaml").write_bytes(loader.sources()["roles"].path.read_bytes())  # a catalog of the user's
    _fresh_process(monkeypatch)
    loader.load_playbook("eight-step")
    assert calls == [1, 1]


def test_an_entry_naming_anything_but_a_playbook_model_is_refused_unrun(isolated_home, tmp_path):
    """An entry is pickled models; one whose pickle names a function (here `os.system`) is not
    unpickled at all, even with a good checksum: the YAML is parsed again."""
    import pickle

    path, stamp, entries = _entries(isolated_home, tmp_path)
    witness = tmp_path / "ran"

    class Hostile:
        def __reduce__(self):
            return os.system, (f"touch {witness}",)

    body = pickle.dumps(Hostile())
    for entry in entries:
        entry.write_bytes(cache._FORMAT + cache._checksum(body).encode() + body)
    assert cache.read(path, stamp) is None and not witness.exists()
    loader._load_file.cache_clear()
    assert loader.load_file(path) is not None and not witness.exists()


def test_a_variant_is_made_once_per_file_and_read_back_as_made(isolated_home, tmp_path, monkeypatch):
    """The playbook as an industry has it is kept beside its general playbook: a new process reads
    it instead of making it again, and it equals the one made."""
    from dealcoach.playbook import variants
    from dealcoach.playbook.schema import industries

    path, stamp, entries = _entries(isolated_home, tmp_path)
    general = loader.load_file(path)
    made = variants.for_industry(general, "工业润滑油")
    assert made is not general and made.industry == "industrial-oil"

    applied = []
    real = industries.apply_variant
    monkeypatch.setattr(variants, "apply_variant", lambda *a: applied.append(1) or real(*a))
    loader._load_file.cache_clear()
    variants._MADE.clear()
    again = loader.load_file(path)  # a new process: the general playbook from its entry
    assert again is not general
    read_back = variants.for_industry(again, "工业润滑油")
    assert applied == [] and read_back is not made
    assert read_back == made and read_back.model_dump() == made.model_dump()
    # a changed file is a new key: its variant is made again
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    loader._load_file.cache_clear()
    variants._MADE.clear()
    variants.for_industry(loader.load_file(path), "工业润滑油")
    assert applied == [1]


def test_a_deal_s_industry_playbook_is_read_without_the_general_one(isolated_home, monkeypatch):
    """`load_playbook(id, industry)` is the general playbook as that industry has it; once these files
    passed the checks and the industry's playbook was made, a new process reads that one alone."""
    from dealcoach.playbook import variants

    _fresh_process(monkeypatch)
    general = loader.load_playbook("six-step")
    expected = variants.for_industry(general, "工业润滑油")
    assert loader.load_playbook("six-step", "工业润滑油") is expected  # the index of industries written
    assert loader.load_playbook("six-step", "汽车零部件") is general  # no variant: the general playbook

    _fresh_process(monkeypatch)
    variants._MADE.clear()
    read = []
    real = loader._load_file.__wrapped__
    monkeypatch.setattr(loader, "_load_file", lambda path, stamp: read.append(path.stem) or real(path, stamp))
    alone = loader.load_playbook("six-step", "工业润滑油")
    assert read == ["roles"]  # the catalog only: not the general playbook
    assert alone == expected and alone.industry == "industrial-oil"
    assert loader.load_playbook("six-step", "汽车零部件") == general and "six-step" in read


def test_an_industry_playbook_is_not_read_alone_for_files_not_checked(isolated_home, monkeypatch):
    """A playbook file changed since it was checked: the industry's playbook is made from the general
    one again, and the file checked again, never read from an entry made before."""
    from dealcoach.playbook import checks, variants

    user = isolated_home / "playbooks"
    user.mkdir(parents=True, exist_ok=True)
    path = user / "six-step.yaml"
    path.write_bytes(loader.sources()["six-step"].path.read_bytes())
    _fresh_process(monkeypatch)
    loader.load_playbook("six-step", "工业润滑油")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("within-1-month: [", "within-one-month: [", 1), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    _fresh_process(monkeypatch)
    variants._MADE.clear()
    calls = []
    real = checks.check_playbook
    monkeypatch.setattr(checks, "check_playbook", lambda *a: calls.append(1) or real(*a))
    with pytest.raises(Exception, match="within-1-month|within-one-month"):
        loader.load_playbook("six-step", "工业润滑油")
    assert calls == [1]
