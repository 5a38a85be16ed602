"""The follow-up rhythm: cadence, next touch, whom to contact and with what pretext. Pure.

The one place of these rules: `dealcoach followup` (coaching/followup.py), `grade --deals`
(coaching/grading) and file grading (gradeio/score.py, vectorised over a whole column with the
expression builders below) all call these, so they never disagree.

Seed 003: follow up on a rhythm set by the prospect's grade (the playbook's
`grading.grades[].follow_up_days`), each time with a good pretext (`grading.follow_up_pretexts`).

- Cadence: the grade's `follow_up_days`; an ungraded deal is followed like a C until it is graded;
  a playbook without grading: every 14 days.
- Due: the last touch plus the cadence. A stored deal with no logged activity was never contacted:
  due today. A file row with no last-activity date is not known to be untouched: today plus the
  cadence. The next touch shown by `grade` is the due date, or today when that is already past.
- Contact: the contact of the last activity; else the insider or coach buyer; else the first person
  met; else the first person.
- Pretext of a stored deal: the one after the pretext last used with that contact, a touch that
  names no one counting as one with the main contact (the first pretext when none was used). A file row has no log: one step per cadence period, starting apart for different
  names.
- Around the deal's next key milestone (前紧后松, the playbook's `follow_up.milestone`): in the days
  before it (the rep's `milestone_on`, a booked meeting, the expected close) the grade's cadence is
  shortened and a touch falls on the day before it at the latest; in the days after the last one
  it is lengthened.
- Persistence: the touch about to be made with a contact is one more than the touches logged with
  them (a touch that names no one counting as one with the main contact).
- Date arithmetic saturates at the calendar's ends: a date stored by an older version (9999-12-31)
  gives a due date of 9999-12-31, never an OverflowError for the whole store.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from dataclasses import dataclass

from dealcoach.deals.models import Activity, Deal
from dealcoach.playbook.models import Grading, MilestoneTiming

UNGRADED_CADENCE_GRADE = "C"
DEFAULT_CADENCE_DAYS = 14
COACH_ROLES = frozenset({"insider", "coach-buyer"})


def add_days(day: dt.date, days: int) -> dt.date:
    """`day + days`, held at the calendar's first or last day instead of overflowing."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def local_date(moment: dt.datetime) -> dt.date:
    """The calendar day of an activity where the rep is: aware times are converted to local time."""
    if moment.tzinfo is not None:
        try:
            return moment.astimezone().date()
        except OverflowError:  # 9999-12-31T23:30-05:00 is past the last day in UTC+x
            return moment.date()
    return moment.date()


def cadence_days(grading: Grading | None, grade: str | None) -> int:
    """Days between touches for a deal of this grade (None: ungraded, followed like a C)."""
    wanted = grade or UNGRADED_CADENCE_GRADE
    if grading is not None:
        for definition in grading.grades:
            if definition.id == wanted:
                return definition.follow_up_days
    return DEFAULT_CADENCE_DAYS


def due_date(cadence: int, today: dt.date, last_touch: dt.date | None, touches_known: bool = True) -> dt.date:
    """When the next touch falls due (may be past: overdue). Never touched: today; not known whether
    touched (a file without a last-activity column): today plus the cadence."""
    if last_touch is None:
        return today if touches_known else add_days(today, cadence)
    return add_days(last_touch, cadence)


def main_contact(deal: Deal, last: Activity | None) -> str | None:
    if last is not None and last.contact:
        return last.contact
    for person in deal.people:
        if COACH_ROLES & set(person.roles):
            return person.name
    return next((p.name for p in deal.people if p.met), deal.people[0].name if deal.people else None)


def next_pretext(grading: Grading | None, deal: Deal, contact: str | None) -> str | None:
    """The pretext after the one used last time with this contact (or with no one named), so they
    rotate (seed 003)."""
    if grading is None or not grading.follow_up_pretexts:
        return None
    ids = [p.id for p in grading.follow_up_pretexts]
    used = [a.pretext for a in sorted(deal.activities, key=lambda a: a.date)
            if a.pretext in ids and (contact is None or a.contact in (contact, None))]
    if not used:
        return ids[0]
    return ids[(ids.index(used[-1]) + 1) % len(ids)]


