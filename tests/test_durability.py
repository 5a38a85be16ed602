"""No data is lost: concurrent writers, killed processes, a full disk, a read-only file, fuzzed input,
and moving a team between SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from dealcoach.deals.models import Deal
from dealcoach.errors import DealcoachError, StoreError

WORKER = """
import sys, datetime as dt
from dealcoach.store import open_store
from dealcoach.deals.models import Activity
worker, updates, deal_ids = int(sys.argv[1]), int(sys.argv[2]), [int(x) for x in sys.argv[3].split(",")]
with open_store() as store:
    for update in range(updates):
        deal_id = deal_ids[update % len(deal_ids)]
        for attempt in range(50):
            deal = store.get(deal_id)
            note = f"w{worker}-u{update}"
            activity = Activity(date=dt.datetime(2026, 1, 1) + dt.timedelta(minutes=worker * 1000 + update),
                                kind="call", outcome="connected", note=note)
            try:
                store.save(deal.model_copy(update={"activities": [*deal.activities, activity]}), f"w{worker}")
                break
            except Exception as exc:  # a lock timeout is retried; anything else is a failure
                if "locked" not in str(exc) and "deadlock" not in str(exc):
                    raise
"""


def _env() -> dict:
    return {**os.environ}


def test_concurrent_writers_lose_no_update(store):
    """N processes each apply M updates to the same deals: every update is there at the end."""
    workers, updates = 4, 20
    deal_ids = [store.add(Deal(name=f"shared {i}"), "setup").id for i in range(2)]
    processes = [subprocess.Popen([sys.executable, "-c", WORKER, str(w), str(updates), ",".join(map(str, deal_ids))],
                                  env=_env(), stderr=subprocess.PIPE, text=True) for w in range(workers)]
    for process in processes:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors
    notes = []
    for deal_id in deal_ids:
        deal = store.get(deal_id)
        assert deal.version == 1 + workers * updates // len(deal_ids)
        notes += [a.note for a in deal.activities]
        assert len(store.history(deal_id)) == deal.version
    assert sorted(notes) == sorted(f"w{w}-u{u}" for w in range(workers) for u in range(updates))


KILLED_WRITER = """
from dealcoach.store import open_store
from dealcoach.deals.models import Deal
store = open_store()
i = 0
while True:
    with store.transaction():
        deal = store.add(Deal(name=f"deal {i}", notes="x" * 3000), "writer")
        store.save(deal.model_copy(update={"probability": 0.5}), "writer")
    i += 1
    if i == 10:
        print("ready", flush=True)
