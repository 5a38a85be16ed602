"""Where we stand against the competition: seed 000's opportunity analysis applied to one deal.

Seed 000 answers "我方处于什么样的位置?" in three steps: is there profit in it (our cost against
the customer's budget), can we win (side by side with each competitor on fit to the customer's real
need, price, brand, service and relationship), and where to break through (the key people of the
decision process). This module is the one place for all three: `stage` shows them, and
`grade --explain` takes the profit room and the breakthrough points from here too (the chance to win
against the whole field is `analyse_opportunity` in coaching/grading/). Pure: no terminal.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, Field

from dealcoach.coaching.rules import Situation, people_holding, people_matching, role_name
from dealcoach.deals.models import Deal, OpportunityAnswers, Person
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

    def describe(self, lang: Lang) -> str:
        """"采购老总（核心决策者 · 中立、没见过，可经由行政部领导）" in the user's language."""
        separator = "、" if lang != "en" else ", "
        detail = self.why
        if self.via:
            detail += ("，" if lang != "en" else ", ") + message("position.via", lang, via=separator.join(self.via))
        return f"{self.person}（{detail}）" if lang != "en" else f"{self.person} ({detail})"


class ProfitRoom(BaseModel):
    text: str
    known: bool = Field(description="both the customer's budget and our cost are on record")


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
    profit = profit_room(deal.budget, deal.our_cost, deal.currency, lang)
    return CompetitivePosition(versus=_versus(deal, analysis, lang, separator), profit=profit.text,
                               profit_known=profit.known, breakthrough=breakthrough_points(situation, lang))


def competitor_margins(answers: OpportunityAnswers,
                       analysis: OpportunityAnalysis) -> list[tuple[str, dict[str, int], int]]:
    """Seed 000's head-to-head: (competitor, its scores on the playbook's dimensions (-2 they are much
    stronger .. +2 we are), their sum) for each competitor compared on at least one of them; the
    chance to win (coaching/grading/opportunity.py) is worked out from the same."""
    dimensions = {item.id for item in analysis.comparison_dimensions}
    found = []
    for comparison in answers.comparisons:
        scores = {d: s for d, s in comparison.scores.items() if d in dimensions}
        if scores:
            found.append((comparison.competitor, scores, sum(scores.values())))
    return found


def _versus(deal: Deal, analysis: OpportunityAnalysis | None, lang: Lang, separator: str) -> list[Versus]:
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
    return f"{value:,.0f} {currency}".rstrip()


def profit_room(budget: float | None, our_cost: float | None, currency: str | None, lang: Lang) -> ProfitRoom:
    """Seed 000: what it costs us to do the project, against the customer's budget; what is missing
    when either is not on record."""
    missing = [message(f"fact.{fact}", lang) for fact, value in (("budget", budget), ("our-cost", our_cost))
               if value is None]
    if missing:
        return ProfitRoom(text=message("position.profit_missing", lang,
                                       missing=("、" if lang != "en" else " and ").join(missing)), known=False)
    assert budget is not None and our_cost is not None
    currency = currency or ""
    if budget <= our_cost:
        return ProfitRoom(text=message("position.profit_none", lang, budget=_money(budget, currency),
                                       cost=_money(our_cost, currency)), known=True)
    room = budget - our_cost
    return ProfitRoom(text=message("position.profit_room", lang, budget=_money(budget, currency),
                                   cost=_money(our_cost, currency), room=_money(room, currency),
                                   share=f"{room / budget:.0%}"), known=True)


@cache
def _influential() -> PersonFilter:
    """The people of high influence: one filter for every deal (compiled once, kept by identity),
    its value written here, so built without validation (validating would build PersonFilter's
    validator, ~2 ms of `stage`)."""
    return PersonFilter.model_construct(influence=["high"])


def breakthrough_points(situation: Situation, lang: Lang) -> list[BreakthroughPoint]:
    """The people of the decision process not yet won, and who can take us to them."""
    deal = situation.deal
    separator = "、" if lang != "en" else ", "
    deciding = people_holding(DECISION_ROLES, situation)
    heavy = people_matching(_influential(), situation)
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
