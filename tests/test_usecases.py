"""The use cases the commands call, called directly on SQLite and on PostgreSQL (`store` fixture)."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest

from conftest import EXAMPLES, write
from dealcoach.deals.calls import call_record
from dealcoach.errors import DealcoachError, DealFileError
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.usecases.activity import log_activity, log_call, visit_form
from dealcoach.usecases.backup import backup_to_file, read_backup, restore_backup
from dealcoach.usecases.deals import import_deals, new_deal, read_deal_files, update_deal

WHEN = dt.datetime(2026, 11, 20, 10, 0)


def _stored(store, playbook="six-step"):
    deal = new_deal({"name": "甲项目", "account": "甲公司", "playbook": playbook,
                     "people": [{"name": "王总", "contact": "none"}, {"name": "李工"}]})
    return store.add(deal, "amy")


def test_logging_a_held_visit_saves_it_and_raises_the_contact_level(store):
    deal = _stored(store)
    saved = log_activity(store, deal, {"date": WHEN, "kind": "visit", "outcome": "held", "contact": "王总",
                                       "note": "首次拜访"}, "amy")
    again = store.get(deal.id)
    assert again == saved
    assert [(a.kind, a.outcome, a.contact, a.by) for a in again.activities] == [("visit", "held", "王总", "amy")]
    assert again.person("王总").contact == "brief" and again.person("李工").contact == deal.person("李工").contact
    assert store.history(deal.id)[-1].what == "activity: visit held; 王总 contact none -> brief"


def test_logging_an_activity_for_someone_not_on_the_deal_saves_nothing(store):
    deal = _stored(store)
    with pytest.raises(DealcoachError) as caught:
        log_activity(store, deal, {"date": WHEN, "kind": "call", "outcome": "connected", "contact": "赵六"}, "amy")
    assert caught.value.message == ("contact: '赵六' is not a person on deal 甲项目 (people: 王总, 李工); "
                                    "add them with `dealcoach people add`")
    assert store.get(deal.id).activities == [] and store.get(deal.id).version == deal.version


def test_a_booked_meeting_from_the_call_script_marks_the_playbook_items_done(store):
    from dealcoach.coaching.callscript import build_call_script
    from dealcoach.profile import Profile

    deal = _stored(store, "eight-step")
    playbook, catalog = load_playbook("eight-step"), load_catalog()
    script = build_call_script(deal, playbook, catalog, Profile(), "en", contact_name="王总")
    record = call_record({"outcome": "meeting-booked", "contact": "王总", "confirmed_pains": ["停机多"],
                          "meeting": {"when": "下周三上午10点"}})
    plan = log_call(store, deal, record, script, playbook, catalog, "amy", "en", when=WHEN)
    saved = store.get(deal.id)
    assert playbook.phone_invitation.on_meeting_booked == ["phone-invitation"]
    assert "phone-invitation" in saved.done_ids()
    assert [(a.kind, a.outcome) for a in saved.activities] == [("call", "meeting-booked")]
    assert [p.text for p in saved.pains] == ["停机多"] and saved.person("王总").contact == "brief"
    assert plan.outcome == "meeting-booked" and plan.meeting.when == "下周三上午10点"
    assert "王总 contact none -> brief" in store.history(deal.id)[-1].what


def test_the_visit_form_comes_from_the_deal_playbook_else_eight_step():
    six, eight = load_playbook("six-step"), load_playbook("eight-step")
    assert visit_form(six) is not None and visit_form(six) == visit_form(eight)
    assert visit_form(eight).id == "visit-summary"


def test_import_reads_every_file_first_and_adds_all_or_none(store, tmp_path):
    good = EXAMPLES / "ningxia-industrial-oil.yaml"
    bad = write(tmp_path / "bad.yaml", "name: x\nplaybook: six-step\namount: lots\n")
    with pytest.raises(DealFileError, match="bad.yaml:3"):
        read_deal_files([good, bad])
    assert store.count() == 0
    stored = import_deals(store, read_deal_files([good, EXAMPLES / "auto-parts-supplier.yaml"]), "amy")
    assert [d.id for d in stored] == [1, 2] and store.count() == 2
    assert [h.what for h in store.history(1)] == ["imported"]


def test_update_keeps_an_unchanged_deal_at_its_version(store):
    deal = _stored(store)
    same = update_deal(store, deal, {"account": "甲公司"}, "amy")
    assert same.version == deal.version
    changed = update_deal(store, deal, {"probability": "35%"}, "amy")
    assert changed.version == deal.version + 1 and store.get(deal.id).probability == 0.35
    with pytest.raises(DealcoachError, match="customer_step"):
        update_deal(store, changed, {"customer_step": "no-such-step"}, "amy")
    assert store.get(deal.id).version == changed.version


def test_backup_then_restore_into_an_empty_store(store, tmp_path, monkeypatch):
    deal = _stored(store)
    log_activity(store, deal, {"date": WHEN, "kind": "call", "outcome": "connected", "contact": "王总"}, "amy")
    path = tmp_path / "backup.json"
    counts = backup_to_file(store, path)
    assert (counts.deals, counts.history) == (1, 2)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text(encoding="utf-8"))["deals"][0]["deal"]["name"] == "甲项目"

    from dealcoach.store import open_store

    monkeypatch.setenv("DEALCOACH_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    with open_store() as other:
        restored = restore_backup(other, read_backup(path), path)
        assert (restored.deals, restored.history) == (1, 2)
        assert other.get(deal.id).activities == store.get(deal.id).activities
        assert [h.what for h in other.history(deal.id)] == [h.what for h in store.history(deal.id)]


def test_a_missing_or_broken_backup_is_one_line_naming_the_file(tmp_path):
    with pytest.raises(DealcoachError, match=r"nothing\.json: no such file"):
        read_backup(tmp_path / "nothing.json")
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\xff\xfe{")
    with pytest.raises(DealcoachError, match=r"broken\.json: not a JSON backup"):
        read_backup(broken)
