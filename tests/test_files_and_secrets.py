"""Files: every write atomic, 0600, never through a planted symlink; DEALCOACH_HOME 0700; a full disk
is one clear line with nothing left behind. Secrets: no password in any output. Restore: hostile
backups and concurrent restores give clear errors. Each hostile input is built in the test."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES
from dealcoach.errors import DealcoachError, StoreError
from dealcoach.files import atomic_path, write_atomic


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: what is 0600 here is 0600 because we made it so."""
    old = os.umask(0)
    yield
    os.umask(old)


def test_write_atomic_is_private_and_replaces(tmp_path, open_umask):
    target = tmp_path / "out.txt"
    target.write_text("old")
    os.chmod(target, 0o644)
    write_atomic(target, "新的")
    assert target.read_text(encoding="utf-8") == "新的" and _mode(target) == 0o600
    assert os.listdir(tmp_path) == ["out.txt"]  # no temporary left


def test_a_planted_tmp_symlink_is_never_followed(tmp_path, run):
    """`db backup FILE` used to write through FILE.tmp: a symlink there overwrote its target."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    backup = tmp_path / "backup.json"
    (tmp_path / "backup.json.tmp").symlink_to(victim)
    assert run("deal", "new", "--name", "x").exit_code == 0
    assert run("db", "backup", str(backup)).exit_code == 0
    assert victim.read_text() == "precious"
    assert json.loads(backup.read_text())["format"] == "dealcoach-backup" and _mode(backup) == 0o600


def test_a_symlink_at_the_target_is_replaced_not_written_through(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    target = tmp_path / "out.ics"
    target.symlink_to(victim)
    write_atomic(target, b"BEGIN:VCALENDAR")
    assert victim.read_text() == "precious"
    assert not target.is_symlink() and target.read_bytes() == b"BEGIN:VCALENDAR"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "grades.csv"
    target.write_text("old")

    def full(_descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DealcoachError, match=r"grades.csv: the disk is full: free some space .*nothing was written"):
        write_atomic(target, "new" * 1000)
    with pytest.raises(DealcoachError, match="the disk is full"), atomic_path(target) as temporary:
        temporary.write_text("half")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["grades.csv"]


def test_backup_on_a_full_disk_is_one_line_and_leaves_nothing(run, tmp_path, monkeypatch):
    assert run("deal", "new", "--name", "x").exit_code == 0
    out = tmp_path / "out"
    out.mkdir()

    def full(_descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run("db", "backup", str(out / "team.json"))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {out / 'team.json'}: the disk is full: free some space and run the command again; nothing was written"]
    assert os.listdir(out) == []


def _forget_loaded_playbooks() -> None:
    """This process has the playbooks in memory already; make the next command write the cache."""
    from dealcoach.playbook import loader

    for value in vars(loader).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def test_every_written_file_is_owner_only(run, tmp_path, open_umask):
    _forget_loaded_playbooks()
    assert run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml")).exit_code == 0
    prospects = tmp_path / "prospects.csv"
    prospects.write_text("name,amount,probability,expected_close\nA公司,100000,0.8,2026-12-31\n", encoding="utf-8")
    outputs = {
        "export.yaml": ("deal", "export", "1", "-o"),
        "script.md": ("call-script", "1", "-o"),
        "plan.ics": ("followup", "--days", "400", "--ics"),
        "grades.csv": ("grade", str(prospects), "-o"),
        "grades.xlsx": ("grade", str(prospects), "-o"),
        "map.mmd": ("map", "1", "--format", "mermaid", "-o"),
        "backup.json": ("db", "backup"),
        "review.html": ("report", "--pipeline", "-o"),
    }
    for name, command in outputs.items():
        result = run(*command, str(tmp_path / name))
        assert result.exit_code == 0, (name, result.stderr)
        assert _mode(tmp_path / name) == 0o600, name
    assert run("profile", "set", "--name", "Amy", "--phone", "138").exit_code == 0
    home = tmp_path / "home"
    assert _mode(home / "profile.yaml") == 0o600 and _mode(home / "dealcoach.db") == 0o600
    assert _mode(home) == 0o700
    for entry in (home / "cache").iterdir():
        assert _mode(entry) == 0o600, entry
    assert not [p for p in tmp_path.rglob("*.tmp")]


@pytest.mark.parametrize("first", ["stage", "path-to-db", "profile"])
def test_home_is_created_owner_only_by_whoever_comes_first(run, isolated_home, first):
    _forget_loaded_playbooks()
    old = os.umask(0o022)
    try:
        if first == "stage":  # the playbook cache creates the home
            assert run("stage", "--example", "ningxia-industrial-oil", "--json").exit_code == 0
        elif first == "profile":
            assert run("profile", "set", "--name", "Amy").exit_code == 0
        else:
            assert run("deal", "list").exit_code == 0
    finally:
        os.umask(old)
    assert _mode(isolated_home) == 0o700
    for folder in (p for p in isolated_home.rglob("*") if p.is_dir()):
        assert _mode(folder) == 0o700, folder


def test_a_dangling_symlink_at_the_database_gets_a_private_target(run, isolated_home, tmp_path, open_umask):
    isolated_home.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (isolated_home / "dealcoach.db").symlink_to(elsewhere / "real.db")
    assert run("deal", "new", "--name", "x").exit_code == 0
    assert _mode(elsewhere / "real.db") == 0o600
    for sidecar in elsewhere.glob("real.db-*"):  # SQLite's -wal and -shm take the database's mode
        assert _mode(sidecar) == 0o600, sidecar


class _CommitFails:
    """A connection whose COMMIT fails as on a full disk (SQLite writes the WAL at commit)."""

    def __init__(self, connection):
        self._connection = connection

    def commit(self):
        import sqlite3

        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name):
        return getattr(self._connection, name)


def test_disk_full_at_commit_is_the_free_space_message(isolated_home):
    from dealcoach.deals.models import Deal
    from dealcoach.store import open_store

    with open_store() as store:
        store.add(Deal(name="before"), "a")
        real = store._connection
        store._connection = _CommitFails(real)
        with pytest.raises(StoreError, match="database or disk is full: free some space and run the command again; "
                                             "nothing was changed"):
            store.add(Deal(name="lost"), "a")
        store._connection = real
        assert store.count() == 1 and store.integrity_ok()


# --- restore ---------------------------------------------------------------------------------

def _backup(**deal_row) -> dict:
    row = {"id": 1, "version": 1, "created_at": "2026-01-01T00:00:00+00:00",
           "updated_at": "2026-01-01T00:00:00+00:00", "deal": {"name": "x"}, **deal_row}
    return {"format": "dealcoach-backup", "version": 1, "migrations": ["001_deals_and_history"], "deals": [row],
            "history": []}


@pytest.mark.parametrize("broken, message", [
    (_backup(id=2**63), "deals.0.id: Input should be less than or equal to 9223372036854775807"),
    (_backup(version=2**31), "deals.0.version: Input should be less than or equal to 2147483647"),
    ({**_backup(), "history": [{"deal_id": 2**64, "at": "2026-01-01T00:00:00", "who": "a", "what": "b"}]},
     "history.0.deal_id"),
    ({**_backup(), "migrations": ["001_deals_and_history", "999_from_the_future"]},
     "written by a newer dealcoach (schema 999_from_the_future); upgrade dealcoach"),
])
def test_restore_refuses_what_it_cannot_store(run, tmp_path, backend, broken, message):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    result = run("db", "restore", str(bad))
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert json.loads(run("deal", "list", "--json").stdout) == []


def test_the_largest_id_restores(run, tmp_path, backend):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_backup(id=2**63 - 1)))
    assert run("db", "restore", str(good)).exit_code == 0
    assert [d["id"] for d in json.loads(run("deal", "list", "--json").stdout)] == [2**63 - 1]


def _restore(path: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from dealcoach.cli import app

    result = CliRunner().invoke(app, ["db", "restore", path])
    return result.exit_code, result.stderr


def test_two_restores_at_once_give_a_clear_error(run, tmp_path, backend):
    backup = {**_backup(), "deals": [{**_backup()["deals"][0], "id": i, "deal": {"name": f"deal {i}"}}
                                     for i in range(1, 2001)]}
    path = tmp_path / "team.json"
    path.write_text(json.dumps(backup))
    assert run("deal", "list").exit_code == 0  # the schema exists before the race
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        results = pool.map(_restore, [str(path)] * 3)
    assert sorted(code for code, _ in results) == [0, 1, 1], results
    for code, errors in results:
        if code:
            assert errors.strip() == "error: the target database already holds deals; restore into an empty database"
    assert len(json.loads(run("deal", "list", "--json").stdout)) == 2000


# --- passwords ---------------------------------------------------------------------------------

URLS = [
    ("postgresql://rep:Que?stion77@127.0.0.1:1/nowhere", "rep:***@127.0.0.1:1/nowhere", ["Que?stion77", "stion77"]),
    ("postgresql://rep@127.0.0.1:1/nowhere?sslpassword=Ssl-s3cret&sslmode=disable",
     "rep@127.0.0.1:1/nowhere?sslpassword=***&sslmode=disable", ["Ssl-s3cret"]),
    ("postgresql://rep@127.0.0.1:1/nowhere?password=Qu%3Fery-pw", "nowhere?password=***", ["Qu%3Fery-pw", "Qu?ery-pw"]),
    ("postgresql://rep:p@ss/w#rd9@127.0.0.1:1/nowhere", "rep:***@127.0.0.1:1/nowhere", ["ss/w#rd9", "w#rd9"]),
    ("postgresql://rep:Pl%40in-pw@127.0.0.1:1/nowhere?connect_timeout=1", "rep:***@127.0.0.1:1/nowhere",
     ["Pl%40in-pw", "Pl@in-pw"]),
]


@pytest.mark.parametrize("url, shown, secrets", URLS)
def test_no_password_in_path_or_connection_errors(run, monkeypatch, url, shown, secrets):
    monkeypatch.setenv("DEALCOACH_DATABASE_URL", url)
    result = run("deal", "list")
    assert result.exit_code == 1 and shown in result.stderr, result.stderr
    printed = run("path").stdout + run("path", "--json").stdout + result.output
    assert shown in printed
    for secret in secrets:
        assert secret not in printed


@pytest.mark.parametrize("url, shown, secrets", URLS[:2])
def test_no_password_with_debug(monkeypatch, url, shown, secrets):
    environment = {**os.environ, "DEALCOACH_DATABASE_URL": url}
    result = subprocess.run([sys.executable, "-m", "dealcoach", "--debug", "deal", "list"], env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "Traceback" in result.stderr and shown in result.stderr
    for secret in secrets:
        assert secret not in result.stderr + result.stdout
