"""Objections to expect before the meeting where we are absent: per stakeholder, what they are
likely to object to at the deal's current stage, the evidence to prepare (by how far they trust
us), the risk each objection voices and the commitment that lowers it, and the decision blockers
they show. Pure; the content is `objections:` in the playbook.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from dealcoach.coaching.diagnosis import current_stage_index, done_ids
from dealcoach.deals.models import Deal, Person
from dealcoach.errors import NotFoundError
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Objections, Playbook, RoleCatalog, WhoFilter


class Named(BaseModel):
    id: str
    name: str


class Trust(Named):
    text: str
    evidence: list[str]


class PredictedObjection(BaseModel):
    id: str
    cause: Named
    says: str
    evidence: str
    risk: Named
    commitments: list[str] = Field(description="what we commit to so the customer bears less of this risk")
    confidence: str


class BlockerAdvice(Named):
    sign: str
    advice: str


class StakeholderObjections(BaseModel):
    name: str
    title: str | None
    roles: list[str]
    attitude: str
    trust: Trust
    objections: list[PredictedObjection]
    blockers: list[BlockerAdvice]


class ObjectionsReport(BaseModel):
    deal: str
    deal_id: int | None
    playbook: str
    stage: Named
    why: list[str]
    everyone: list[PredictedObjection] = Field(description="objections of this stage that anyone may raise")
    people: list[StakeholderObjections]
    unclaimed: list[PredictedObjection] = Field(
        description="objections of this stage from roles nobody on the deal holds yet: expect them from someone")
    policy_changes: list[str]
    notes: list[str]


def _section(playbook: Playbook, lang: Lang) -> Objections:
    if playbook.objections is None:
        raise NotFoundError(message("objections.none", lang, playbook=playbook.id))
    return playbook.objections


def _matches(who: WhoFilter, person: Person, roles: set[str], catalog: RoleCatalog) -> bool:
    if who.roles and not any(roles & catalog.equivalent(role) for role in who.roles):
        return False
    if who.attitudes and person.attitude not in who.attitudes:
        return False
    return not who.influence or person.influence in who.influence


def _for_anyone(who: WhoFilter) -> bool:
    return not (who.roles or who.attitudes or who.influence)


def predict_objections(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang,
                       stage_id: str | None = None) -> ObjectionsReport:
    """The objections per stakeholder at the deal's current stage (or at `stage_id`)."""
    section = _section(playbook, lang)
    if stage_id is None:
        stage = playbook.stages[current_stage_index(playbook, done_ids(deal, playbook, catalog))[0]]
    else:
        if stage_id not in {s.id for s in playbook.stages}:
            raise NotFoundError(message("objections.unknown_stage", lang, stage=stage_id,
                                        known=", ".join(s.id for s in playbook.stages)))
        stage = playbook.stage(stage_id)
    causes = {c.id: c.name.get(lang) for c in section.causes}
    risks = {r.id: r for r in section.risks}
    here = [o for o in section.objections if stage.id in o.stages]

    def predicted(entry) -> PredictedObjection:
        risk = risks[entry.risk]
        return PredictedObjection(
            id=entry.id, cause=Named(id=entry.cause, name=causes.get(entry.cause, entry.cause)),
            says=entry.says.get(lang), evidence=entry.evidence.get(lang),
            risk=Named(id=risk.id, name=risk.name.get(lang)),
            commitments=[c.get(lang) for c in risk.commitments], confidence=entry.confidence)

    people, claimed = [], set()
    for person in deal.people:
        roles: set[str] = set()
        for role in person.roles:
            roles |= catalog.equivalent(role)
        level = next(t for t in section.trust_levels if person.contact in t.contact)
        mine = [o for o in here if not _for_anyone(o.who) and _matches(o.who, person, roles, catalog)]
        claimed |= {o.id for o in mine}
        people.append(StakeholderObjections(
            name=person.name, title=person.title, roles=list(person.roles), attitude=person.attitude,
            trust=Trust(id=level.id, name=level.name.get(lang), text=level.text.get(lang),
                        evidence=[e.get(lang) for e in level.evidence]),
            objections=[predicted(o) for o in mine],
            blockers=[BlockerAdvice(id=b.id, name=b.name.get(lang), sign=b.sign.get(lang), advice=b.advice.get(lang))
                      for b in section.blockers if _matches(b.who, person, roles, catalog)],
        ))
    unclaimed = [predicted(o) for o in here if o.who.roles and o.id not in claimed]
    notes = [] if deal.people else [message("objections.no_people", lang)]
    return ObjectionsReport(
        deal=deal.name, deal_id=deal.id, playbook=playbook.id,
        stage=Named(id=stage.id, name=stage.name.get(lang)),
        why=[w.get(lang) for w in section.why], everyone=[predicted(o) for o in here if _for_anyone(o.who)],
        people=people, unclaimed=unclaimed,
        policy_changes=[p.get(lang) for p in section.policy_changes], notes=notes,
    )


# whose objection comes first in `stage`: the decision maker's, then by influence
INFLUENCE_ORDER = {"high": 0, "medium": 1, "unknown": 2, "low": 3}


class ObjectionAhead(BaseModel):
    """One objection to prepare for, with the evidence, as `stage`, `people show` and `call-script` show it."""

    person: str | None = Field(description="who is likely to raise it (None: anyone at this stage)")
    id: str
    says: str
    evidence: str
    risk: str
    line: str = Field(description="as one line in the reader's language")


def _ahead(person: str | None, objection: PredictedObjection, lang: Lang) -> ObjectionAhead:
    who = person or message("objection.anyone", lang)
    return ObjectionAhead(person=person, id=objection.id, says=objection.says, evidence=objection.evidence,
                          risk=objection.risk.name,
                          line=message("objection.ahead", lang, name=who, says=objection.says, evidence=objection.evidence))


def top_objection(report: ObjectionsReport, deal: Deal, catalog: RoleCatalog, lang: Lang) -> ObjectionAhead | None:
    """The objection of the weightiest person who has one (the decision maker first, then by
    influence, in the deal's order), else the first one anyone may raise at this stage."""
    people = {p.name: p for p in deal.people}
    deciders = catalog.equivalent("decision-maker")

    def weight(entry: StakeholderObjections) -> tuple[bool, int]:
        person = people.get(entry.name)
        if person is None:
            return True, INFLUENCE_ORDER["unknown"]
        return not deciders & set(person.roles), INFLUENCE_ORDER[person.influence]

    claimed = sorted((s for s in report.people if s.objections), key=weight)
    if claimed:
        return _ahead(claimed[0].name, claimed[0].objections[0], lang)
    return _ahead(None, report.everyone[0], lang) if report.everyone else None


def objection_for(report: ObjectionsReport, person: str, lang: Lang) -> ObjectionAhead | None:
    """One person's first predicted objection."""
    entry = next((s for s in report.people if s.name == person and s.objections), None)
    return _ahead(person, entry.objections[0], lang) if entry else None