def key_dates(deal: Deal) -> list[dt.date]:
    """The deal's key dates, in order: the next key milestone the rep recorded, the meetings booked
    on calls, the expected close."""
    dates = [deal.milestone_on, deal.expected_close]
    dates += [local_date(a.meeting.at) for a in deal.activities if a.meeting is not None and a.meeting.at is not None]
    return sorted(d for d in dates if d is not None)


def milestone_phase(deal: Deal, today: dt.date, timing: MilestoneTiming) -> tuple[str | None, dt.date | None]:
    """("before", the date) within `before_days` of the next key date; else ("after", the date)
    within `after_days` after the last one; else (None, None)."""
    dates = key_dates(deal)
    upcoming = next((d for d in dates if d >= today), None)
    if upcoming is not None and (upcoming - today).days <= timing.before_days:
        return "before", upcoming
    past = [d for d in dates if d < today]
    if past and (today - past[-1]).days <= timing.after_days:
        return "after", past[-1]
    return None, None


def milestone_cadence(cadence: int, phase: str | None, timing: MilestoneTiming) -> int:
    """前紧后松: the grade's cadence, shorter before a key milestone, longer after it."""
    if phase == "before":
        return max(1, round(cadence * timing.before_share))
    if phase == "after":
        return max(cadence, round(cadence * timing.after_factor))
    return cadence


def milestone_due(due: dt.date, phase: str | None, milestone: dt.date | None, last_touch: dt.date | None) -> dt.date:
    """Before a key milestone, one touch falls on the day before it at the latest (unless the last
    touch already did)."""
    if phase != "before" or milestone is None:
        return due
    eve = add_days(milestone, -1)
    if last_touch is not None and last_touch >= eve:
        return due
    return min(due, eve)


def timed_due(cadence: int, today: dt.date, last_touch: dt.date | None, phase: str | None,
              milestone: dt.date | None, timing: MilestoneTiming | None,
              touches_known: bool = True) -> tuple[int, dt.date]:
    """The grade's cadence timed around the deal's next key milestone (前紧后松) and when the next touch
    falls due: `followup` and `grade --deals` both ask here, so they never disagree."""
    if timing is not None:
        cadence = milestone_cadence(cadence, phase, timing)
    return cadence, milestone_due(due_date(cadence, today, last_touch, touches_known), phase, milestone, last_touch)


def touches_with(deal: Deal, contact: str | None, unnamed_count: bool = True) -> int:
    """Touches logged with this contact. For the deal's main contact, one that names no one counts as
    one with them (as for pretexts); `unnamed_count=False` for any other person."""
    if contact is None:
        return len(deal.activities)
    named = (contact, None) if unnamed_count else (contact,)
    return sum(1 for a in deal.activities if a.contact in named)


@dataclass(frozen=True)
class Touch:
    """Where a stored deal stands in its rhythm: the last touch, whom to contact, which pretext."""

    last: Activity | None
    last_touch: dt.date | None
    contact: str | None
    pretext_id: str | None


def touch_of(deal: Deal, grading: Grading | None, last: tuple[Activity | None, dt.date | None] | None = None) -> Touch:
    """`last`: `last_touch_of(deal)`, when the caller has it already."""
    activity, day = last if last is not None else last_touch_of(deal)
    contact = main_contact(deal, activity)
    return Touch(last=activity, last_touch=day, contact=contact, pretext_id=next_pretext(grading, deal, contact))


def last_touch_of(deal: Deal) -> tuple[Activity | None, dt.date | None]:
    """The deal's latest activity and its calendar day where the rep is (the rhythm needs no more)."""
    last = max(deal.activities, key=_DATE, default=None)
    return last, local_date(last.date) if last else None


_DATE = attrgetter("date")


def file_pretext_index(name_length, today: dt.date, cadence, count: int):
    """A file row's pretext: one step per cadence period, names of different lengths start apart.
    Plain arithmetic, so the same rule serves one row (ints) and a whole column (polars expressions)."""
    return (name_length + today.toordinal() // cadence) % count


def next_touch_column(last_touch, cadence_days_column, today: dt.date):
    """`max(today, due_date(..., touches_known=False))` over polars columns: the file path's form of the rule."""
    import polars as pl

    due_if_untouched = pl.lit(today) + pl.duration(days=cadence_days_column)
    return pl.when(last_touch.is_null()).then(due_if_untouched).otherwise(
        pl.max_horizontal(pl.lit(today), last_touch + pl.duration(days=cadence_days_column)))
