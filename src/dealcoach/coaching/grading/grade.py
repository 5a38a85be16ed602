"""The grade of one prospect (a file row or a stored deal), with every reason, the action and the
next follow-up; the rules are listed in the package docstring."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from dealcoach.coaching.cadence import milestone_phase, timed_due, touch_of
from dealcoach.coaching.grading.assessment import Scored, assessment_result, score_assessment
from dealcoach.coaching.grading.opportunity import COMPETITIVE_POSITION, analyse_opportunity
from dealcoach.coaching.grading.results import GradeResult, OpportunityResult, Prospect
from dealcoach.coaching.grading.table import (cap_grade, cap_rule_id, cell_rule_id, grade_table, grade_words,
                                              grading_of, pretext_index, rank, worse)
from dealcoach.deals.models import ComputedGrade, Deal
from dealcoach.i18n import Lang, message
from dealcoach.coaching.position import breakthrough_points, profit_room
from dealcoach.coaching.rules import Situation
from dealcoach.playbook.models import GradeId, Grading, OpportunityAnalysis, Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry


class Decision(NamedTuple):
    """A prospect's grade as numbers, before any words: enough to rank it, count it and save it.
    `grade_prospect` explains it; `grade --deals` decides every deal and explains only those shown."""

    opportunity: OpportunityResult | None
    scored: Scored
    days: int | None            # to the expected close (negative: past)
    w_index: int
    used: float | None          # the win probability the grade used
    chance: float | None        # the opportunity analysis's chance to win
    b_index: int
    cell: GradeId               # the table's grade
    knocked: bool
    capped: bool                # the failed assessment lowered the grade
    grade: GradeId              # the computed grade
    rule_id: str                # what decided the computed grade
    final: GradeId              # the manual grade when set


def decide(prospect: Prospect, grading: Grading, today: dt.date, lang: Lang,
           analysis: OpportunityAnalysis | None = None) -> Decision:
    """The grade of one prospect (rules 1-5 of the package docstring), as numbers."""
    opportunity = None
    from_opportunity: dict[str, int] = {}
    if prospect.opportunity is not None and analysis is not None:
        opportunity = analyse_opportunity(prospect.opportunity, analysis, lang,
                                          profit_room(prospect.budget, prospect.our_cost, prospect.currency, lang),
                                          prospect.breakthrough)
        factor_ids = {f.id for f in grading.assessment.factors}
        from_opportunity = {k: v for k, v in prospect.opportunity.information.items() if k in factor_ids}
        if opportunity.competitive_position is not None and COMPETITIVE_POSITION in factor_ids:
            from_opportunity[COMPETITIVE_POSITION] = opportunity.competitive_position
    scored = score_assessment(prospect.assessment, grading.assessment, from_opportunity)

    table = grade_table(grading)
    days = (prospect.expected_close - today).days if prospect.expected_close else None
    w_index = table.window(days)
    used = prospect.probability
    chance = opportunity.chance_to_win if opportunity else None
    if chance is not None:
        used = chance if used is None else round((used + chance) / 2, 4)
    b_index = table.band(used)
    grade = cell = table.cells[w_index][b_index]
    rule_id = cell_rule_id(grading, w_index, b_index)
    knocked = capped = False
    if scored.status == "fail":
        knocked = bool(scored.knocked)
        lowered = worse(grade, cap_grade(grading, knocked))
        if lowered != grade:
            grade, rule_id, capped = lowered, cap_rule_id(knocked), True
    final = prospect.manual_grade if prospect.manual_grade is not None else grade
    return Decision(opportunity, scored, days, w_index, used, chance, b_index, cell, knocked, capped, grade,
                    rule_id, final)


def grade_prospect(prospect: Prospect, grading: Grading, today: dt.date, lang: Lang,
                   analysis: OpportunityAnalysis | None = None, decision: Decision | None = None) -> GradeResult:
    """The full grade of one prospect, with every reason, the action and the next follow-up
    (`decision`: the one `decide` gave for it, when the caller has it already)."""
    if decision is None:
        decision = decide(prospect, grading, today, lang, analysis)
    opportunity, days, used, chance = decision.opportunity, decision.days, decision.used, decision.chance
    words = grade_words(grading, lang)
    reasons: list[str] = []
    if prospect.opportunity is not None and opportunity is None:
        reasons.append(message("grade.reason_no_analysis", lang))
    if decision.scored.status == "not-assessed" and not decision.scored.knocked:
        assessment = words.not_assessed
    else:
        assessment = assessment_result(decision.scored, grading.assessment, lang)

    window = grading.close_windows[decision.w_index]
    window_name = words.windows[decision.w_index]
    if days is None:
        reasons.append(message("grade.reason_no_close", lang, window=window_name))
    elif days < 0:
        reasons.append(message("grade.reason_overdue", lang, date=prospect.expected_close, days=-days,
                               window=window_name))
    else:
        reasons.append(message("grade.reason_close", lang, date=prospect.expected_close, days=days,
                               window=window_name))

    band = grading.probability_bands[decision.b_index]
    band_name = words.bands[decision.b_index]
    if used is None:
        reasons.append(message("grade.reason_no_probability", lang, band=band_name))
    elif chance is not None and prospect.probability is not None:
        reasons.append(message("grade.reason_probability_mixed", lang, yours=_pct(prospect.probability),
                               chance=_pct(chance), used=_pct(used), band=band_name))
    elif chance is not None:
        reasons.append(message("grade.reason_probability_chance", lang, chance=_pct(chance), band=band_name))
    else:
        reasons.append(message("grade.reason_probability", lang, probability=_pct(used), band=band_name))

    grade = decision.grade
    rule = words.cell_rules[decision.w_index][decision.b_index]
    reasons.append(rule.text)

    if assessment.status == "not-assessed":
        reasons.append(message("grade.reason_not_assessed", lang))
    elif assessment.status == "pass":
        reasons.append(message("grade.reason_pass", lang, score=assessment.score, pass_score=assessment.pass_score))
    else:
        names = "、".join(f.name for f in assessment.factors if f.knocked_out)
        if decision.knocked:
            reasons.append(message("grade.reason_knockout", lang, factors=names, score=assessment.score))
        else:
            reasons.append(message("grade.reason_fail", lang, score=assessment.score,
                                   pass_score=assessment.pass_score))
        if decision.capped:
            rule = words.cap_rules[decision.knocked]
            reasons.append(rule.text)
        reasons.append(assessment.advice or "")
    if assessment.missing and assessment.status != "not-assessed":
        reasons.append(message("grade.reason_missing", lang, factors=", ".join(assessment.missing)))

    final, fired = grade, rule
    if prospect.manual_grade is not None:
        final, fired = prospect.manual_grade, words.manual_rules[prospect.manual_grade]
        reasons.append(message("grade.reason_manual", lang, manual=prospect.manual_grade, grade=grade,
                               reason=prospect.manual_reason or "-"))

    cadence, due = timed_due(grade_table(grading).cadence[rank(final)], today, prospect.last_activity,
                             prospect.milestone_phase, prospect.milestone_on, prospect.milestone_timing,
                             prospect.touches_known)
    pretext = None
    index = pretext_index(grading, prospect.name, today, cadence)
    if prospect.pretext_id is not None:
        index = next((i for i, p in enumerate(grading.follow_up_pretexts) if p.id == prospect.pretext_id), index)
    if index is not None:
        pretext = words.pretexts[index]
    # every value above comes from a validated prospect and playbook: constructed, not validated again
    # (a million file rows are explained for --json)
    return GradeResult.model_construct(
        name=prospect.name, account=prospect.account, deal_id=prospect.deal_id, source=prospect.source,
        row=prospect.row, grade=grade, manual_grade=prospect.manual_grade, manual_reason=prospect.manual_reason,
        final_grade=final, score=assessment.score, rule=fired, computed_rule=rule,
        reasons=[r for r in reasons if r], expected_close=prospect.expected_close, days_to_close=days,
        close_window=window.id, probability=prospect.probability, probability_used=used,
        probability_band=band.id, amount=prospect.amount, currency=prospect.currency,
        action=words.actions[final], meaning=words.meanings[final], cadence_days=cadence,
        next_follow_up=max(today, due),
        pretext=pretext,
        assessment=assessment, opportunity=opportunity)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def sort_key(result: GradeResult) -> tuple:
    """Best first: grade, then score (higher first), then close date (sooner first), then probability."""
    return ranking_key(result.final_grade, result.score, result.expected_close, result.probability_used, result.name)


def ranking_key(final: GradeId, score: float | None, expected_close: dt.date | None, used: float | None,
                name: str) -> tuple:
    """`sort_key` of a result, from its numbers (a `Decision` ranks before it is explained)."""
    return (rank(final), -(score if score is not None else -1.0), expected_close or dt.date.max,
            -(used if used is not None else -1.0), name)


def decision_key(decision: Decision, prospect: Prospect) -> tuple:
    return ranking_key(decision.final, decision.scored.score, prospect.expected_close, decision.used, prospect.name)


def prospect_of(deal: Deal, playbook: Playbook | None = None, catalog: RoleCatalog | None = None,
                lang: Lang = "en", today: dt.date | None = None) -> Prospect:
    """A stored deal as a prospect. Its last touch and next pretext are coaching/cadence.py's, the
    ones `dealcoach followup` uses, so the two commands never disagree; with the catalog, the people
    to break through to are coaching/position.py's, the ones `stage` names (only a deal with an
    opportunity analysis shows them, so only such a deal pays for them)."""
    touch = touch_of(deal, playbook.grading if playbook is not None else None)
    # 前紧后松: timed around the deal's next key milestone as `followup` times it
    timing = playbook.follow_up.milestone if playbook is not None and playbook.follow_up and today else None
    phase, milestone = milestone_phase(deal, today, timing) if timing is not None and today else (None, None)
    breakthrough = []
    if catalog is not None and playbook is not None and deal.opportunity is not None:
        breakthrough = breakthrough_points(Situation(deal, playbook, catalog, 0, 0, frozenset()), lang)
    # every value comes from a validated deal: constructed, not validated again (grade --deals
    # makes one per stored deal)
    return Prospect.model_construct(
        name=deal.name, account=deal.account, deal_id=deal.id, amount=deal.amount, currency=deal.currency,
        expected_close=deal.expected_close, probability=deal.probability, assessment=dict(deal.assessment),
        opportunity=deal.opportunity, manual_grade=deal.manual_grade, manual_reason=deal.manual_grade_reason,
        last_activity=touch.last_touch, touches_known=True, pretext_id=touch.pretext_id,
        budget=deal.budget, our_cost=deal.our_cost, breakthrough=breakthrough,
        milestone_phase=phase, milestone_on=milestone, milestone_timing=timing)


def grade_deal(deal: Deal, playbook: Playbook, today: dt.date, lang: Lang,
               catalog: RoleCatalog | None = None) -> GradeResult:
    playbook = for_industry(playbook, deal.industry)  # the pretexts of the deal's industry
    return grade_prospect(prospect_of(deal, playbook, catalog, lang, today), grading_of(playbook), today, lang,
                          playbook.opportunity_analysis)


def with_computed_grade(deal: Deal, result: GradeResult, today: dt.date) -> Deal:
    """The deal carrying the computed grade (never touching the manual one)."""
    computed = changed_grade(deal.computed_grade, result.grade, result.score, result.computed_rule.id, today)
    return deal if computed is None else deal.model_copy(update={"computed_grade": computed})


def changed_grade(previous: ComputedGrade | None, grade: GradeId, score: float | None, rule_id: str,
                  today: dt.date) -> ComputedGrade | None:
    """The computed grade to save, or None when grade, score and rule are the ones saved: `on` is the
    day they last changed, so regrading an unchanged deal writes nothing."""
    if previous and (previous.grade, previous.score, previous.rule) == (grade, score, rule_id):
        return None
    return ComputedGrade(grade=grade, score=score, rule=rule_id, on=today)
