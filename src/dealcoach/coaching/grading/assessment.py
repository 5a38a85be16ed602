"""The assessment: weighted score of the factors scored, knock-outs, pass or fail (seeds 001, 002)."""

from __future__ import annotations

from typing import NamedTuple

from dealcoach.coaching.grading.results import AssessmentResult, FactorResult
from dealcoach.i18n import Lang
from dealcoach.playbook.models import Assessment, AssessmentFactor


class ScoredFactor(NamedTuple):
    factor: AssessmentFactor
    score: int | None
    source: str            # "rep", "opportunity" or "missing"
    knocked_out: bool


class Scored(NamedTuple):
    """The assessment's numbers, without its words: what ranking a prospect needs."""

    factors: list[ScoredFactor]
    status: str            # "pass", "fail" or "not-assessed"
    score: float | None    # the weighted share, 0-100, to 0.1
    knocked: list[str]
    missing: list[str]


def score_assessment(scores: dict[str, int], assessment: Assessment,
                     from_opportunity: dict[str, int] | None = None) -> Scored:
    """Weighted score, knock-outs, pass or fail."""
    if not scores and not from_opportunity:  # most prospects: nothing scored yet
        kept = _UNSCORED.get(id(assessment))
        if kept is None or kept[0] is not assessment:
            if len(_UNSCORED) > 64:
                _UNSCORED.clear()
            ids = [factor.id for factor in assessment.factors]
            kept = _UNSCORED[id(assessment)] = (assessment, Scored(
                [ScoredFactor(factor, None, "missing", False) for factor in assessment.factors], "not-assessed",
                None, [], ids))
        return kept[1]
    from_opportunity = from_opportunity or {}
    factors, knocked, missing = [], [], []
    earned = possible = 0.0
    for factor in assessment.factors:
        score, source = scores.get(factor.id), "rep"
        if score is None and factor.id in from_opportunity:
            score, source = from_opportunity[factor.id], "opportunity"
        if score is None:
            missing.append(factor.id)
            factors.append(ScoredFactor(factor, None, "missing", False))
            continue
        out = factor.knockout_below is not None and score < factor.knockout_below
        if out:
            knocked.append(factor.id)
        earned += factor.weight * score
        possible += factor.weight * _top(factor)
        factors.append(ScoredFactor(factor, score, source, out))
    if not possible:
        return Scored(factors, "not-assessed", None, knocked, missing)
    share = earned / possible * 100
    failed = bool(knocked) or share < assessment.pass_score * 100 - 1e-9
    return Scored(factors, "fail" if failed else "pass", round(share, 1), knocked, missing)


_UNSCORED: dict[int, tuple[Assessment, Scored]] = {}  # shared: a Scored is read, never changed


def _top(factor: AssessmentFactor) -> int:
    return max(level.score for level in factor.scale)


def assessment_result(scored: Scored, assessment: Assessment, lang: Lang) -> AssessmentResult:
    """The scored assessment in words (factor names and levels, the advice when it fails)."""
    factors = []
    for factor, score, source, out in scored.factors:
        level = None if score is None else next((lv.text.get(lang) for lv in factor.scale if lv.score == score), None)
        factors.append(FactorResult(id=factor.id, name=factor.name.get(lang), score=score, max=_top(factor),
                                    weight=factor.weight, level=level, knockout_below=factor.knockout_below,
                                    knocked_out=out, source=source))  # type: ignore[arg-type]
    pass_at = round(assessment.pass_score * 100, 1)
    if scored.status == "not-assessed":
        return AssessmentResult(status="not-assessed", pass_score=pass_at, missing=scored.missing, factors=factors)
    return AssessmentResult(status=scored.status, score=scored.score, pass_score=pass_at,  # type: ignore[arg-type]
                            knocked_out=scored.knocked, missing=scored.missing, factors=factors,
                            advice=assessment.on_fail.get(lang) if scored.status == "fail" else None)


def assess(scores: dict[str, int], assessment: Assessment, lang: Lang,
           from_opportunity: dict[str, int] | None = None) -> AssessmentResult:
    """Weighted score, knock-outs, pass or fail (with the playbook's advice when it fails)."""
    return assessment_result(score_assessment(scores, assessment, from_opportunity), assessment, lang)
