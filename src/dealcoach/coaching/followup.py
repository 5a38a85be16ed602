"""Who to contact today, why now, and with what pretext. Pure; no terminal.

Seed 003: 44% of reps give up after one follow-up; follow up on a rhythm set by the prospect's
grade, each time with a good pretext, never showing too much eagerness. The rules of that rhythm
(cadence, due date, contact, pretext) are coaching/cadence.py's, shared with `grade`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from dealcoach.coaching.cadence import (UNGRADED_CADENCE_GRADE, add_days, cadence_days, local_date, milestone_phase,
                                        last_touch_of, timed_due, touch_of, touches_with)
from dealcoach.deals.models import Activity, Deal
from dealcoach.i18n import Lang, message
from dealcoach.jsonout import EncodedRows
from dealcoach.playbook.models import FollowUpGuide, Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry
from dealcoach.textfill import fill

__all__ = ["FollowUp", "effective_grade", "follow_up_for", "local_date", "plan_follow_ups", "stable_uid", "to_ics"]


class BorrowStrength(BaseModel):
    """Someone to borrow strength from (杠杆借力) for this deal, and what to ask of them."""

    id: str
    who: str
    ask: str
    people: list[str] = []


class FollowUp(BaseModel):
    deal_id: int | None
    deal: str
    account: str | None
    contact: str | None
    grade: str
    grade_source: str  # manual, computed or ungraded
    cadence_days: int
    last_touch: dt.date | None
    due: dt.date
    days_overdue: int
    why: str
    pretext_id: str | None
    pretext: str | None
    pretext_detail: str | None
    uid: str
    owner: str | None
    kind: Literal["rhythm", "meeting", "next-step"] = "rhythm"
    at: dt.datetime | None = None  # a booked meeting or a dated next step has a time of day
    # follow-up as the source teaches it (the playbook's follow_up:)
    touch: int = Field(default=1, description="the touch about to be made with the contact, counted from the log")
    persistence: str | None = None
    milestone_on: dt.date | None = Field(default=None, description="the key milestone the rhythm is timed around")
    milestone_phase: Literal["before", "after"] | None = None
    borrow: list[BorrowStrength] = []


def effective_grade(deal: Deal) -> tuple[str | None, str]:
    """The grade that sets the rhythm: the rep's own grade wins, then the computed one."""
    if deal.manual_grade:
        return deal.manual_grade, "manual"
    if deal.computed_grade:
        return deal.computed_grade.grade, "computed"
    return None, "ungraded"


def stable_uid(deal: Deal, contact: str | None) -> str:
    """Same deal and contact -> same UID, so a calendar re-import updates instead of duplicating."""
    key = f"{deal.id}|{deal.name}|{contact or ''}"
    return f"dealcoach-{hashlib.sha256(key.encode()).hexdigest()[:20]}@dealcoach"


# What planning reads of a deal (field -> all of it, or the fields of it it reads): bulk callers
# read only these (`store.deal_views(PLAN_FIELDS)`). A test plans from whole deals and from these
# alone and compares: add here what planning starts to read.
PLAN_FIELDS = {"account": ..., "manual_grade": ..., "computed_grade": ..., "status": ..., "playbook": ...,
               "milestone_on": ..., "expected_close": ..., "industry": ...,
               "activities": {"date", "contact", "pretext", "meeting", "next_step_at", "form"},
               "people": {"name", "roles", "contact"}}


def plan_follow_ups(deals: Iterable[Deal], playbooks: Mapping[str, Playbook], today: dt.date, days: int,
                    lang: Lang) -> EncodedRows[FollowUp]:
    """Open deals due within `days` (overdue first, most overdue first). `deals` is read once, so a
    stream from the store works; `playbooks` by id (a mapping that loads on demand works). Whom to
    borrow strength from is left out (a per-deal reading of its people): usecases/followup.py adds
    it to the rows a rep acts on. The rows are kept as their JSON (100,000 FollowUp models would hold
    about 500 MB)."""
    keyed: list[tuple] = []
    for deal in deals:
        if deal.status != "open":
            continue
        item = follow_up_for(deal, playbooks[deal.playbook], today, lang, borrow=False)
        due = [item] if (item.due - today).days <= days else []
        due += [a for a in appointments_of(deal, today, lang) if (a.due - today).days <= days]
        for item in due:  # kept as its JSON, with what it sorts by (and the order it came in)
            keyed.append((item.due, "ABCD-".index(item.grade) if item.grade in "ABCD-" else 9, item.deal, len(keyed),
                          EncodedRows.encoded(item)))
    keyed.sort()
    return EncodedRows(FollowUp, (row[-1] for row in keyed))


