"""A deal brief: everything a manager needs about one deal, as one result model. Pure; no terminal.

Every part comes from the one place of its rule: the diagnosis (both processes, warnings, ranked
actions, competitive position), the power map, each person's coaching, the follow-up and the grade;
this module only puts them side by side for the page.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from dealcoach.coaching.diagnosis import Diagnosis, diagnose
from dealcoach.coaching.followup import FollowUp, follow_up_for
from dealcoach.coaching.people import PowerMap, coach_person, power_map
from dealcoach.coaching.value import NeedsSummary, needs_summary
from dealcoach.deals.models import Activity, Deal, Person
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Playbook, RoleCatalog


class PersonBrief(BaseModel):
    person: Person
    roles: list[str]
    strategies: list[str]
    warnings: list[str]
    value: list[str] = []  # the value framed from their increment answers
    objection: str | None = None  # the objection to expect from them, with the evidence to prepare


class TimelineEntry(BaseModel):
    at: dt.datetime  # in the reader's local time zone
    kind: str
    outcome: str
    contact: str | None
    note: str | None


class DealBrief(BaseModel):
    deal: Deal
    today: dt.date
    diagnosis: Diagnosis
    power_map: PowerMap
    people: list[PersonBrief]
    follow_up: FollowUp | None
    timeline: list[TimelineEntry]
    needs: NeedsSummary | None = None


def local_timeline(activities: list[Activity]) -> list[TimelineEntry]:
    """Newest first, every time shown in the local time zone whatever zone it was logged in."""
    return [TimelineEntry(at=a.date.astimezone(), kind=a.kind, outcome=a.outcome, contact=a.contact, note=a.note)
            for a in sorted(activities, key=lambda a: a.date, reverse=True)]


def deal_brief(deal: Deal, playbook: Playbook, catalog: RoleCatalog, today: dt.date, lang: Lang) -> DealBrief:
    diagnosis = diagnose(deal, playbook, catalog, lang)
    people = []
    for person in deal.people:
        coaching = coach_person(deal, person.name, playbook, catalog, lang)
        people.append(PersonBrief(person=person, roles=[r.name for r in coaching.roles],
                                  strategies=[s for r in coaching.roles for s in r.strategies][:3],
                                  warnings=[w.message for w in coaching.warnings],
                                  value=[line.frame for line in coaching.value.answered if line.frame]
                                  if coaching.value else [],
                                  objection=coaching.objection.line if coaching.objection else None))
    return DealBrief(deal=deal, today=today, diagnosis=diagnosis, power_map=power_map(deal, playbook, catalog, lang),
                     people=people,
                     follow_up=follow_up_for(deal, playbook, today, lang) if deal.status == "open" else None,
                     timeline=local_timeline(deal.activities),
                     needs=needs_summary(deal, playbook, catalog, lang) if playbook.value is not None else None)
