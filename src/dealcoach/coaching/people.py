"""The buying side: coaching on one person, and the power map (权力地图). Pure; no terminal.

Roles, departments, drivers, circles and personal needs all come from the shared role catalog
(playbooks/roles.yaml); the gaps are the people warnings the playbook's rules raise.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from dealcoach import typeset
from dealcoach.coaching.diagnosis import Warning, diagnose
from dealcoach.coaching.cadence import touches_with
from dealcoach.coaching.followup import persistence_text
from dealcoach.coaching.objections import ObjectionAhead, objection_for, predict_objections
from dealcoach.coaching.rules import Situation, matches
from dealcoach.coaching.value import PersonValue, person_value
from dealcoach.coaching.shaping import CultureView, InsiderLadderView, PersonShaping
from dealcoach.deals.models import Deal, Person
from dealcoach.deals.lookup import find_person
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Playbook, RoleCatalog

PEOPLE_RULES = ("no-decision-maker", "no-coach", "single-threaded", "uncovered-influencer", "opponent-unaddressed",
                "bypassed-middle", "new-key-player", "coach-without-access",
                # politics and needs (docs/stable-ids.md, Politics, needs and follow-up)
                "supporters-outer-circle", "inner-circle-unmet", "circles-unknown", "relied-on-doubted",
                "team-resists-boss", "faction-apart", "user-department-unmet", "one-link-only", "no-kpi-owner",
                "kpi-owner-unmet", "value-unframed", "personal-needs-unknown",
                # who is really key (decision culture, leadership style), the insider, who sets the criteria
                "centralised-boss-unknown", "delegate-unknown", "delegate-not-won", "telling-leader-not-won",
                "selling-leader-team-opposed", "participating-circle-not-won", "insider-unqualified",
                "insider-unreliable", "criteria-no-setter")


class RoleAdvice(BaseModel):
    id: str
    name: str
    model: str
    traits: list[str]
    strategies: list[str]


class DepartmentAdvice(BaseModel):
    id: str
    name: str
    traits: list[str]
    needs: list[str]
    how_to_talk: list[str]


class DriverQuestions(BaseModel):
    id: str
    name: str
    text: str
    questions: list[str]


class PersonCoaching(BaseModel):
    deal: str
    person: Person
    roles: list[RoleAdvice]
    departments: list[DepartmentAdvice]
    drivers: list[DriverQuestions]
    principles: list[str]
    circle: str | None
    needs: list[str]
    warnings: list[Warning]
    politics: list[str] = Field(default=[], description="what is recorded of their boss, circle and faction")
    value: PersonValue | None = None
    objection: ObjectionAhead | None = None
    touches: int = Field(default=0, description="touches logged with them (coaching/cadence.py touches_with)")
    persistence: str | None = Field(default=None, description="what the playbook says about the next touch with them")
    shaping: PersonShaping = Field(default_factory=PersonShaping)  # not an instance: built at import


class MapNode(BaseModel):
    person: Person
    role_names: list[str]
    children: list[MapNode] = []


class CoverageRow(BaseModel):
    """One role group of the catalog: who holds it, and whether any of them has been met."""

    id: str
    name: str
    people: list[str]
    met: list[str]
    matters_now: bool


class PowerMap(BaseModel):
    deal: str
    stage: str
    roots: list[MapNode]
    coverage: list[CoverageRow]
    gaps: list[Warning]
    insider_ladder: InsiderLadderView | None = None
    culture: CultureView | None = None


def _departments_of(person: Person, catalog: RoleCatalog) -> list[str]:
    found = []
    for role_id in person.roles:
        department = next((r.department for r in catalog.roles if r.id == role_id), None)
        if department and department not in found:
            found.append(department)
    if not found and person.level == "senior" and any(d.id == "decision-layer" for d in catalog.departments):
        found.append("decision-layer")
    return found


def coach_person(deal: Deal, name: str, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> PersonCoaching:
    person = find_person(deal, name)
    roles = [catalog.role(r) for r in person.roles if any(x.id == r for x in catalog.roles)]
    models = {m.id: m.name.get(lang) for m in catalog.models}
    departments = {d.id: d for d in catalog.departments}
    # which principles fit this person is the catalog's `applies_to`, read by the rules' person filter
    situation = Situation(deal, playbook, catalog, 0, 0, frozenset())
    principles = [p for p in catalog.principles if any(matches(person, where, situation) for where in p.applies_to)]
    circle = next((c for c in catalog.circles if c.id == person.circle), None)
    needs = [n for n in catalog.personal_needs if n.id in person.needs]
    diagnosis = diagnose(deal, playbook, catalog, lang)
    warnings = [w for w in diagnosis.warnings if person.name in w.people]
    objection = None
    if playbook.objections is not None:
        report = predict_objections(deal, playbook, catalog, lang, stage_id=diagnosis.sales_stage.id)
        objection = objection_for(report, person.name, lang)
    return PersonCoaching(
        deal=deal.name,
        person=person,
        roles=[RoleAdvice(id=r.id, name=r.name.get(lang), model=models.get(r.model, r.model),
                          traits=[t.get(lang) for t in r.traits], strategies=[s.get(lang) for s in r.strategies])
               for r in roles],
        departments=[DepartmentAdvice(id=d.id, name=d.name.get(lang), traits=[t.get(lang) for t in d.traits],
                                      needs=[n.get(lang) for n in d.needs],
                                      how_to_talk=[h.get(lang) for h in d.how_to_talk])
                     for d in (departments[i] for i in _departments_of(person, catalog) if i in departments)],
        drivers=[DriverQuestions(id=d.id, name=d.name.get(lang), text=d.text.get(lang),
                                 questions=[q.get(lang) for q in d.questions]) for d in catalog.drivers],
        principles=[typeset.colon(p.name.get(lang), lang) + p.text.get(lang) for p in principles],
        circle=f"{circle.name.get(lang)}: {circle.text.get(lang)}" if circle else None,
        needs=[f"{n.name.get(lang)}: {n.how_to_help.get(lang)}" for n in needs],
        warnings=warnings,
        politics=_politics(person, lang),
        value=person_value(person, playbook, catalog, lang) if playbook.value is not None else None,
        objection=objection,
        touches=(touches := touches_with(deal, person.name, unnamed_count=False)),
        persistence=persistence_text(playbook.follow_up, touches + 1, person.name, lang) if playbook.follow_up else None,
        shaping=_shaping(person, deal, playbook, catalog, diagnosis, lang),
    )


def _politics(person: Person, lang: Lang) -> list[str]:
    """Their boss's view of them, how they follow their boss, their faction, in the reader's words."""
    from dealcoach.i18n import message

    lines = [message(f"value.{v}", lang) for v in (person.boss_trust, person.follows_boss) if v]
    if person.reports_to and lines:
        lines = [message("people.boss_of", lang, boss=person.reports_to, what="、".join(lines) if lang != "en"
                         else ", ".join(lines))]
    if person.faction:
        lines.append(message("people.faction", lang, faction=person.faction))
    return lines


def _shaping(person: Person, deal: Deal, playbook: Playbook, catalog: RoleCatalog, diagnosis, lang: Lang) -> PersonShaping:
    from dealcoach.coaching.rules import Situation
    from dealcoach.coaching.shaping import person_shaping

    situation = Situation(deal, playbook, catalog, diagnosis.sales_stage.index, diagnosis.customer_step.index,
                          frozenset())
    return person_shaping(person, situation, diagnosis.criteria, diagnosis.insider_ladder, diagnosis.culture, lang)


def power_map(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> PowerMap:
    diagnosis = diagnose(deal, playbook, catalog, lang)
    role_names = {r.id: r.name.get(lang) for r in catalog.roles}

    def node(person: Person, seen: frozenset[str]) -> MapNode:
        children = [node(p, seen | {p.name}) for p in deal.people
                    if p.reports_to == person.name and p.name not in seen]
        return MapNode(person=person, role_names=[role_names.get(r, r) for r in person.roles], children=children)

    names = {p.name for p in deal.people}
    roots = [node(p, frozenset({p.name})) for p in deal.people if not p.reports_to or p.reports_to not in names]
    stage = playbook.stages[diagnosis.sales_stage.index]
    focus: set[str] = set()
    for item in stage.key_roles:
        focus |= catalog.equivalent(item.role)
    coverage = []
    grouped: set[str] = set()
    for group in catalog.equivalences:
        grouped.update(group.roles)
        coverage.append(_coverage(group.id, group.name.get(lang), set(group.roles), deal, focus))
    for role in catalog.roles:
        if role.id not in grouped:
            coverage.append(_coverage(role.id, role.name.get(lang), {role.id}, deal, focus))
    return PowerMap(deal=deal.name, stage=diagnosis.sales_stage.name, roots=roots, coverage=coverage,
                    gaps=[w for w in diagnosis.warnings if w.id in PEOPLE_RULES],
                    insider_ladder=diagnosis.insider_ladder, culture=diagnosis.culture)


def _coverage(group_id: str, name: str, roles: set[str], deal: Deal, focus: set[str]) -> CoverageRow:
    holders = [p for p in deal.people if roles & set(p.roles)]
    return CoverageRow(id=group_id, name=name, people=[p.name for p in holders],
                       met=[p.name for p in holders if p.met], matters_now=bool(roles & focus))