class Rhythm(NamedTuple):
    """Where a deal stands in its grade's rhythm: what `follow_up_for` says in words, as values."""

    grade: str | None
    grade_source: str  # manual, computed or ungraded
    cadence_grade: str  # the grade whose cadence applies (ungraded deals have one too)
    cadence: int  # days, timed around the next key milestone
    phase: str | None  # before or after the key milestone, or None
    milestone: dt.date | None
    last: Activity | None  # the latest activity
    last_touch: dt.date | None  # its calendar day
    due: dt.date


def rhythm_of(deal: Deal, playbook: Playbook, today: dt.date) -> Rhythm:
    """The rhythm alone (no sentence, no pretext text, no persistence): the pipeline review's line
    reads it for every deal. `playbook`: as the deal's industry has it (`for_industry`)."""
    grade, source = effective_grade(deal)
    cadence_grade = grade or UNGRADED_CADENCE_GRADE
    cadence = cadence_days(playbook.grading, cadence_grade)
    guide = playbook.follow_up
    phase, milestone = milestone_phase(deal, today, guide.milestone) if guide else (None, None)
    last, last_touch = last_touch_of(deal)
    cadence, due = timed_due(cadence, today, last_touch, phase, milestone, guide.milestone if guide else None)
    return Rhythm(grade, source, cadence_grade, cadence, phase, milestone, last, last_touch, due)


def follow_up_for(deal: Deal, playbook: Playbook, today: dt.date, lang: Lang,
                  catalog: RoleCatalog | None = None, borrow: bool = True) -> FollowUp:
    """When one deal is due next, by its grade's rhythm (timed around its next key milestone) and its
    last touch, with whom and why; how persistent we have been with them; whom to borrow strength from."""
    playbook = for_industry(playbook, deal.industry)  # the pretexts of the deal's industry
    grade, source, cadence_grade, cadence, phase, milestone, last, last_touch, due = rhythm_of(deal, playbook, today)
    guide = playbook.follow_up
    touch = touch_of(deal, playbook.grading, (last, last_touch))
    contact, pretext_id = touch.contact, touch.pretext_id
    pretext = next((p for p in playbook.grading.follow_up_pretexts if p.id == pretext_id), None) \
        if playbook.grading else None
    overdue = (today - due).days
    if last_touch is None:
        why = message("followup.never", lang)
    elif overdue > 0:
        why = message("followup.overdue", lang, days=(today - last_touch).days, grade=cadence_grade,
                      cadence=cadence, overdue=overdue)
    elif last_touch >= today:  # never "0 days ago"
        why = message("followup.touched_today", lang, grade=cadence_grade, cadence=cadence)
    else:
        why = message("followup.due", lang, days=(today - last_touch).days, grade=cadence_grade, cadence=cadence)
    if phase is not None:  # the milestone sets the rhythm: say so, then how long since the last touch
        timing = guide.milestone
        why = fill(getattr(timing, phase).get(lang), {"date": milestone.isoformat(), "cadence": cadence,
                                                       "days": (milestone - today).days}) + " " + (
            message("followup.never", lang) if last_touch is None else
            message("followup.last_touch_overdue", lang, days=(today - last_touch).days, overdue=overdue)
            if overdue > 0 else message("followup.last_touch_today", lang) if last_touch >= today
            else message("followup.last_touch", lang, days=(today - last_touch).days))
    if source == "ungraded":
        why += " " + message("followup.ungraded", lang)
    number = touches_with(deal, contact) + 1
    return FollowUp(
        deal_id=deal.id, deal=deal.name, account=deal.account, contact=contact, grade=grade or "-",
        grade_source=source, cadence_days=cadence, last_touch=last_touch, due=due, days_overdue=max(overdue, 0),
        why=why, pretext_id=pretext_id, pretext=pretext.text.get(lang) if pretext else None,
        pretext_detail=pretext.detail.get(lang) if pretext and pretext.detail else None,
        uid=stable_uid(deal, contact), owner=deal.owner,
        touch=number, persistence=persistence_text(guide, number, contact, lang) if guide else None,
        milestone_on=milestone, milestone_phase=phase,
        borrow=borrow_strength(deal, playbook, catalog, lang) if borrow and guide and guide.borrow else [],
    )


