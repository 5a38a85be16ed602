"""The follow-up rhythm has one home (coaching/cadence.py): followup and grade agree on it."""

from __future__ import annotations

import datetime as dt
import json

from dealcoach.coaching import cadence
from dealcoach.deals.models import Activity, Deal
from dealcoach.playbook.loader import load_playbook

SIX = load_playbook("six-step")


def _deal_whose_last_touch_names_nobody(run) -> None:
    assert run("deal", "new", "--name", "宁夏新工程", "--close", "2027-03-01").exit_code == 0
    assert run("people", "add", "宁夏", "--name", "王总", "--role", "insider").exit_code == 0
    assert run("people", "add", "宁夏", "--name", "李工").exit_code == 0
    for flags in (["--contact", "李工", "--pretext", "event", "--date", "2026-11-20"], ["--date", "2026-11-25"]):
        result = run("log", "add", "宁夏", "--kind", "call", "--outcome", "connected", *flags)
        assert result.exit_code == 0, result.stderr


def test_followup_and_grade_pick_the_same_contact_pretext_and_cadence(run):
    _deal_whose_last_touch_names_nobody(run)
    graded = json.loads(run("grade", "--deals", "--today", "2026-12-01", "--json").stdout)["prospects"][0]
    plan = json.loads(run("followup", "--today", "2026-12-01", "--days", "365", "--json").stdout)
    item = plan[0] if isinstance(plan, list) else plan["follow_ups"][0]
    assert item["contact"] == "王总"  # the insider, since the last call names no one
    first = SIX.grading.follow_up_pretexts[0].id  # nothing used with 王总 yet (`event` was with 李工)
    assert graded["pretext"]["id"] == item["pretext_id"] == first
    assert graded["cadence_days"] == item["cadence_days"]
    assert graded["next_follow_up"] == max(item["due"], "2026-12-01")


def test_date_arithmetic_saturates_instead_of_overflowing():
    assert cadence.add_days(dt.date(9999, 12, 31), 14) == dt.date.max
    assert cadence.add_days(dt.date(1, 1, 2), -5) == dt.date.min
    far = Activity.model_validate({"date": "9999-12-31T23:30:00-05:00", "kind": "call", "outcome": "connected"},
                                  context={"stored": True})
    assert cadence.local_date(far.date) == dt.date(9999, 12, 31)
    deal = Deal.model_validate({"name": "x", "activities": [far.model_dump()]}, context={"stored": True})
    touch = cadence.touch_of(deal, None)
    assert cadence.due_date(14, dt.date(2026, 12, 1), touch.last_touch) == dt.date.max


def test_near_a_key_milestone_followup_and_grade_time_the_touch_alike(run):
    """前紧后松: ten days before the recorded milestone the cadence is denser in both commands."""
    _deal_whose_last_touch_names_nobody(run)
    assert run("deal", "edit", "宁夏", "--milestone-date", "2026-12-11").exit_code == 0
    graded = json.loads(run("grade", "--deals", "--today", "2026-12-01", "--json").stdout)["prospects"][0]
    plan = json.loads(run("followup", "--today", "2026-12-01", "--days", "365", "--json").stdout)
    item = plan[0] if isinstance(plan, list) else plan["follow_ups"][0]
    plain = cadence.cadence_days(SIX.grading, graded["final_grade"])
    assert item["cadence_days"] < plain                  # denser before the milestone
    assert graded["cadence_days"] == item["cadence_days"]
    assert graded["next_follow_up"] == max(item["due"], "2026-12-01")
