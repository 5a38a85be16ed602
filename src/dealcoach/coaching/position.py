"""Where we stand against the competition: seed 000's opportunity analysis applied to one deal.

Seed 000 answers "我方处于什么样的位置?" in three steps: is there profit in it (our cost against
the customer's budget), can we win (side by side with each competitor on fit to the customer's real
need, price, brand, service and relationship), and where to break through (the key people of the
decision process). The comparison itself is `analyse_opportunity` in coaching/grading.py; this
module puts it next to the deal's own facts. Pure: no terminal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from dealcoach.coaching.rules import Situation, people_holding, people_matching, role_name
from dealcoach.deals.models import Deal, Person
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import OpportunityAnalysis, PersonFilter

SCORE_LABEL = {2: "dim.much_better", 1: "dim.better", 0: "dim.equal", -1: "dim.worse", -2: "dim.much_worse"}
# The roles whose people carry the decision (seed 000: 通过客户决策流程来确定客户中的关键人员).
DECISION_ROLES = ["decision-maker", "advisor", "sets-criteria", "technical-supporter", "key-user", "saboteur"]


class Versus(BaseModel):
    competitor: str
    verdict: Literal["advantage", "parity", "disadvantage", "not-compared"]
    text: str
    dimensions: list[str] = []
    missing: list[str] = []


class BreakthroughPoint(BaseModel):
    person: str
    why: str
    via: list[str] = []


class CompetitivePosition(BaseModel):
    versus: list[Versus]
    profit: str
    profit_known: bool
    breakthrough: list[BreakthroughPoint]


def competitive_position(situation: Situation, analysis: OpportunityAnalysis | None,
                         lang: Lang) -> CompetitivePosition | None:
    """Seed 000's three questions for this deal; None when no competitor is on record."""
    deal = situation.deal
    if not deal.competitors:
        return None
    separator = "、" if lang != "en" else ", "
    return CompetitivePosition(versus=_versus(deal, analysis, lang, separator), profit=_profit(deal, lang),
                               profit_known=deal.budget is not None and deal.our_cost is not None,
                               breakthrough=_breakthrough(situation, lang))


def _versus(deal: Deal, analysis: OpportunityAnalysis | None, lang: Lang, separator: str) -> list[Versus]:
    from dealcoach.coaching.grading.opportunity import competitor_margins

    dims = {item.id: _short(item.text.get(lang)) for item in analysis.comparison_dimensions} if analysis else {}
    scored = {c.competitor: c for c in (deal.opportunity.comparisons if deal.opportunity else [])}
    margins = {}
    if analysis is not None and deal.opportunity is not None:
        margins = {competitor: margin for competitor, _, margin in competitor_margins(deal.opportunity, analysis)}
    found = []
    for competitor in deal.competitors:
        comparison = scored.get(competitor.name)
        scores = {d: s for d, s in (comparison.scores.items() if comparison else []) if d in dims}
        missing = [name for d, name in dims.items() if d not in scores]
        if not scores:
            found.append(Versus(competitor=competitor.name, verdict="not-compared",
                                text=message("position.not_compared", lang), missing=missing))
            continue
        margin = margins.get(competitor.name, sum(scores.values()))
        verdict = "advantage" if margin > 0 else "disadvantage" if margin < 0 else "parity"
        parts = [f"{dims[d]} {message(SCORE_LABEL[s], lang)}" for d, s in scores.items()]
        found.append(Versus(competitor=competitor.name, verdict=verdict, text=message(f"position.{verdict}", lang),
                            dimensions=parts, missing=missing))
    return found


def _short(text: str) -> str:
    """A dimension's name: the text before its explanation ("需求匹配度：…" -> "需求匹配度")."""
    for mark in ("：", ":", "，", ","):
        text = text.split(mark)[0]
    return text.strip()


def _money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def _profit(deal: Deal, lang: Lang) -> str:
    """Seed 000: what it costs us to do the project, against the customer's budget."""
    missing = [message(f"fact.{fact}", lang) for fact, value in (("budget", deal.budget), ("our-cost", deal.our_cost))
               if value is None]
    if missing:
        return message("position.profit_missing", lang, missing=("、" if lang != "en" else " and ").join(missing))
    assert deal.budget is not None and deal.our_cost is not None
    if deal.budget <= deal.our_cost:
        return message("position.profit_none", lang, budget=_money(deal.budget, deal.currency),
                       cost=_money(deal.our_cost, deal.currency))
    room = deal.budget - deal.our_cost
    return message("position.profit_room", lang, budget=_money(deal.budget, deal.currency),
                   cost=_money(deal.our_cost, deal.currency), room=_money(room, deal.currency),
                   share=f"{room / deal.budget:.0%}")


def _breakthrough(situation: Situation, lang: Lang) -> list[BreakthroughPoint]:
    """The people of the decision process not yet won, and who can take us to them."""
    deal = situation.deal
    separator = "、" if lang != "en" else ", "
    deciding = people_holding(DECISION_ROLES, situation)
    heavy = people_matching(PersonFilter(influence=["high"]), situation)
    points = []
    for person in [*deciding, *(p for p in heavy if p not in deciding)]:
        if person.attitude == "supporter" and person.contact in ("regular", "deep"):
            continue
        roles = separator.join(role_name(situation.catalog, r, lang) for r in person.roles)
        state = separator.join([message("value." + person.attitude, lang), message("value." + person.contact, lang)])
        why = f"{roles} · {state}" if roles else state
        points.append(BreakthroughPoint(person=person.name, why=why, via=_via(person, deal)))
    return points


def _via(person: Person, deal: Deal) -> list[str]:
    """Supporters we meet who are in this person's reporting line (their boss or their report)."""
    near = [p for p in deal.people if p.reports_to == person.name]
    if person.reports_to and (boss := deal.person(person.reports_to)) is not None:
        near.append(boss)
    return [p.name for p in near if p.attitude == "supporter" and p.met and p.name != person.name]
