"""What a phone invitation changed, as a pure function: a call record in, a new Deal out.

The live walk and the `--outcome` flags both produce the same `CallRecord`, and `record_call`
turns it into one activity (kind call), the confirmed pains, and, when the meeting is booked, the
playbook's `on_meeting_booked` items marked done. The caller saves the result in one store.save.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from dealcoach.deals.edit import ensure_valid, raise_contact
from dealcoach.deals.history import call_recorded, join_clauses
from dealcoach.deals.models import Activity, Deal, DoneMark, LongText, Meeting, Name, Pain, Person, SaidPain, ShortText
from dealcoach.errors import DealcoachError
from dealcoach.playbook.models import CallOutcome, Playbook, RoleCatalog


class CallRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: CallOutcome
    contact: Name | None = None
    confirmed_pains: list[ShortText] = []
    meeting: Meeting | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _meeting_fits_outcome(self) -> CallRecord:
        if self.outcome == "meeting-booked" and (self.meeting is None or not self.meeting.when):
            raise ValueError("a booked meeting needs its time (--meeting-time)")
        if self.outcome == "no-answer" and self.confirmed_pains:
            raise ValueError("nobody answered (no-answer), so nobody confirmed a problem: leave out --confirmed-pain")
        if self.outcome != "meeting-booked" and self.meeting is not None:
            raise ValueError(f"a meeting is only recorded when the outcome is meeting-booked, not {self.outcome}")
        return self


def call_record(fields: dict, today: dt.date | None = None) -> CallRecord:
    """Validate the answers or flags; the first problem as a one-line error naming the field. A
    booked meeting's time is read into a real date and time (kept as typed too)."""
    cleaned = dict(fields)
    meeting = cleaned.get("meeting")
    if isinstance(meeting, dict) and meeting.get("when") and not meeting.get("at"):
        from dealcoach.deals.edit import parse_moment

        cleaned["meeting"] = {**meeting, "at": parse_moment(meeting["when"], "--meeting-time", today)}
    cleaned["confirmed_pains"] = list(dict.fromkeys(p.strip() for p in fields.get("confirmed_pains", []) if p.strip()))
    try:
        return CallRecord.model_validate(cleaned)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in err["loc"]) or "call"
        text = err["msg"].removeprefix("Value error, ")
        raise DealcoachError(f"{field}: {text}" if field != "call" else text) from None


def record_call(deal: Deal, record: CallRecord, playbook: Playbook, catalog: RoleCatalog, when: dt.datetime,
                by: str | None = None) -> tuple[Deal, list[str]]:
    """The deal with the call on it, and the ids of the items this call marked done."""
    if record.contact and deal.person(record.contact) is None:
        known = ", ".join(p.name for p in deal.people) or "nobody yet"
        raise DealcoachError(f"contact: {record.contact!r} is not a person on deal {deal.name} (people: {known})")
    activity = Activity(date=when, kind="call", outcome=record.outcome, contact=record.contact, note=record.note,
                        pains=record.confirmed_pains, meeting=record.meeting, by=by)
    activities = sorted([*deal.activities, activity], key=lambda a: _naive(a.date))

    pains = list(deal.pains)
    for text in record.confirmed_pains:
        index = next((i for i, p in enumerate(pains) if p.text.strip().casefold() == text.casefold()), None)
        if index is None:
            pains.append(Pain(text=text, confirmed=True))
        elif not pains[index].confirmed:
            pains[index] = pains[index].model_copy(update={"confirmed": True})

    people = [_heard_from(person, record.confirmed_pains, when.date()) if person.name == record.contact else person
              for person in deal.people]

    done = list(deal.done)
    newly_done: list[str] = []
    invitation = playbook.phone_invitation
    if record.outcome == "meeting-booked" and invitation is not None:
        meeting = record.meeting
        evidence = " · ".join(part for part in (record.contact, meeting.when if meeting else None,
                                                meeting.place if meeting else None) if part)
        already = deal.done_ids()
        for item_id in invitation.on_meeting_booked:
            if item_id not in already:
                done.append(DoneMark(id=item_id, date=when.date(), evidence=evidence or None))
                newly_done.append(item_id)

    updated = raise_contact(deal.model_copy(update={"activities": activities, "pains": pains, "done": done,
                                                    "people": people}),
                            record.contact, playbook)
    ensure_valid(updated, playbook, catalog)
    return updated, newly_done


def _heard_from(person: Person, texts: list[str], day: dt.date) -> Person:
    """The person with the problems they just told us about: new ones added, known ones dated again."""
    if not texts:
        return person
    said = list(person.pains)
    for text in texts:
        index = next((i for i, p in enumerate(said) if p.text.strip().casefold() == text.casefold()), None)
        if index is None:
            said.append(SaidPain(text=text, first_said=day, last_said=day))
        else:
            said[index] = said[index].model_copy(update={"last_said": day,
                                                         "first_said": said[index].first_said or day})
    return person.model_copy(update={"pains": said})


def describe_call(record: CallRecord, newly_done: list[str], raised: list[str] | None = None) -> str:
    """The history line of the save (`raised`: contact levels the call raised)."""
    parts = call_recorded(record.outcome, record.contact, len(record.confirmed_pains),
                          record.meeting.when if record.meeting else None, newly_done)
    return join_clauses([*parts, *(raised or [])])


def _naive(moment: dt.datetime) -> dt.datetime:
    """Sort aware and naive times together (naive ones are local time)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