def persistence_text(guide: FollowUpGuide, touch: int, contact: str | None, lang: Lang) -> str | None:
    """What the playbook says about this touch number (the last step at or below it); from the second
    touch on, with the reminder not to show eagerness (不要流露强烈的渴望)."""
    step = None
    for candidate in guide.persistence:  # the last step at or below this touch, whatever their order
        if candidate.touch <= touch and (step is None or candidate.touch > step.touch):
            step = candidate
    if step is None:
        return None
    text = fill(step.text.get(lang), {"touch": touch, "contact": contact or message("people.them", lang)})
    return text + (("" if lang != "en" else " ") + guide.eagerness.get(lang) if touch >= 2 else "")


def borrow_strength(deal: Deal, playbook: Playbook, catalog: RoleCatalog | None, lang: Lang) -> list[BorrowStrength]:
    """Whom to borrow strength from, by the playbook's `follow_up.borrow` conditions. They name only
    recorded facts (the loader checks), so no stage is worked out for them."""
    from dealcoach.coaching.rules import Situation, holds, people_matching

    if catalog is None:
        from dealcoach.playbook.loader import load_catalog

        catalog = load_catalog()
    situation = Situation(deal, playbook, catalog, 0, 0, frozenset(deal.done_ids()))
    separator = "、" if lang != "en" else ", "
    found = []
    for borrow in playbook.follow_up.borrow:
        if not holds(borrow.when, situation):
            continue
        named = {id(p) for f in borrow.names for p in people_matching(f, situation)}
        people = [p.name for p in deal.people if id(p) in named]
        found.append(BorrowStrength(id=borrow.id, who=borrow.who.get(lang), people=people,
                                    ask=fill(borrow.ask.get(lang), {"people": separator.join(people) or
                                                                    message("people.them", lang)})))
    return found


def appointments_of(deal: Deal, today: dt.date, lang: Lang) -> list[FollowUp]:
    """What the log has put in the diary: meetings booked on a call and the dated next steps of
    visit summaries, from today on."""
    found = []
    grade, source = effective_grade(deal)
    for activity in deal.activities:
        dated = []
        if activity.meeting is not None and activity.meeting.at is not None:
            meeting = activity.meeting
            detail = "；".join(part for part in (meeting.place, "、".join(meeting.topics)) if part)
            dated.append(("meeting", meeting.at, meeting.attendees[0] if meeting.attendees else activity.contact,
                          message("followup.meeting", lang, detail=detail or meeting.when or "")))
        if activity.next_step_at is not None:
            dated.append(("next-step", activity.next_step_at, activity.contact,
                          message("followup.next_step", lang, step=activity.form.get("next-step", ""))))
        for kind, at, contact, why in dated:
            day = at.astimezone().date() if at.tzinfo else at.date()
            if day < today:
                continue
            key = f"{deal.id}|{deal.name}|{kind}|{at.isoformat()}"
            found.append(FollowUp(
                deal_id=deal.id, deal=deal.name, account=deal.account, contact=contact, grade=grade or "-",
                grade_source=source, cadence_days=0, last_touch=None, due=day, days_overdue=0, why=why,
                pretext_id=None, pretext=None, pretext_detail=None, owner=deal.owner, kind=kind, at=at,
                uid=f"dealcoach-{hashlib.sha256(key.encode()).hexdigest()[:20]}@dealcoach"))
    return found


def to_ics(plan: Iterable[FollowUp], lang: Lang, now: dt.datetime | None = None) -> bytes:
    """The plan as an iCalendar file: one all-day event per follow-up, stable UIDs."""
    from icalendar import Calendar, Event

    from dealcoach.safetext import multi_line, one_line  # iCalendar TEXT allows no control characters

    now = now or dt.datetime.now(dt.timezone.utc)
    calendar = Calendar()
    calendar.add("prodid", "-//dealcoach//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", message("followup.calendar", lang))
    for item in plan:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        if item.at is not None:  # a meeting or next step at a time of day: one hour in the diary
            event.add("dtstart", item.at)
            event.add("dtend", item.at + dt.timedelta(hours=1))
        else:
            event.add("dtstart", item.due)
            event.add("dtend", add_days(item.due, 1))
        who = f"{item.contact} · " if item.contact else ""
        event.add("summary", one_line(f"{who}{item.deal} ({item.grade})"))
        lines = [item.why]
        if item.pretext:
            lines.append(f"{message('followup.pretext', lang)}: {item.pretext}")
            if item.pretext_detail:
                lines.append(item.pretext_detail)
        event.add("description", multi_line("\n".join(lines)))
        event.add("categories", ["dealcoach"])
        calendar.add_component(event)
    return calendar.to_ical()
