"""Seed 003's conversion funnel, computed from the activity log. Pure; no terminal.

Each rate counts its numerator inside its denominator's population, so no rate can exceed 100%:
- 有效电话率 effective_call_rate = connected calls / calls (connected: any outcome but no-answer)
- 预约面谈率 appointment_rate = calls that booked a meeting / connected calls
- 约见成功率 meeting_success_rate = bookings that led to a meeting held / meetings booked: on each
  deal, each meeting held (visit, meeting, demo) is matched to at most one booking in the window
  (min(booked, held) per deal), so extra visits without a booking never push it past 100%
- 成交率 close_rate = deals won / deals that reached a meeting: deals with a meeting held in the
  window, plus every deal won in the window (a won deal is counted as won even if its meetings were
  never logged)
- VIP 客户转化率 vip_conversion_rate = VIP customers / deals won in the window
- VIP 客户转忠诚率 vip_loyalty_rate = loyal VIP customers / VIP customers
A zero denominator gives no rate (None, shown as n/a), never a fake 0%. Below MIN_SAMPLE in its
denominator a rate is shown but never named the weakest step: the result says how many more are
needed instead of giving firm advice after one call.

The counting of activities is a GROUP BY (deal, kind, outcome): the store runs it in SQL on both
backends (`DealStore.activity_counts(per_deal=True)`); `group_activities` does the same for deals in
memory. Both feed the one function that turns groups into rates (`_tally`). The window bounds an
activity's calendar date as it was logged (the rep's day, in the zone the rep logged it in), the
store's rule.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from pydantic import BaseModel

from dealcoach.coaching.followup import local_date
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook

RATE_IDS = ("effective_call_rate", "appointment_rate", "meeting_success_rate", "close_rate",
            "vip_conversion_rate", "vip_loyalty_rate")
MEETING_KINDS = ("visit", "meeting", "demo")
MIN_SAMPLE = 5  # below this many in its denominator, a rate is too thin to name the weakest step


class ActivityCount(NamedTuple):
    """How many activities of one kind and outcome a deal has in the window (a row of the GROUP BY)."""

    deal: int
    kind: str
    outcome: str
    count: int


class Rate(BaseModel):
    id: str
    name: str
    numerator: int
    denominator: int
    rate: float | None
    benchmark: float | None = None
    more_needed: int = 0  # how many more in the denominator before this rate can be called weak


class StageFlow(BaseModel):
    id: str
    name: str
    reached: int
    completed: int
    conversion: float | None
    median_days: float | None


class Funnel(BaseModel):
    since: dt.date | None
    until: dt.date | None
    owner: str | None
    deals: int
    rates: list[Rate]
    weakest: str | None
    diagnosis: str | None
    work_on: str | None
    min_sample: int = MIN_SAMPLE
    too_few: str | None = None  # said instead of a weakest step when the sample is too small
    stages: list[StageFlow]


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _in_window(day: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    if day is None:
        return False
    return (since is None or day >= since) and (until is None or day <= until)


def group_activities(deals: Iterable[tuple[int, Deal]], since: dt.date | None = None,
                     until: dt.date | None = None) -> list[ActivityCount]:
    """The GROUP BY (deal, kind, outcome) of `DealStore.activity_counts`, for deals in memory."""
    counts: Counter = Counter()
    for key, deal in deals:
        for activity in deal.activities:
            if (since or until) and not _in_window(activity.date.date(), since, until):
                continue
            counts[(key, activity.kind, activity.outcome)] += 1
    return [ActivityCount(*group, count) for group, count in counts.items()]


def _tally(groups: Iterable[tuple[int, str, str, int]]) -> tuple[dict[str, int], set[int]]:
    """Calls, connected, booked and matched-held counts, and the deals with a meeting held, from
    (deal, kind, outcome, count) groups (`ActivityCount`s or plain tuples: 900,000 at 100,000 deals)."""
    calls = connected = booked = matched = 0
    booked_by_deal: Counter = Counter()
    held_by_deal: Counter = Counter()
    for deal, kind, outcome, count in groups:
        if kind == "call":
            calls += count
            if outcome != "no-answer":
                connected += count
            if outcome == "meeting-booked":
                booked += count
                booked_by_deal[deal] += count
        elif kind in MEETING_KINDS and outcome == "held":
            held_by_deal[deal] += count
    for deal, held in held_by_deal.items():
        matched += min(held, booked_by_deal[deal])
    return {"calls": calls, "connected": connected, "booked": booked, "matched": matched}, set(held_by_deal)


# What the funnel and the stage flow read of a deal (besides the counts of its activities, which
# the store counts in SQL): `funnel` reads only these (`store.deal_views(FUNNEL_FIELDS)`). A test
# computes the funnel from whole deals and from these alone: add here what the funnel starts to read.
FUNNEL_FIELDS = {"status": ..., "closed_on": ..., "vip": ..., "loyal": ..., "done": {"id", "date"}, "playbook": ...,
                 "activities": {"date"}}


class FunnelFacts(NamedTuple):
    """What the funnel and the stage flow read of one deal: a few facts, cheap to keep for 100,000."""

    key: int  # the deal id (deals not stored: a negative number)
    owner: str | None
    playbook: str
    status: str
    closed_on: dt.date | None
    vip: bool
    loyal: bool
    done: tuple[tuple[str, dt.date | None], ...]  # (item id, the date it was met)
    first_date: dt.date | None  # the first recorded date: a done mark's or an activity's (local) day


def funnel_facts(deal: Deal, key: int | None = None) -> FunnelFacts:
    """The facts of a deal in memory (`key`: its id when it has none)."""
    return FunnelFacts(deal.id if deal.id is not None else key if key is not None else -1, deal.owner, deal.playbook,
                       deal.status, deal.closed_on, deal.vip, deal.loyal,
                       tuple((mark.id, mark.date) for mark in deal.done), _first_date(deal))


def compute_funnel(deals: list[Deal] | list[FunnelFacts], playbook: Playbook, lang: Lang,
                   since: dt.date | None = None, until: dt.date | None = None, owner: str | None = None,
                   activity_counts: Iterable[tuple] | None = None) -> Funnel:
    """The funnel of `deals` (those of `owner` when given): whole deals, or their `FunnelFacts`.
    `activity_counts` are the store's GROUP BY of the same deals and window, (deal id, status,
    kind, outcome, count) rows of `activity_counts(per_deal=True)`, read once as they come (a
    stream: `activity_groups`); without it the activities of `deals` (whole deals then) are grouped
    here."""
    chosen = [d for d in deals if owner is None or d.owner == owner]
    if activity_counts is None:
        if not all(isinstance(d, Deal) for d in chosen):
            raise ValueError("compute_funnel: without activity_counts, give whole deals (their activities)")
        groups: Iterable[tuple] = group_activities(
            [(deal.id if deal.id is not None else -1 - index, deal) for index, deal in enumerate(chosen)],  # type: ignore[union-attr]
            since, until)
    else:
        groups = ((row[0], row[2], row[3], row[4]) for row in activity_counts)  # the store's rows, as they come
    facts = [d if isinstance(d, FunnelFacts) else funnel_facts(d, -1 - index) for index, d in enumerate(chosen)]
    keyed = [(fact.key, fact) for fact in facts]
    wanted = {key for key, _ in keyed}
    tally, with_meeting = _tally(group for group in groups if group[0] in wanted)
    windowed = since is not None or until is not None
    won = {key for key, d in keyed if d.status == "won" and (not windowed or _in_window(d.closed_on, since, until))}
    reached_meeting = with_meeting | won
    by_key = dict(keyed)
    vip = {key for key in won if by_key[key].vip}
    loyal = {key for key in vip if by_key[key].loyal}
    counts = {
        "effective_call_rate": (tally["connected"], tally["calls"]),
        "appointment_rate": (tally["booked"], tally["connected"]),
        "meeting_success_rate": (tally["matched"], tally["booked"]),
        "close_rate": (len(won), len(reached_meeting)),
        "vip_conversion_rate": (len(vip), len(won)),
        "vip_loyalty_rate": (len(loyal), len(vip)),
    }
    advice = {step.id: step for step in playbook.funnel}
    rates = []
    for rate_id in RATE_IDS:
        numerator, denominator = counts[rate_id]
        step = advice.get(rate_id)
        name = step.name.get(lang) if step else message(f"rate.{rate_id}", lang)
        rates.append(Rate(id=rate_id, name=name, numerator=numerator, denominator=denominator,
                          rate=_ratio(numerator, denominator), benchmark=step.benchmark if step else None,
                          more_needed=max(0, MIN_SAMPLE - denominator)))
    weakest = _weakest(rates)
    step = advice.get(weakest) if weakest else None
    return Funnel(since=since, until=until, owner=owner, deals=len(chosen), rates=rates, weakest=weakest,
                  diagnosis=step.diagnosis.get(lang) if step else None, work_on=step.work_on.get(lang) if step else None,
                  too_few=None if weakest else _too_few(rates, lang),
                  stages=stage_flow(facts, playbook, lang))


def _weakest(rates: list[Rate]) -> str | None:
    """The rate furthest below its benchmark (relative), among rates with a large enough sample."""
    scored = [(r.rate / r.benchmark if r.benchmark else r.rate, r.id) for r in rates
              if r.rate is not None and not r.more_needed and (r.benchmark is None or r.rate < r.benchmark)]
    return min(scored)[1] if scored else None


def _too_few(rates: list[Rate], lang: Lang) -> str | None:
    """Which rates are too thin to judge, and how many more each needs (None if none is)."""
    thin = [r for r in rates if r.more_needed and r.denominator]
    if not thin:
        thin = [r for r in rates if r.more_needed][:1]
    if not thin:
        return None
    separator = "、" if lang != "en" else ", "
    needs = separator.join(message("funnel.needs_more", lang, rate=r.name, more=r.more_needed) for r in thin)
    return message("funnel.too_few", lang, min=MIN_SAMPLE, needs=needs)


def stage_flow(deals: list[Deal] | list[FunnelFacts], playbook: Playbook, lang: Lang) -> list[StageFlow]:
    """Per sales stage: how many deals reached it, how many met its gate, median days spent in it.

    A stage is entered when the previous stage's gate was met (the first stage: at the deal's first
    recorded date: a done mark or an activity) and left when its own gate was met; dates come from
    the done marks.
    """
    facts = [d if isinstance(d, FunnelFacts) else funnel_facts(d) for d in deals if d.playbook == playbook.id]
    dated = [(dict(fact.done), fact.first_date) for fact in facts]
    gates = [stage.gate_ids() for stage in playbook.stages]
    flows = []
    for index, stage in enumerate(playbook.stages):
        reached = completed = 0
        durations = []
        for dates, first_date in dated:
            entered = _gate_met(dates, gates[index - 1]) if index else first_date
            if index and entered is None:
                continue
            reached += 1
            left = _gate_met(dates, gates[index])
            if left is not None:
                completed += 1
                if entered is not None:
                    durations.append((left - entered).days)
        flows.append(StageFlow(id=stage.id, name=stage.name.get(lang), reached=reached, completed=completed,
                               conversion=_ratio(completed, reached),
                               median_days=statistics.median(durations) if durations else None))
    return flows


def _gate_met(dates: dict[str, dt.date | None], gate: list[str]) -> dt.date | None:
    if not all(item in dates for item in gate):
        return None
    known = [dates[item] for item in gate if dates[item] is not None]
    return max(known) if known else None


def _first_date(deal: Deal) -> dt.date | None:
    candidates = [mark.date for mark in deal.done if mark.date]
    if deal.activities:
        # the earliest local day is that of an activity within 48 hours of the earliest one: any
        # later one is at least 48 hours minus the widest swing of UTC offsets (26 hours) later on
        # the wall clock too, so its day cannot be earlier (only those few are converted)
        earliest = min(map(_DATE, deal.activities))
        # a difference, not `earliest + 48 hours`: that overflows on a date stored as 9999-12-31
        candidates += [local_date(a.date) for a in deal.activities if a.date - earliest < _TWO_DAYS]
    return min(candidates) if candidates else None


_TWO_DAYS = dt.timedelta(hours=48)
_DATE = attrgetter("date")
