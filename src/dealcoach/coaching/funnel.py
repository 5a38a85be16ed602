"""Seed 003's conversion funnel, computed from the activity log. Pure; no terminal.

- 有效电话率 effective_call_rate = connected calls / calls (connected: someone answered, i.e. any
  outcome but no-answer)
- 预约面谈率 appointment_rate = meetings booked / connected calls
- 约见成功率 meeting_success_rate = meetings held / meetings booked
- 成交率 close_rate = deals won / deals with a meeting held
- VIP 客户转化率 vip_conversion_rate = VIP customers / won customers
- VIP 客户转忠诚率 vip_loyalty_rate = loyal customers / VIP customers
A zero denominator gives no rate (None, shown as n/a), never a fake 0%.
"""

from __future__ import annotations

import datetime as dt
import statistics

from pydantic import BaseModel

from dealcoach.coaching.followup import local_date
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook

RATE_IDS = ("effective_call_rate", "appointment_rate", "meeting_success_rate", "close_rate",
            "vip_conversion_rate", "vip_loyalty_rate")
MEETING_KINDS = ("visit", "meeting", "demo")


class Rate(BaseModel):
    id: str
    name: str
    numerator: int
    denominator: int
    rate: float | None
    benchmark: float | None = None


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
    stages: list[StageFlow]


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _in_window(day: dt.date | None, since: dt.date | None, until: dt.date | None) -> bool:
    if day is None:
        return False
    return (since is None or day >= since) and (until is None or day <= until)


def compute_funnel(deals: list[Deal], playbook: Playbook, lang: Lang, since: dt.date | None = None,
                   until: dt.date | None = None, owner: str | None = None) -> Funnel:
    chosen = [d for d in deals if owner is None or d.owner == owner]
    calls = connected = booked = held = 0
    deals_with_meeting: set[int] = set()
    for index, deal in enumerate(chosen):
        for activity in deal.activities:
            if not _in_window(local_date(activity.date), since, until):
                continue
            if activity.kind == "call":
                calls += 1
                if activity.outcome != "no-answer":
                    connected += 1
                if activity.outcome == "meeting-booked":
                    booked += 1
            elif activity.kind in MEETING_KINDS and activity.outcome == "held":
                held += 1
                deals_with_meeting.add(index)
    won = [d for i, d in enumerate(chosen) if d.status == "won" and i in deals_with_meeting
           and (since is None and until is None or _in_window(d.closed_on, since, until))]
    all_won = [d for d in chosen if d.status == "won"]
    vip = [d for d in all_won if d.vip]
    loyal = [d for d in vip if d.loyal]
    counts = {
        "effective_call_rate": (connected, calls),
        "appointment_rate": (booked, connected),
        "meeting_success_rate": (held, booked),
        "close_rate": (len(won), len(deals_with_meeting)),
        "vip_conversion_rate": (len(vip), len(all_won)),
        "vip_loyalty_rate": (len(loyal), len(vip)),
    }
    advice = {step.id: step for step in playbook.funnel}
    rates = []
    for rate_id in RATE_IDS:
        numerator, denominator = counts[rate_id]
        step = advice.get(rate_id)
        name = step.name.get(lang) if step else message(f"rate.{rate_id}", lang)
        rates.append(Rate(id=rate_id, name=name, numerator=numerator,
                          denominator=denominator, rate=_ratio(numerator, denominator),
                          benchmark=step.benchmark if step else None))
    weakest = _weakest(rates)
    step = advice.get(weakest) if weakest else None
    return Funnel(since=since, until=until, owner=owner, deals=len(chosen), rates=rates, weakest=weakest,
                  diagnosis=step.diagnosis.get(lang) if step else None, work_on=step.work_on.get(lang) if step else None,
                  stages=stage_flow(chosen, playbook, lang))


def _weakest(rates: list[Rate]) -> str | None:
    """The rate furthest below its benchmark (relative), among rates that have data."""
    scored = [(r.rate / r.benchmark if r.benchmark else r.rate, r.id) for r in rates
              if r.rate is not None and (r.benchmark is None or r.rate < r.benchmark)]
    return min(scored)[1] if scored else None


def stage_flow(deals: list[Deal], playbook: Playbook, lang: Lang) -> list[StageFlow]:
    """Per sales stage: how many deals reached it, how many met its gate, median days spent in it.

    A stage is entered when the previous stage's gate was met (the first stage: at the deal's first
    recorded date) and left when its own gate was met; dates come from the done marks.
    """
    flows = []
    for index, stage in enumerate(playbook.stages):
        reached = completed = 0
        durations = []
        for deal in deals:
            if deal.playbook != playbook.id:
                continue
            dates = {mark.id: mark.date for mark in deal.done}
            entered = _gate_met(dates, playbook.stages[index - 1].gate_ids()) if index else _first_date(deal)
            if index and entered is None:
                continue
            reached += 1
            left = _gate_met(dates, stage.gate_ids())
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
    candidates = [mark.date for mark in deal.done if mark.date] + [local_date(a.date) for a in deal.activities]
    return min(candidates) if candidates else None
