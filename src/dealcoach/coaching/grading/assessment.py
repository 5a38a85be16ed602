"""The assessment: weighted score of the factors scored, knock-outs, pass or fail (seeds 001, 002)."""

from __future__ import annotations

from dealcoach.coaching.grading.results import AssessmentResult, FactorResult
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Assessment


def assess(scores: dict[str, int], assessment: Assessment, lang: Lang,
           from_opportunity: dict[str, int] | None = None) -> AssessmentResult:
    """Weighted score, knock-outs, pass or fail (with the playbook's advice when it fails)."""
    from_opportunity = from_opportunity or {}
    factors, knocked, missing = [], [], []
    earned = possible = 0.0
    for factor in assessment.factors:
        top = max(level.score for level in factor.scale)
        score, source = scores.get(factor.id), "rep"
        if score is None and factor.id in from_opportunity:
            score, source = from_opportunity[factor.id], "opportunity"
        if score is None:
            missing.append(factor.id)
            factors.append(FactorResult(id=factor.id, name=factor.name.get(lang), score=None, max=top,
                                        weight=factor.weight, knockout_below=factor.knockout_below, source="missing"))
            continue
        out = factor.knockout_below is not None and score < factor.knockout_below
        if out:
            knocked.append(factor.id)
        earned += factor.weight * score
        possible += factor.weight * top
        level = next((lv.text.get(lang) for lv in factor.scale if lv.score == score), None)
        factors.append(FactorResult(id=factor.id, name=factor.name.get(lang), score=score, max=top,
                                    weight=factor.weight, level=level, knockout_below=factor.knockout_below,
                                    knocked_out=out, source=source))  # type: ignore[arg-type]
    pass_at = round(assessment.pass_score * 100, 1)
    if not possible:
        return AssessmentResult(status="not-assessed", pass_score=pass_at, missing=missing, factors=factors)
    share = earned / possible * 100
    failed = bool(knocked) or share < assessment.pass_score * 100 - 1e-9
    return AssessmentResult(status="fail" if failed else "pass", score=round(share, 1), pass_score=pass_at,
                            knocked_out=knocked, missing=missing, factors=factors,
                            advice=assessment.on_fail.get(lang) if failed else None)