"""


def test_killed_writer_keeps_every_committed_change(store):
    """SIGKILL at random points while writing: the database opens, is consistent, and every
    committed transaction is complete (both of its writes), on SQLite and on PostgreSQL."""
    from dealcoach.store import open_store

    for delay in (0.0, 0.13, 0.37):
        process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER], env=_env(), stdout=subprocess.PIPE, text=True)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with open_store() as fresh:
            assert fresh.integrity_ok()
            rows = fresh._execute("SELECT COUNT(*), SUM(CASE WHEN version = 2 THEN 1 ELSE 0 END) FROM deals").fetchone()
            history = fresh._execute("SELECT COUNT(*) FROM deal_history").fetchone()[0]
            assert rows[0] >= 10 and rows[0] == rows[1]
            assert history == 2 * rows[0]
            for summary in fresh.list_deals()[-3:]:
                assert fresh.get(summary.id).probability == 0.5


def test_full_disk_writes_nothing(isolated_home):
    from dealcoach.store import open_store

    with open_store() as store:
        store.add(Deal(name="before"), "a")
        pages = store._execute("PRAGMA page_count").fetchone()[0]
        store._execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own way to make the disk full
        with pytest.raises(StoreError, match="database or disk is full.*nothing was changed"):
            with store.transaction():
                for number in range(50):
                    store.add(Deal(name=f"big {number}", notes="x" * 50_000), "a")
        assert store.count() == 1 and store.integrity_ok()


def test_read_only_database_gives_a_clear_error(run, isolated_home, monkeypatch):
    assert run("deal", "new", "--name", "kept").exit_code == 0
    monkeypatch.setenv("DEALCOACH_DATABASE_URL", f"sqlite:///{isolated_home / 'dealcoach.db'}?mode=ro")
    assert json.loads(run("deal", "list", "--json").stdout)[0]["name"] == "kept"
    result = run("deal", "new", "--name", "lost")
    assert result.exit_code == 1
    assert "attempt to write a readonly database: the database is read-only here; nothing was changed" in result.stderr
    monkeypatch.delenv("DEALCOACH_DATABASE_URL")
    assert [d["name"] for d in json.loads(run("deal", "list", "--json").stdout)] == ["kept"]


def test_backup_and_restore_between_backends(run, backend, tmp_path, isolated_home, monkeypatch):
    """A team moves from this backend to the other one and back: every deal, version and history entry."""
    for example in sorted(EXAMPLES.glob("*.yaml")):
        assert run("deal", "import", str(example)).exit_code == 0
    run("stage", "1", "--done", "find-leads")
    run("log", "add", "2", "--kind", "call", "--outcome", "connected", "--date", "2026-11-01T09:00")
    before = [json.loads(run("deal", "show", str(i), "--json").stdout) for i in (1, 2, 3)]
    dump = tmp_path / "backup.json"
    assert run("db", "backup", str(dump)).exit_code == 0
    assert oct(dump.stat().st_mode & 0o777) == "0o600"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    monkeypatch.setenv("DEALCOACH_DATABASE_URL", other)
    result = run("db", "restore", str(dump))
    assert result.exit_code == 0, result.stderr
    after = [json.loads(run("deal", "show", str(i), "--json").stdout) for i in (1, 2, 3)]
    assert after == before
    assert run("db", "restore", str(dump)).exit_code == 1  # never into a store that holds deals
    assert json.loads(run("deal", "new", "--name", "next", "--json").stdout)["id"] == 4


def test_restore_refuses_bad_backups(run, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    result = run("db", "restore", str(bad))
    assert result.exit_code == 1 and "not a dealcoach backup" in result.stderr
    bad.write_text("{not json")
    assert "bad.json:1:2: invalid JSON: Expecting property name" in run("db", "restore", str(bad)).stderr
    good = {"format": "dealcoach-backup", "version": 1, "deals": [
        {"id": 1, "version": 1, "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00",
         "deal": {"name": "x"}}], "history": []}
    for broken, message in (
        ({**good, "deals": [{**good["deals"][0], "created_at": None}]}, "deals.0.created_at"),
        ({**good, "deals": [{**good["deals"][0], "updated_at": "y"}]}, "deals.0.updated_at"),
        ({**good, "deals": good["deals"] * 2}, "id 1 appears twice"),
        ({**good, "history": [{"deal_id": 1, "at": "garbage", "who": "a", "what": "b"}]}, "history.0.at"),
        ({**good, "history": [{"deal_id": 9, "at": "2026-01-01T00:00:00", "who": "a", "what": "b"}]},
         "entries for deal 9"),
        ({**good, "deals": [{**good["deals"][0], "deal": {"name": "x", "probability": 7}}]},
         "deals.0.deal.probability"),
    ):
        bad.write_text(json.dumps(broken))
        result = run("db", "restore", str(bad))
        assert result.exit_code == 1 and message in result.stderr, (message, result.stderr)
        assert json.loads(run("deal", "list", "--json").stdout) == []
    bad.write_text(json.dumps(good))
    assert run("db", "restore", str(bad)).exit_code == 0
    assert json.loads(run("deal", "show", "1", "--json").stdout)["name"] == "x"


@pytest.mark.parametrize("url, shown", [
    ("postgresql://rep:s3cret-pw@127.0.0.1:1/nowhere", "rep:***@127.0.0.1:1/nowhere"),
    ("postgresql://rep@127.0.0.1:1/nowhere?password=s3cret-pw", "rep@127.0.0.1:1/nowhere?password=***"),
    ("postgresql://rep:s3cret@pw9x@127.0.0.1:1/nowhere", "rep:***@127.0.0.1:1/nowhere"),
])
def test_password_never_appears(run, monkeypatch, url, shown):
    monkeypatch.setenv("DEALCOACH_DATABASE_URL", url)
    result = run("deal", "list")
    assert result.exit_code == 1
    assert shown in result.stderr
    for piece in ("s3cret", "pw9x"):
        assert piece not in result.output
        assert piece not in run("path").stdout


# --- fuzzing: random deal files and playbooks never produce a traceback ------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
                    st.floats(allow_nan=True), st.text(max_size=50), st.dates())
keys = st.sampled_from(["name", "account", "playbook", "amount", "currency", "expected_close", "probability",
                        "customer_step", "done", "people", "competitors", "notes", "signals", "activities",
                        "pains", "assessment", "roles", "attitude", "reports_to", "id", "version"]) | st.text(max_size=12)
documents = st.recursive(scalars, lambda children: st.lists(children, max_size=5) |
                         st.dictionaries(keys, children, max_size=8), max_leaves=30)


def _valid_deals():
    """Deal files that are valid by construction: the ids come from the bundled playbooks."""
    from dealcoach.playbook.loader import load_catalog, load_playbook

    six = load_playbook("six-step")
    names = st.text(alphabet="宁夏新工程项目工业油华东钢厂张王李 ABCxyz-0123", min_size=1, max_size=16).filter(str.strip)
    person = st.fixed_dictionaries(
        {"name": names},
        optional={"title": names, "roles": st.lists(st.sampled_from([r.id for r in load_catalog().roles]),
                                                      max_size=2, unique=True),
                  "attitude": st.sampled_from(["supporter", "neutral", "opponent", "unknown"]),
                  "influence": st.sampled_from(["high", "medium", "low", "unknown"]),
                  "contact": st.sampled_from(["none", "brief", "regular", "deep"]),
                  "level": st.sampled_from(["senior", "middle", "staff"])})
    return st.fixed_dictionaries(
        {"name": names, "playbook": st.just("six-step")},
        optional={"account": names,
                  "amount": st.integers(min_value=0, max_value=10**12) | st.sampled_from(["80万", "800,000", "1.2亿"]),
                  "currency": st.sampled_from(["CNY", "EUR", "USD"]),
                  "expected_close": st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
                  "probability": st.sampled_from([0, 0.2, 1, "20%", "35%"]),
                  "customer_step": st.sampled_from([step.id for step in six.customer_steps]),
                  "done": st.lists(st.sampled_from(sorted(six.checkable_ids())), max_size=6, unique=True),
                  "people": st.lists(person, max_size=4, unique_by=lambda p: p["name"].strip()),
                  "competitors": st.lists(names, max_size=3),
                  "notes": st.text(max_size=60)})


@st.composite
def deal_files(draw):
    """(a deal file, whether it was spoilt): half are valid, half have one field, key or the whole
    document replaced by random data, so both outcomes are exercised."""
    data = draw(_valid_deals())
    spoilt = draw(st.booleans())
    if spoilt:
        how = draw(st.sampled_from(["value", "key", "document"]))
        if how == "value":
            data[draw(st.sampled_from(sorted(data)))] = draw(documents)
        elif how == "key":
            data[draw(keys)] = draw(documents)
        else:
            data = draw(st.dictionaries(keys, documents, max_size=10))
    return data, spoilt


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal_files())
def test_random_deal_files_give_a_clean_error_or_a_deal(case):
    from dealcoach.deals.dealfile import load_deal_text

    data, spoilt = case
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        deal, playbook = load_deal_text(text, "fuzz.yaml")
    except DealcoachError as exc:
        assert spoilt, f"a valid deal file was refused: {exc.message}\n{text}"
        assert exc.message.startswith("fuzz.yaml") and "\n" not in exc.message
    else:
        assert deal.name and playbook.id == deal.playbook
        if not spoilt:
            assert deal.name == data["name"].strip() and len(deal.people) == len(data.get("people", []))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_random_text_as_yaml_gives_one_clean_line_or_a_deal(text):
    from dealcoach.deals.dealfile import load_deal_text

    try:
        deal, playbook = load_deal_text(text, "fuzz.yaml")
    except DealcoachError as exc:
        # where (file:line:col) first, then what; one line, whatever the text held
        assert re.match(r"fuzz\.yaml(:\d+:\d+)?: \S", exc.message), exc.message
        assert "\n" not in exc.message and exc.exit_code == 1
    else:
        assert deal.name.strip() and playbook.id == deal.playbook


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["id", "name", "description", "source", "version", "customer_steps",
                                        "stages", "rules", "grading", "roles"]), documents, max_size=8))
def test_random_playbooks_give_clean_errors(tmp_path, data):
    from dealcoach.playbook.loader import validate_paths

    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ((_, errors),) = validate_paths([path])
    assert errors and all(line.startswith(str(path)) for line in errors)
