"""Follow-up as the source teaches it (#17 point 7): touches timed around the deal's next key
milestone (前紧后松), persistence per contact counted from the log, and whom to borrow strength from
(杠杆借力). The rhythm is coaching/cadence.py's; the words and numbers are the playbooks' `follow_up:`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dealcoach.coaching.followup import follow_up_for
from dealcoach.deals.models import Activity, ComputedGrade, Deal, Meeting, Person
from dealcoach.playbook.loader import load_catalog, load_playbook

CATALOG = load_catalog()
TODAY = dt.date(2026, 11, 10)


def _touch(day: str, contact: str | None, kind: str = "call", outcome: str = "connected", **more) -> Activity:
    return Activity(date=dt.datetime.fromisoformat(day), kind=kind, outcome=outcome, contact=contact, **more)


def _deal(playbook_id: str = "six-step", grade: str = "C", **fields) -> Deal:
    computed = ComputedGrade(grade=grade, rule="test", on=TODAY)
    return Deal(name="甲项目", playbook=playbook_id, computed_grade=computed, **fields)


@pytest.mark.parametrize("pb", ["six-step", "eight-step"])
def test_touches_are_denser_before_the_milestone_and_sparser_after(pb):
    playbook = load_playbook(pb)
    timing = playbook.follow_up.milestone
    cadence = next(g.follow_up_days for g in playbook.grading.grades if g.id == "C")
    people = [Person(name="王总", contact="brief")]
    last = [_touch("2026-11-09T10:00", "王总")]
    plain = follow_up_for(_deal(pb, people=people, activities=last), playbook, TODAY, "en", CATALOG)
    assert plain.cadence_days == cadence and plain.milestone_phase is None
    # a decision meeting in 10 days: within the window before it, touches come at the shorter cadence,
    # and one falls on the day before it at the latest
    soon = _deal(pb, people=people, activities=last, milestone_on=TODAY + dt.timedelta(days=10))
    before = follow_up_for(soon, playbook, TODAY, "en", CATALOG)
    assert before.milestone_phase == "before" and before.milestone_on == TODAY + dt.timedelta(days=10)
    assert before.cadence_days == max(1, round(cadence * timing.before_share)) < cadence
    assert before.due <= TODAY + dt.timedelta(days=9)
    assert "10 days away" in before.why
    # after the milestone, sparser
    past = _deal(pb, people=people, activities=last, milestone_on=TODAY - dt.timedelta(days=3))
    after = follow_up_for(past, playbook, TODAY, "zh", CATALOG)
    assert after.milestone_phase == "after" and after.cadence_days == round(cadence * timing.after_factor) > cadence
    assert "前紧后松" in after.why
    # far from any milestone, the grade's rhythm alone
    far = _deal(pb, people=people, activities=last, milestone_on=TODAY + dt.timedelta(days=timing.before_days + 5))
    assert follow_up_for(far, playbook, TODAY, "en", CATALOG).cadence_days == cadence


def test_a_booked_meeting_and_the_expected_close_are_key_dates_too():
    playbook = load_playbook("six-step")
    meeting = _touch("2026-11-08T10:00", "王总", outcome="meeting-booked",
                     meeting=Meeting(at=dt.datetime(2026, 11, 14, 10, tzinfo=dt.timezone.utc)))
    item = follow_up_for(_deal(activities=[meeting]), playbook, TODAY, "en", CATALOG)
    assert item.milestone_phase == "before" and item.milestone_on == dt.date(2026, 11, 14)
    closing = _deal(expected_close=TODAY + dt.timedelta(days=4), activities=[_touch("2026-11-09T10:00", None)])
    assert follow_up_for(closing, playbook, TODAY, "en", CATALOG).milestone_on == TODAY + dt.timedelta(days=4)


def test_persistence_counts_touches_per_contact():
    playbook = load_playbook("six-step")
    people = [Person(name="王总", contact="brief"), Person(name="李工", roles=["insider"], contact="regular")]
    one = [_touch("2026-11-01T10:00", "王总")]
    first = follow_up_for(_deal(people=people, activities=one), playbook, TODAY, "en", CATALOG)
    assert first.contact == "王总" and first.touch == 2 and "44%" in first.persistence
    assert "never show how badly you want" in first.persistence
    many = one + [_touch("2026-11-03T10:00", "李工"), _touch("2026-11-05T10:00", "王总", kind="visit", outcome="held")]
    third = follow_up_for(_deal(people=people, activities=many), playbook, TODAY, "zh", CATALOG)
    # touches with someone else do not count for 王总
    assert third.contact == "王总" and third.touch == 3 and third.persistence.startswith("第 3 次跟进王总")
    never = follow_up_for(_deal(people=people), playbook, TODAY, "en", CATALOG)
    assert never.touch == 1 and "Touch 1" in never.persistence and "never show" not in never.persistence


def test_whom_to_borrow_strength_from():
    playbook = load_playbook("six-step")
    boss = Person(name="王总", roles=["decision-maker"], level="senior", contact="brief", attitude="supporter")
    insider = Person(name="李工", roles=["insider"], contact="regular")
    met_alone = [_touch("2026-11-05T10:00", "王总", kind="visit", outcome="held")]
    ids = [b.id for b in follow_up_for(_deal(people=[boss, insider], activities=met_alone), playbook, TODAY, "en",
                                       CATALOG).borrow]
    assert ids == ["our-executive"]
    # once our executive has met them, leader meets leader is done
    with_exec = [_touch("2026-11-05T10:00", "王总", kind="visit", outcome="held", our_side=["我方副总"])]
    assert follow_up_for(_deal(people=[boss, insider], activities=with_exec), playbook, TODAY, "en", CATALOG).borrow == []
    # technical people not yet met: our engineer; a safety seeker or an undecided decision maker: a
    # reference customer; no insider met: a partner who knows the account
    engineer = Person(name="涂主任", roles=["technical-supporter"], contact="none", needs=["safety"])
    borrow = follow_up_for(_deal(people=[boss.model_copy(update={"attitude": "neutral"}), engineer],
                                 activities=with_exec), playbook, TODAY, "zh", CATALOG).borrow
    assert [b.id for b in borrow] == ["our-specialist", "existing-customer", "partner"]
    assert borrow[0].people == ["涂主任"] and "涂主任" in borrow[0].ask
    assert set(borrow[1].people) == {"王总", "涂主任"}


def test_followup_cli_shows_persistence_milestone_and_borrow(run):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker", "--level", "senior")
    run("log", "add", "甲项目", "--kind", "visit", "--outcome", "held", "--contact", "王总", "--date", "2026-11-09T10:00")
    edited = run("deal", "edit", "甲项目", "--milestone-date", "2026-11-15")
    assert edited.exit_code == 0, edited.stderr
    plan = json.loads(run("followup", "--today", "2026-11-10", "--days", "7", "--json").stdout)
    rhythm = next(item for item in plan if item["kind"] == "rhythm")
    assert rhythm["milestone_on"] == "2026-11-15" and rhythm["milestone_phase"] == "before" and rhythm["touch"] == 2
    assert [b["id"] for b in rhythm["borrow"]] == ["our-executive", "existing-customer", "partner"]
    shown = run("followup", "--today", "2026-11-10", "--days", "7", "--lang", "zh", env={"COLUMNS": "160"}).stdout
    assert "前紧后松" in shown and "第 2 次跟进王总" in shown and "领导对接领导" in shown
    assert run("deal", "edit", "甲项目", "--milestone-date", "不是日期").exit_code == 1
    cleared = run("deal", "edit", "甲项目", "--milestone-date", "", "--json")
    assert json.loads(cleared.stdout)["milestone_on"] is None


def test_people_show_counts_the_touches_with_that_person(run):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总")
    run("people", "add", "甲项目", "--name", "李工")
    for contact in ("王总", "王总", "李工"):
        run("log", "add", "甲项目", "--kind", "call", "--outcome", "connected", "--contact", contact)
    run("log", "add", "甲项目", "--kind", "email", "--outcome", "sent")  # names no one: nobody's touch here
    boss = json.loads(run("people", "show", "甲项目", "王总", "--json").stdout)
    assert boss["touches"] == 2 and boss["persistence"].startswith("Touch 3 with 王总")
    assert json.loads(run("people", "show", "甲项目", "李工", "--json").stdout)["touches"] == 1
    assert "跟进（已记录 2 次）" in run("people", "show", "甲项目", "王总", "--lang", "zh").stdout
