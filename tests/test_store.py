"""The deal store on SQLite: CRUD, history, lookups, versions, permissions, crash safety."""

from __future__ import annotations

import stat

import pytest

from dealcoach.deals.models import Deal, Person
from dealcoach.errors import AmbiguousError, ConflictError, NotFoundError, StoreError


def test_database_file_is_owner_only(isolated_home):
    from dealcoach.store import open_store

    open_store().close()
    mode = stat.S_IMODE((isolated_home / "dealcoach.db").stat().st_mode)
    assert mode == 0o600


def test_migrations_are_recorded_once(store):
    names = [row[0] for row in store._execute("SELECT name FROM migrations ORDER BY name").fetchall()]
    assert names == ["001_deals_and_history", "002_deal_status", "003_activity_ids", "004_deal_name_index",
                     "005_people_pains_from_calls"]
    assert store.migrate() == []


def test_newer_schema_is_refused(store, isolated_home):
    store._execute("INSERT INTO migrations VALUES ('999_from_the_future', 'x')")
    from dealcoach.store import open_store

    with pytest.raises(StoreError, match="newer schema than this dealcoach knows .999_from_the_future"):
        open_store()


def test_add_get_find_and_history(store):
    first = store.add(Deal(name="宁夏新工程项目工业油", account="宁夏某新工程项目", amount=800000), "rep-a")
    store.add(Deal(name="宁夏二期"), "rep-b")
    assert first.id == 1 and first.version == 1 and first.owner == "rep-a"
    assert store.get(1).name == "宁夏新工程项目工业油"
    assert store.find("1").id == 1
    assert store.find("工业油").id == 1
    assert store.find("宁夏二期").id == 2  # an exact name wins over a partial match
    with pytest.raises(AmbiguousError, match="'宁夏' matches 2 deals"):
        store.find("宁夏")
    with pytest.raises(NotFoundError, match="no deal matches 'nothing'"):
        store.find("nothing")
    with pytest.raises(NotFoundError):
        store.find("%")  # LIKE wildcards are matched literally
    store.add(Deal(name="2024"), "a")
    assert store.find("2024").name == "2024"  # a number that is no id is looked up by name
    with pytest.raises(NotFoundError, match="no deal matches '²'"):
        store.find("²")
    changed = store.save(first.model_copy(update={"probability": 0.4}), "rep-a")
    assert changed.version == 2
    history = store.history(1)
    assert [h.who for h in history] == ["rep-a", "rep-a"]
    assert history[0].what == "created" and history[1].what == "probability: null -> 0.4"


def test_save_without_change_writes_nothing(store):
    deal = store.add(Deal(name="x"), "me")
    assert store.save(deal, "me").version == 1
    assert len(store.history(deal.id)) == 1


def test_stale_copy_merges_when_changes_do_not_overlap(store):
    deal = store.add(Deal(name="x", people=[Person(name="A")]), "a")
    store.save(deal.model_copy(update={"probability": 0.5}), "rep-a")
    merged = store.save(deal.model_copy(update={"amount": 10.0}), "rep-b")
    assert (merged.probability, merged.amount, merged.version) == (0.5, 10.0, 3)
    assert store.history(deal.id)[-1].what == "amount: null -> 10.0 (merged with a concurrent change)"


def test_stale_copy_is_refused_when_changes_overlap(store):
    deal = store.add(Deal(name="x"), "a")
    store.save(deal.model_copy(update={"probability": 0.5}), "rep-a")
    with pytest.raises(ConflictError, match=r"was changed by rep-a at .* \(probability: null -> 0.5\) since you read "
                                            r"it, and your change overlaps on: probability; nothing was saved"):
        store.save(deal.model_copy(update={"probability": 0.9, "amount": 5.0}), "rep-b")
    fresh = store.get(deal.id)
    assert (fresh.probability, fresh.amount, fresh.version) == (0.5, None, 2)


def test_list_items_merge_item_by_item(store):
    from dealcoach.deals.models import DoneMark

    deal = store.add(Deal(name="x", people=[Person(name="A"), Person(name="B")]), "a")
    store.save(deal.model_copy(update={"done": [DoneMark(id="find-leads")],
                                       "people": [Person(name="A", contact="brief"), Person(name="B")]}), "rep-a")
    merged = store.save(deal.model_copy(update={"done": [DoneMark(id="grade-customer")],
                                                "people": [Person(name="A"), Person(name="B", attitude="supporter")]}),
                        "rep-b")
    assert {m.id for m in merged.done} == {"find-leads", "grade-customer"}
    assert [(p.name, p.contact, p.attitude) for p in merged.people] == [("A", "brief", "unknown"),
                                                                        ("B", "none", "supporter")]
    stale = store.get(deal.id)
    saved = store.save(stale.model_copy(update={"people": [Person(name="A", contact="deep"), stale.people[1]]}), "c")
    assert saved.people[0].contact == "deep"
    # the same field changed on the same stale copy by someone else: refused, naming the overlap
    with pytest.raises(ConflictError, match="overlaps on: people.A"):
        store.save(stale.model_copy(update={"people": [Person(name="A", contact="regular"), stale.people[1]]}), "d")
    assert store.get(deal.id).people[0].contact == "deep"  # the first save is kept


def test_list_and_owner_filter(store):
    store.add(Deal(name="a", owner="amy"), "amy")
    store.add(Deal(name="b"), "bob")
    assert [d.name for d in store.list_deals()] == ["a", "b"]
    assert [d.name for d in store.list_deals(owner="bob")] == ["b"]


def test_delete_removes_history(store):
    deal = store.add(Deal(name="x"), "a")
    store.delete(deal.id)
    assert store.history(deal.id) == []
    with pytest.raises(NotFoundError):
        store.delete(deal.id)


def test_transaction_rolls_back_everything(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add(Deal(name="one"), "a")
            store.add(Deal(name="two"), "a")
            raise RuntimeError("boom")
    assert store.count() == 0


def test_people_round_trip_through_the_store(store):
    deal = store.add(Deal(name="x", people=[Person(name="涂主任", roles=["technical-supporter"], contact="brief")]), "a")
    assert store.get(deal.id).people[0].roles == ["technical-supporter"]


