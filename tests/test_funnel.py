"""The funnel: rates on one population (never above 100%), won deals counted as won, no weakest step
named on a thin sample, and the store's SQL GROUP BY agreeing with the in-memory count."""

from __future__ import annotations

import datetime as dt
import json

from dealcoach.coaching.funnel import MIN_SAMPLE, compute_funnel, group_activities
from dealcoach.deals.models import Activity, Deal
from dealcoach.playbook.loader import load_playbook

SIX = load_playbook("six-step")


def _act(when: str, kind: str, outcome: str) -> Activity:
    return Activity(date=dt.datetime.fromisoformat(when), kind=kind, outcome=outcome)


def _rates(funnel) -> dict:
    return {r.id: (r.numerator, r.denominator) for r in funnel.rates}


def test_more_visits_than_bookings_never_exceeds_100_percent():
    """The issue's 约见成功率 2/1 200%: two visits held after one booking count as one."""
    deal = Deal(name="x", activities=[_act("2026-03-01T09:00", "call", "meeting-booked"),
                                      _act("2026-03-05T09:00", "visit", "held"),
                                      _act("2026-03-09T09:00", "meeting", "held")])
    walk_in = Deal(name="y", activities=[_act("2026-03-02T09:00", "visit", "held")])  # never booked
    funnel = compute_funnel([deal, walk_in], SIX, "en")
    assert _rates(funnel)["meeting_success_rate"] == (1, 1)
    assert all(r.rate is None or r.rate <= 1 for r in funnel.rates)


def test_a_deal_closed_won_counts_as_won():
    """The issue's 成交率 0/1 beside VIP 转化率 1/1: a won deal is a closed deal in the close rate."""
    won = Deal(name="w", status="won", closed_on=dt.date(2026, 3, 10), vip=True)
    met = Deal(name="m", activities=[_act("2026-03-05T09:00", "visit", "held")])
    rates = _rates(compute_funnel([won, met], SIX, "en"))
    assert rates["close_rate"] == (1, 2)
    assert rates["vip_conversion_rate"] == (1, 1)
    # a window that ends before it was won leaves it out of both
    early = _rates(compute_funnel([won, met], SIX, "en", until=dt.date(2026, 3, 9)))
    assert early["close_rate"] == (0, 1) and early["vip_conversion_rate"] == (0, 0)


def test_one_call_names_no_weakest_step_and_says_how_many_more():
    funnel = compute_funnel([Deal(name="x", activities=[_act("2026-03-01T09:00", "call", "no-answer")])], SIX, "en")
    assert funnel.weakest is None and funnel.diagnosis is None
    assert funnel.too_few == f"Too few to name the weakest step (at least {MIN_SAMPLE} each): effective call rate needs 4 more."
    assert {r.id: r.more_needed for r in funnel.rates}["effective_call_rate"] == 4


def test_five_calls_are_enough_to_judge_the_call_rate():
    calls = [_act(f"2026-03-0{d}T09:00", "call", "no-answer") for d in range(1, 5)]
    calls.append(_act("2026-03-06T09:00", "call", "connected"))
    funnel = compute_funnel([Deal(name="x", activities=calls)], SIX, "en")
    assert funnel.weakest == "effective_call_rate" and funnel.too_few is None


def test_funnel_cli_says_too_few_in_each_language(run):
    run("deal", "new", "--name", "x")
    run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--date", "2026-03-01")
    assert "Too few to name the weakest step" in run("funnel").stdout
    assert "样本太少" in run("funnel", "--lang", "zh").stdout
    assert "樣本太少" in run("funnel", "--lang", "zh-Hant").stdout
    data = json.loads(run("funnel", "--json").stdout)
    assert data["weakest"] is None and data["too_few"]


def test_sql_group_by_matches_the_in_memory_count(store):
    """The window bounds the calendar day an activity was logged on, in the zone it was logged in
    (the store's rule), whatever the reader's zone: both counts agree around the edges."""
    activities = [
        _act("2026-02-28T23:30:00+08:00", "call", "connected"),       # the day before the window
        _act("2026-03-01T00:30:00-05:00", "call", "meeting-booked"),  # inside, logged in New York
        _act("2026-03-01T08:00:00+08:00", "call", "no-answer"),
        _act("2026-03-10T09:00:00-05:00", "visit", "held"),
        _act("2026-03-31T23:59:00+00:00", "visit", "held"),           # the last day, logged in UTC
        _act("2026-04-01T00:01:00+09:00", "call", "connected"),       # the day after
    ]
    first = store.add(Deal(name="a", activities=activities, owner="amy"), "amy")
    second = store.add(Deal(name="b", activities=activities[:3], owner="bob"), "bob")
    store.add(Deal(name="c"), "bob")
    since, until = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    for owner in (None, "amy", "bob"):
        deals = [d for d in (first, second) if owner is None or d.owner == owner]
        in_memory = sorted(tuple(row) for row in group_activities([(d.id, d) for d in deals], since, until))
        in_sql = sorted((row[0], row[2], row[3], row[4])
                        for row in store.activity_counts(owner=owner, since=since, until=until, per_deal=True))
        assert in_memory == in_sql
    assert sum(row[-1] for row in store.activity_counts()) == 9
    held = {row[0]: row[4] for row in store.activity_counts(since=since, until=until, per_deal=True)
            if row[3] == "held"}
    assert held == {first.id: 2}
    # the same funnel from either count
    deals = [store.get(first.id), store.get(second.id)]
    from_sql = compute_funnel(deals, SIX, "en", since=since, until=until,
                              activity_counts=store.activity_counts(since=since, until=until, per_deal=True))
    assert from_sql.rates == compute_funnel(deals, SIX, "en", since=since, until=until).rates
