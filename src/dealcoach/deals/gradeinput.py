"""What a rep records for grading, as pure changes to a deal: a manual grade (with its reason),
assessment scores, and seed 000's opportunity analysis. The flags of `dealcoach grade --deals`
(their syntax is read in cli/grade.py) and a deal file's `assessment:`/`opportunity:`/`manual_grade:`
keys end up in the same fields.
"""

from __future__ import annotations

from dealcoach.deals.models import Competitor, CompetitorComparison, Deal, OpportunityAnswers
from dealcoach.errors import DealcoachError
from dealcoach.playbook.models import Playbook

def with_manual_grade(deal: Deal, grade: str | None, reason: str | None) -> Deal:
    """Set or clear the rep's grade; the computed grade is left exactly as it is."""
    if grade is None:
        return deal.model_copy(update={"manual_grade": None, "manual_grade_reason": None})
    return Deal.model_validate({**deal.model_dump(), "manual_grade": grade,
                                "manual_grade_reason": reason if reason is not None else deal.manual_grade_reason})


def with_assessment(deal: Deal, scores: dict[str, int], playbook: Playbook) -> Deal:
    """The deal with these factor scores added (each checked against the factor's scale)."""
    if not scores:
        return deal
    if playbook.grading is None:
        raise DealcoachError(f"playbook {playbook.id} has no assessment factors")
    factors = {f.id: f for f in playbook.grading.assessment.factors}
    for factor_id, score in scores.items():
        factor = factors.get(factor_id)
        if factor is None:
            from dealcoach.error_text import keyed_error

            raise keyed_error(DealcoachError, "error.unknown_factor", factor=factor_id, playbook=playbook.id,
                              choices=[(f.id, (f.name.zh,)) for f in factors.values()])
        allowed = [level.score for level in factor.scale]
        if score not in allowed:
            raise DealcoachError(f"assessment factor {factor_id}={score}: not on the scale ({', '.join(map(str, allowed))})")
    return deal.model_copy(update={"assessment": {**deal.assessment, **scores}})


def with_opportunity(deal: Deal, information: dict[str, int], comparisons: list[tuple[str, dict[str, int]]],
                     playbook: Playbook) -> Deal:
    """The deal with opportunity-analysis answers merged in; a competitor given again is replaced."""
    if not information and not comparisons:
        return deal
    analysis = playbook.opportunity_analysis
    if analysis is None:
        raise DealcoachError(f"playbook {playbook.id} has no opportunity analysis (the eight-step playbook has one)")
    info_ids = [item.id for item in analysis.information]
    dimension_ids = [item.id for item in analysis.comparison_dimensions]
    for key, score in information.items():
        if key not in info_ids:
            raise DealcoachError(f"information {key}: unknown information for playbook {playbook.id} "
                                 f"(known: {', '.join(info_ids)})")
        if not 0 <= score <= 3:
            raise DealcoachError(f"information {key}={score}: use 0 (unknown) to 3 (known and confirmed)")
    current = deal.opportunity or OpportunityAnswers()
    by_name = {c.competitor: c for c in current.comparisons}
    for name, scores in comparisons:
        for key, score in scores.items():
            if key not in dimension_ids:
                raise DealcoachError(f"comparison with {name}: unknown dimension {key!r} (known: {', '.join(dimension_ids)})")
            if not -2 <= score <= 2:
                raise DealcoachError(f"comparison with {name}: {key}={score}: use -2 (they are much stronger) "
                                     "to +2 (we are much stronger)")
        previous = by_name.get(name)
        by_name[name] = CompetitorComparison(competitor=name, scores={**(previous.scores if previous else {}), **scores})
    answers = OpportunityAnswers(information={**current.information, **information}, comparisons=list(by_name.values()))
    known = {c.name for c in deal.competitors}
    added = [name for name in dict.fromkeys(name for name, _ in comparisons) if name not in known]
    competitors = [*deal.competitors, *(Competitor(name=name) for name in added)]
    return deal.model_copy(update={"opportunity": answers, "competitors": competitors})
