"""Where a deal stands on the purchase criteria, the insider's ladder and the decision culture, from
the facts on record and the playbook's `purchase_criteria:`, `insider_ladder:` and
`decision_culture:`. Pure; the warnings about them are ordinary rules (coaching/rules.py).

- The criteria can still be shaped when their state's advice says so and the customer has not
  reached the tender; who shapes them: the people holding `sets-criteria` (and, once settled,
  the decision makers, who alone can change them).
- The deal stands on the highest rung of the insider ladder whose condition holds with every rung
  below it; the next rung is the first that does not hold, with how to climb to it, naming people.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from dealcoach.coaching.rules import Situation, holds, people_holding, people_matching
from dealcoach.i18n import Lang, message
from dealcoach.textfill import fill


class CriteriaView(BaseModel):
    state: str | None = Field(description="unknown, uncertain, partial, settled; None when not recorded")
    state_name: str
    meaning: str | None
    favours: str
    favours_name: str
    items: list[str]
    shapeable: bool = Field(description="the state can be shaped and the customer has not reached the tender")
    who: list[str] = Field(description="who shapes them now: the criteria setters, or the decision makers once settled")
    how: str | None


class Rung(BaseModel):
    id: str
    name: str
    meaning: str
    reached: bool


class NextRung(BaseModel):
    id: str
    name: str
    text: str
    who: list[str]


class InsiderLadderView(BaseModel):
    standing: int = Field(description="how many rungs from the bottom hold in a row (0..5)")
    rungs: list[Rung]
    next: NextRung | None = Field(description="the first rung that does not hold; None at the top")


class LeaderStyle(BaseModel):
    name: str
    style: str
    style_name: str
    how_to_win: str


class CultureView(BaseModel):
    culture: str | None
    culture_name: str | None
    meaning: str | None
    focus: str | None
    leaders: list[LeaderStyle]


def criteria_view(situation: Situation, lang: Lang) -> CriteriaView | None:
    section = situation.playbook.purchase_criteria
    if section is None:
        return None
    criteria = situation.deal.criteria
    state = criteria.state if criteria is not None else None
    favours = criteria.favours if criteria is not None else "unknown"
    advice = section.state(state) if state else None
    before_tender = situation.customer_index < situation.playbook.step_index(section.tender_step)
    shapeable = bool(advice and advice.shapeable and before_tender and favours != "us")
    holders = people_holding(["sets-criteria"] if state != "settled" else ["decision-maker"], situation)
    return CriteriaView(
        state=state,
        state_name=message(f"criteria_state.{state}", lang) if state else message("criteria.not_recorded", lang),
        meaning=advice.meaning.get(lang) if advice else None, favours=favours,
        favours_name=message(f"favours.{favours}", lang), items=list(criteria.items if criteria else []),
        shapeable=shapeable, who=[p.name for p in holders], how=advice.how.get(lang) if advice else None)


def insider_ladder(situation: Situation, fields: Callable[[list[str]], dict[str, str]],
                   lang: Lang) -> InsiderLadderView | None:
    """`fields(names)` gives the texts' placeholders ({people} from the names, {insiders}, ...)."""
    ladder = situation.playbook.insider_ladder
    if ladder is None:
        return None
    rungs = [Rung(id=r.id, name=r.name.get(lang), meaning=r.meaning.get(lang), reached=holds(r.reached, situation))
             for r in ladder.rungs]
    standing = next((index for index, rung in enumerate(rungs) if not rung.reached), len(rungs))
    upcoming = None
    if standing < len(rungs):
        rung = ladder.rungs[standing]
        named = [p.name for p in situation.deal.people
                 if any(p in people_matching(where, situation) for where in rung.names)]
        text = fill(rung.climb.get(lang), fields(named))
        deciders = [p.name for p in people_holding(["decision-maker"], situation) if p.name in text]
        upcoming = NextRung(id=rung.id, name=rung.name.get(lang), text=text,
                            who=list(dict.fromkeys([*named, *deciders])))
    return InsiderLadderView(standing=standing, rungs=rungs, next=upcoming)


def culture_view(situation: Situation, lang: Lang) -> CultureView | None:
    section = situation.playbook.decision_culture
    if section is None:
        return None
    culture = next((c for c in section.cultures if c.id == situation.deal.culture), None)
    styles = {s.id: s for s in section.styles}
    leaders = [LeaderStyle(name=p.name, style=p.style, style_name=message(f"style.{p.style}", lang),
                           how_to_win=styles[p.style].how_to_win.get(lang))
               for p in people_holding(["decision-maker"], situation) if p.style in styles]
    if culture is None and not leaders:
        return None
    return CultureView(culture=situation.deal.culture,
                       culture_name=message(f"culture.{culture.id}", lang) if culture else None,
                       meaning=culture.meaning.get(lang) if culture else None,
                       focus=culture.focus.get(lang) if culture else None, leaders=leaders)


class InsiderCheck(BaseModel):
    """What is known of why an insider backs us, and what is still to learn (获得内线支持)."""

    motive: str | None
    motive_name: str | None
    motive_advice: str | None
    support: str | None
    will: str
    ability: str
    to_learn: list[str] = Field(description="the qualifying questions not answered yet")


class PersonShaping(BaseModel):
    insider: InsiderCheck | None = None
    leads: LeaderStyle | None = Field(default=None, description="how this decision maker leads, and how to win them")
    culture: str | None = Field(default=None, description="the account's culture and whom it makes key")
    criteria: CriteriaView | None = Field(default=None, description="for a criteria setter or decision maker")
    ladder_next: NextRung | None = Field(default=None, description="the ladder's next rung, when it names this person")


def person_shaping(person, situation: Situation, criteria: CriteriaView | None, ladder: InsiderLadderView | None,
                   culture: CultureView | None, lang: Lang) -> PersonShaping:
    """The criteria, insider and culture coaching that concerns one person."""
    roles = situation.roles_of(person)
    catalog = situation.catalog
    found = PersonShaping()
    section = situation.playbook.insider_ladder
    if section is not None and roles & catalog.equivalent("insider"):
        motive = next((m for m in section.motives if m.id == person.motive), None)
        unanswered = [person.motive is None, not person.support, person.will is None or person.ability is None]
        found.insider = InsiderCheck(
            motive=person.motive, motive_name=message(f"motive.{person.motive}", lang) if person.motive else None,
            motive_advice=motive.how.get(lang) if motive else None, support=person.support,
            will=message(f"value.{person.will or 'unknown'}", lang),
            ability=message(f"value.{person.ability or 'unknown'}", lang),
            to_learn=[q.get(lang) for q, open_ in zip(section.qualify, unanswered, strict=False) if open_])
    deciders = roles & catalog.equivalent("decision-maker")
    if culture is not None:
        found.leads = next((leader for leader in culture.leaders if leader.name == person.name), None)
        if culture.culture and (deciders or person.delegate):
            found.culture = f"{culture.culture_name}: {culture.meaning} {culture.focus}"
    if criteria is not None and (roles & catalog.equivalent("sets-criteria") or deciders):
        found.criteria = criteria
    if ladder is not None and ladder.next is not None and person.name in ladder.next.who:
        found.ladder_next = ladder.next
    return found
