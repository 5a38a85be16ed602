"""Seed 000's opportunity analysis: the information collected, the comparison with each competitor,
the chance to win; with the profit room and where to break through from coaching/position.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealcoach.coaching.position import competitor_margins, profit_room
from dealcoach.deals.models import OpportunityAnswers
from dealcoach.i18n import Lang
from dealcoach.playbook.models import OpportunityAnalysis

if TYPE_CHECKING:
    from dealcoach.coaching.grading.results import OpportunityResult
    from dealcoach.coaching.position import BreakthroughPoint, ProfitRoom

COMPETITIVE_POSITION = "competitive-position"


def analyse_opportunity(answers: OpportunityAnswers, analysis: OpportunityAnalysis, lang: Lang,
                        profit: ProfitRoom | None = None,
                        breakthrough: list[BreakthroughPoint] | None = None) -> OpportunityResult:
    """Score the information collected, compare with each competitor and work out the chance to win.
    The profit room (our cost against the customer's budget) and the breakthrough points (people of
    the decision process) are coaching/position.py's, given by the caller that knows the deal."""
    from dealcoach.coaching.grading.results import CompetitorResult, InformationResult, OpportunityResult

    profit = profit or profit_room(None, None, None, lang)
    info_names = {item.id: item.text.get(lang) for item in analysis.information}
    information = [InformationResult(id=i, name=n, score=answers.information.get(i)) for i, n in info_names.items()]
    known = [i.score for i in information if i.score is not None]
    info_score = round(sum(known) / (3 * len(information)) * 100, 1) if known else None
    gaps = [i.id for i in information if i.score is None or i.score <= 1]

    competitors = []
    for competitor, scores, margin in competitor_margins(answers, analysis):
        share = (margin + 2 * len(scores)) / (4 * len(scores))
        competitors.append(CompetitorResult(
            competitor=competitor, margin=margin, dimensions=len(scores),
            head_to_head=round(share, 3),
            ahead=[d for d, s in scores.items() if s > 0], behind=[d for d, s in scores.items() if s < 0]))

    chance = position = None
    if competitors:
        odds = sum((1 - c) / c for c in (min(max(comp.head_to_head, 0.05), 0.95) for comp in competitors))
        chance = round(1 / (1 + odds), 3)
        weakest = min(competitors, key=lambda comp: comp.margin / comp.dimensions)
        per_dimension = weakest.margin / weakest.dimensions
        position = 0 if per_dimension <= -1 else 1 if per_dimension < 0 else 2 if per_dimension < 1 else 3

    return OpportunityResult(
        information_score=info_score, information=information, gaps=gaps, competitors=competitors,
        chance_to_win=chance, competitive_position=position, profit_room_text=profit.text,
        profit_known=profit.known, breakthrough=breakthrough or [])
