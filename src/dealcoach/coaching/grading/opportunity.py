"""Seed 000's opportunity analysis: the information collected, the comparison with each competitor,
the chance to win, the profit room and where to break through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealcoach.deals.models import OpportunityAnswers
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import OpportunityAnalysis

if TYPE_CHECKING:
    from dealcoach.coaching.grading.results import OpportunityResult

COMPETITIVE_POSITION = "competitive-position"
PROFIT_ROOM = "profit-room"
PRICE_DIMENSION = "price"
PROFIT_LEVELS = ("none", "thin", "reasonable", "healthy")


def analyse_opportunity(answers: OpportunityAnswers, analysis: OpportunityAnalysis, lang: Lang,
                        profit_room_score: int | None = None) -> OpportunityResult:
    """Score the information collected, compare with each competitor, and say where to break through."""
    from dealcoach.coaching.grading.results import CompetitorResult, InformationResult, OpportunityResult

    info_names = {item.id: item.text.get(lang) for item in analysis.information}
    dim_names = {item.id: item.text.get(lang).split("：")[0].split(",")[0] for item in analysis.comparison_dimensions}
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

    room = _profit_room(answers, dim_names, profit_room_score)
    points = _breakthrough_points(answers, competitors, dim_names, info_names, gaps, lang)
    return OpportunityResult(
        information_score=info_score, information=information, gaps=gaps, competitors=competitors,
        chance_to_win=chance, competitive_position=position, profit_room=room,
        profit_room_text=message(f"grade.profit_{room}", lang), breakthrough_points=points)


def competitor_margins(answers: OpportunityAnswers,
                       analysis: OpportunityAnalysis) -> list[tuple[str, dict[str, int], int]]:
    """(competitor, its scores on the playbook's dimensions, their sum) for each competitor compared
    on at least one of them: the comparison without the result models (stage needs only this)."""
    dimensions = {item.id for item in analysis.comparison_dimensions}
    found = []
    for comparison in answers.comparisons:
        scores = {d: s for d, s in comparison.scores.items() if d in dimensions}
        if scores:
            found.append((comparison.competitor, scores, sum(scores.values())))
    return found


def _profit_room(answers: OpportunityAnswers, dim_names: dict[str, str], scored: int | None) -> str:
    if scored is not None:
        return PROFIT_LEVELS[max(0, min(scored, 3))]
    value, price = [], []
    for comparison in answers.comparisons:
        for dimension, score in comparison.scores.items():
            if dimension not in dim_names:
                continue
            (price if dimension == PRICE_DIMENSION else value).append(score)
    if not value and not price:
        return "unknown"
    value_lead = sum(value) / len(value) if value else 0.0
    if value_lead >= 1:
        return "healthy"       # we win on value: no need to buy the deal with price
    if value_lead >= 0:
        return "reasonable"
    if price and min(price) > 0:
        return "thin"          # behind on value, ahead only on price: we would be buying the deal
    return "none"


def _breakthrough_points(answers, competitors, dim_names, info_names, gaps, lang) -> list[str]:
    points = []
    if competitors:
        by_dimension: dict[str, list[tuple[str, int]]] = {}
        for comparison in answers.comparisons:
            for dimension, score in comparison.scores.items():
                if dimension in dim_names:
                    by_dimension.setdefault(dimension, []).append((comparison.competitor, score))
        for dimension, scores in by_dimension.items():
            if len(scores) == len(competitors) and min(s for _, s in scores) > 0:
                points.append(message("grade.point_lead", lang, dimension=dim_names[dimension],
                                      competitors="、".join(c for c, _ in scores)))
        for dimension, scores in by_dimension.items():
            for competitor, score in scores:
                if score < 0:
                    points.append(message("grade.point_gap", lang, dimension=dim_names[dimension],
                                          competitor=competitor, score=score))
    for gap in gaps:
        known = answers.information.get(gap)
        points.append(message("grade.point_unknown", lang, information=info_names[gap],
                              score="?" if known is None else known))
    return points
