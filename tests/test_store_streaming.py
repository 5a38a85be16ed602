"""Bulk reads and writes: `store.deals()` streams what `get()` reads one by one, on both backends;
batched saves; SQL activity counts; activity identities that keep identical entries apart."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from collections import Counter

import pytest

from dealcoach.deals.models import Activity, Deal, Person
from dealcoach.errors import StoreError

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _varied_deal(i: int) -> Deal:
    """Deals unlike each other: statuses, owners, people, grades, activities, missing fields."""
    activities = [Activity(date=dt.datetime(2026, 1 + i % 12, 1 + j, 9, j, tzinfo=SHANGHAI),
                           kind="call", outcome=("no-answer", "connected", "meeting-booked")[(i + j) % 3],
                           contact="王总" if j % 2 else None, note=f"第{j}次 \"quoted\" \\ note")
                  for j in range(i % 7)]
    if i % 5 == 0:
        activities.append(Activity(date=dt.datetime(2026, 3, 3, 15, tzinfo=SHANGHAI), kind="visit", outcome="held"))
    return Deal(name=f"deal {i} 宁夏", account=None if i % 3 else f"account {i}", amount=None if i % 4 else i * 1000.5,
                probability=(i % 10) / 10, status=("open", "open", "won", "lost")[i % 4], vip=i % 6 == 0,
                people=[Person(name="王总", attitude="supporter")] if i % 2 else [],
                activities=activities, notes="x" * (i % 50), owner=("amy", "bob", None)[i % 3])


@pytest.fixture
def filled(store):
    ids = [store.add(_varied_deal(i), "setup").id for i in range(300)]
    return store, ids


def test_streamed_deals_equal_the_ones_read_one_by_one(filled):
    store, ids = filled
    streamed = list(store.deals(batch=37))  # a batch size that does not divide the count
    assert [deal.id for deal in streamed] == ids
    for deal in streamed:
        assert deal == store.get(deal.id)
    assert store.deals(batch=1000).__next__().model_dump() == store.get(ids[0]).model_dump()


def test_streaming_filters_by_owner_and_status_in_sql(filled):
    store, ids = filled
    whole = {deal.id: deal for deal in store.deals()}
    amy_open = [deal.id for deal in store.deals(owner="amy", status="open")]
    assert amy_open == [i for i, d in whole.items() if d.owner == "amy" and d.status == "open"]
    assert amy_open  # the filter is exercised, not vacuous
    closed = [deal.id for deal in store.deals(status=("won", "lost"))]
    assert closed == [i for i, d in whole.items() if d.status != "open"] and len(closed) == 150


def test_status_column_follows_saves(filled):
    store, ids = filled
    deal = store.get(ids[0])
    assert deal.status == "open"
    store.save(deal.model_copy(update={"status": "won"}), "tester")
    assert ids[0] in [d.id for d in store.deals(status="won")]
    assert ids[0] not in [d.id for d in store.deals(status="open")]


def test_partial_reads_hold_the_asked_fields_and_cannot_be_saved(filled):
    store, ids = filled
    wanted = {"activities", "people", "computed_grade", "vip"}
    for partial, whole in zip(store.deals(fields=wanted), store.deals(), strict=True):
        for field in wanted | {"id", "version", "owner", "name", "playbook", "status"}:
            assert getattr(partial, field) == getattr(whole, field), field
        assert partial.notes is None  # not asked: its default
    partial = next(store.deals(fields={"activities"}))
    with pytest.raises(StoreError, match="only some of its fields"):
        store.save(partial.model_copy(update={"vip": True}), "tester")
    with pytest.raises(ValueError, match="no Deal field nope"):
        next(store.deals(fields={"nope"}))


def test_views_hold_the_asked_fields_as_the_model_reads_them_and_cannot_be_saved(filled):
    store, ids = filled
    wanted = {"activities": {"date", "contact", "meeting"}, "people": {"name", "roles", "contact"},
              "computed_grade": ..., "expected_close": ...}
    views = list(store.deal_views(wanted, status="open"))
    whole = [deal for deal in store.deals() if deal.status == "open"]
    assert len(views) == len(whole) == 150
    for view, deal in zip(views, whole, strict=True):
        for field in ("id", "version", "owner", "name", "playbook", "status", "computed_grade", "expected_close"):
            assert getattr(view, field) == getattr(deal, field), field
        assert [(a.date, a.contact, a.meeting and a.meeting.model_dump()) for a in view.activities] == \
            [(a.date, a.contact, a.meeting and a.meeting.model_dump()) for a in deal.activities]
        assert [(p.name, p.roles, p.contact, p.met) for p in view.people] == \
            [(p.name, p.roles, p.contact, p.met) for p in deal.people]
        assert not hasattr(view, "notes") and not any(hasattr(a, "note") for a in view.activities)  # not asked
    assert any(view.activities for view in views) and any(view.people for view in views)
    with pytest.raises(StoreError, match="only some of its fields"):
        store.save(views[0], "tester")
    with pytest.raises(ValueError, match="no field nope"):
        next(store.deal_views({"nope": ...}))
    with pytest.raises(ValueError, match="no field nope"):
        next(store.deal_views({"activities": {"nope"}}))


def test_a_view_keeps_the_models_normalising_validators(store):
    """Activities come in time order and times with an offset, as the Deal model gives them, even
    from a document written out of order."""
    later, earlier = (dt.datetime(2026, 5, d, 9, tzinfo=dt.timezone.utc) for d in (9, 2))
    deal = store.add(Deal(name="out of order", activities=[Activity(date=later, kind="call", outcome="connected"),
                                                           Activity(date=earlier, kind="email", outcome="sent")]),
                     "setup")
    store._execute("UPDATE deals SET data = ? WHERE id = ?",
                   (json.dumps({**json.loads(deal.model_dump_json(exclude={"id", "version", "owner"})),
                                "activities": [json.loads(a.model_dump_json()) for a in
                                               reversed(deal.activities)]}), deal.id))
    stored = json.loads(store._execute("SELECT data FROM deals").fetchone()[0])["activities"]
    assert [dt.datetime.fromisoformat(a["date"]) for a in stored] == [later, earlier]  # out of order
    view = next(store.deal_views({"activities": {"date"}}))
    assert [a.date for a in view.activities] == [earlier, later] == [a.date for a in store.get(deal.id).activities]


def test_for_update_outside_a_transaction_is_refused(store):
    with pytest.raises(StoreError, match="inside store.transaction"):
        next(store.deals(for_update=True))


def test_saving_while_streaming_outside_a_transaction(filled):
    """A save made while iterating commits on its own and does not end the stream."""
    store, ids = filled
    seen = 0
    for deal in store.deals(batch=50):
        if deal.id % 10 == 0:
            store.save(store.get(deal.id).model_copy(update={"vip": not deal.vip}), "tester")
        seen += 1
    assert seen == len(ids)


def test_save_many_is_one_transaction_in_batches(filled):
    store, ids = filled
    progress: list[int] = []
    with store.transaction():
        changes = ((deal.model_copy(update={"probability": 0.42}), "probability: 0.42")
                   for deal in store.deals(status="open", for_update=True))
        saved = store.save_many(changes, "grader", progress=progress.append, batch=40)
    assert saved == 150 and progress == [40, 80, 120, 150]
    for deal in store.deals(status="open"):
        assert deal.probability == 0.42 and deal.version == 2
        assert store.history(deal.id)[-1].what == "probability: 0.42"

    def failing():
        for n, deal in enumerate(store.deals(status="open", for_update=True)):
            if n == 100:
                raise RuntimeError("killed half-way")
            yield deal.model_copy(update={"probability": 0.9}), "probability: 0.9"

    with pytest.raises(RuntimeError), store.transaction():
        store.save_many(failing(), "grader", batch=40)
    assert {deal.probability for deal in store.deals(status="open")} == {0.42}  # all or none


def test_save_many_merges_a_deal_changed_since_it_was_read(store):
    deal = store.add(Deal(name="merged"), "setup")
    stale = store.get(deal.id)
    store.save(stale.model_copy(update={"notes": "theirs"}), "other")
    assert store.save_many([(stale.model_copy(update={"vip": True}), None)], "me") == 1
    after = store.get(deal.id)
    assert (after.notes, after.vip, after.version) == ("theirs", True, 3)


def test_activity_counts_agree_with_the_documents(filled):
    store, _ = filled
    expected = Counter()
    per_deal = Counter()
    for deal in store.deals(owner="bob"):
        for activity in deal.activities:
            if dt.date(2026, 2, 1) <= activity.date.date() <= dt.date(2026, 6, 30):
                expected[(activity.kind, activity.outcome)] += 1
                per_deal[(deal.id, deal.status, activity.kind, activity.outcome)] += 1
    rows = store.activity_counts(owner="bob", since=dt.date(2026, 2, 1), until=dt.date(2026, 6, 30))
    assert {(k, o): n for k, o, n in rows} == dict(expected) and sum(expected.values()) > 50
    rows = store.activity_counts(owner="bob", since=dt.date(2026, 2, 1), until=dt.date(2026, 6, 30), per_deal=True)
    assert {row[:4]: row[4] for row in rows} == dict(per_deal)


# --- identical activities are distinct entries (issue: lost updates of identical activities) ----

def test_identical_activities_merge_as_two(store):
    deal = store.add(Deal(name="twice"), "setup")
    mine, theirs = store.get(deal.id), store.get(deal.id)
    same = {"date": dt.datetime(2026, 11, 20, 10, tzinfo=SHANGHAI), "kind": "call", "outcome": "no-answer"}
    store.save(theirs.model_copy(update={"activities": [Activity(**same)]}), "rep")
    store.save(mine.model_copy(update={"activities": [Activity(**same)]}), "rep")
    assert len(store.get(deal.id).activities) == 2


def test_old_activities_get_ids_on_migration(isolated_home):
    """A store written before activities had ids: equal entries become distinct ones, and stay."""
    import sqlite3

    from dealcoach.store import open_store
    from dealcoach.store.migrations import MIGRATIONS

    path = isolated_home / "dealcoach.db"
    isolated_home.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for statement in MIGRATIONS[0].sqlite:
        old.execute(statement)
    old.execute("INSERT INTO migrations VALUES ('001_deals_and_history', '2026-01-01')")
    call = {"date": "2026-11-20T10:00:00+08:00", "kind": "call", "outcome": "no-answer", "contact": None}
    document = {"name": "old", "status": "won", "activities": [call, call, call]}
    old.execute("INSERT INTO deals (name, playbook, currency, version, created_at, updated_at, data) "
                "VALUES ('old', 'six-step', 'CNY', 1, 'x', 'x', ?)", (json.dumps(document),))
    old.commit()
    old.close()
    with open_store() as store:
        deal = store.get(1)
        assert len({a.id for a in deal.activities}) == 3
        assert [d.id for d in store.deals(status="won")] == [1]  # 002 filled the status column
        stale = store.get(1)
        store.save(deal.model_copy(update={"activities": [*deal.activities, Activity(**call)]}), "a")
        store.save(stale.model_copy(update={"activities": [*stale.activities, Activity(**call)]}), "b")
        assert len(store.get(1).activities) == 5


def _log_identical(args: tuple[int, str]) -> int:
    """One process logging the same call again and again, through the real command."""
    times, deal = args
    from typer.testing import CliRunner

    from dealcoach.cli import app

    runner = CliRunner()
    failures = 0
    for _ in range(times):
        result = runner.invoke(app, ["log", "add", deal, "--kind", "call", "--outcome", "no-answer",
                                     "--contact", "Boss", "--date", "2026-11-20T10:00"])
        failures += result.exit_code != 0
    return failures


def test_identical_entries_logged_concurrently_are_all_kept(run, backend):
    workers, each = 4, 8
    assert run("deal", "new", "--name", "Concurrent", "--playbook", "six-step").exit_code == 0
    assert run("people", "add", "Concurrent", "--name", "Boss").exit_code == 0
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers) as pool:
        failures = pool.map(_log_identical, [(each, "Concurrent")] * workers)
    assert failures == [0] * workers
    from dealcoach.store import open_store

    with open_store() as store:
        deal = store.find("Concurrent")
        calls = [a for a in deal.activities if (a.kind, a.outcome, a.contact) == ("call", "no-answer", "Boss")]
        assert len(calls) == workers * each  # 0 lost
        assert len({a.id for a in calls}) == workers * each


# --- bulk commands read through the stream and give what per-deal reads give ---------------------

def test_follow_up_plan_from_the_fields_it_reads_equals_the_plan_from_whole_deals(filled):
    from dealcoach.coaching.followup import PLAN_FIELDS, plan_follow_ups
    from dealcoach.usecases.reading import PlaybooksById

    store, ids = filled
    day = dt.date(2026, 7, 1)
    one_by_one = [store.get(i) for i in ids]
    whole = plan_follow_ups(one_by_one, PlaybooksById(), day, 400, "en")
    streamed = plan_follow_ups(store.deal_views(PLAN_FIELDS, status="open"), PlaybooksById(), day, 400, "en")
    assert len(whole) == 150
    assert [item.model_dump() for item in streamed] == [item.model_dump() for item in whole]


def test_followup_shows_the_first_rows_and_says_how_many_more(run, store):
    for i in range(60):
        store.add(Deal(name=f"prospect {i:02d}"), "setup")
    table = run("followup", "--today", "2026-07-01")
    assert "prospect" in table.stdout and "Showing the first 50; 10 more" in table.stdout
    assert "Showing the first 5; 55 more" in run("followup", "--today", "2026-07-01", "--limit", "5").stdout
    every = run("followup", "--today", "2026-07-01", "--all").stdout
    assert "more" not in every and all(f"prospect {i:02d}" in every for i in range(60))
    assert len(json.loads(run("followup", "--today", "2026-07-01", "--json").stdout)) == 60


def test_grade_deals_streamed_equals_grading_each_deal(run, filled):
    from dealcoach.coaching.grading import grade_deal, sort_key
    from dealcoach.playbook.loader import load_playbook

    store, ids = filled
    day = dt.date(2026, 7, 1)
    expected = sorted((grade_deal(store.get(i), load_playbook("six-step"), day, "en") for i in ids
                       if store.get(i).status == "open"), key=sort_key)
    result = run("grade", "--deals", "--today", "2026-07-01", "--json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed["count"] == len(expected) == 150
    assert listed["prospects"] == [r.model_dump(mode="json") for r in expected]
    assert "Saved the computed grade on 150 deals (150 changed)" in result.stderr
    again = run("grade", "--deals", "--today", "2026-07-01", "--json")
    assert "Saved the computed grade on 150 deals (0 changed)" in again.stderr
    graded = [d for d in store.deals(status="open", fields={"computed_grade"})]
    assert all(d.computed_grade is not None and d.version == 2 for d in graded)
    assert "computed grade" in store.history(graded[0].id)[-1].what


def test_funnel_from_the_fields_it_reads_equals_the_funnel_from_whole_deals(filled):
    from dealcoach.coaching.funnel import FUNNEL_FIELDS, compute_funnel
    from dealcoach.playbook.loader import load_playbook

    store, ids = filled
    playbook = load_playbook("six-step")
    for since, until, owner in ((None, None, None), (dt.date(2026, 2, 1), dt.date(2026, 6, 30), "bob")):
        whole = compute_funnel([store.get(i) for i in ids], playbook, "en", since=since, until=until, owner=owner)
        counts = store.activity_counts(owner=owner, since=since, until=until, per_deal=True)
        partial = compute_funnel(list(store.deal_views(FUNNEL_FIELDS, owner=owner)), playbook, "en", since=since,
                                 until=until, owner=owner, activity_counts=iter(counts))
        assert partial.model_dump() == whole.model_dump()
        assert sum(rate.denominator for rate in whole.rates) > 0
