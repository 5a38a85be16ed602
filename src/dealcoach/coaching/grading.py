"""Grade prospects A/B/C/D, explain why, and say how often to follow up. Pure functions; no terminal.

Every number comes from the playbook's `grading:` section (a team changes them in its own playbook):

1. Assessment (seeds 001, 002). Each factor is scored on its own scale. The score is the weighted
   share of the maximum over the factors that were scored (0-100); unscored factors are listed as
   missing, not counted as zero. A factor below its `knockout_below` fails the assessment whatever
   the total; otherwise it passes when the share reaches `pass_score`. No factor scored: "not
   assessed", and the grade comes from the table alone.
2. Opportunity analysis (seed 000), when a deal has one and its playbook defines it:
   - the six kinds of information are scored 0-3 for how well we know them; an assessment factor
     with the same id (the eight-step playbook has them) takes that score when the rep has not
     scored it directly;
   - each competitor is compared on the playbook's dimensions (-2 they are much stronger .. +2 we
     are); our head-to-head share against a competitor is (sum + 2n) / 4n over its n dimensions,
     and the chance to win against the whole field is 1 / (1 + sum over competitors of
     (1 - share) / share) (on a par with two competitors: 1/3);
   - a factor `competitive-position` (0-3), when unscored, takes our standing against the
     strongest competitor; the profit room comes from a scored `profit-room` factor, else from
     whether we lead on value (every dimension but `price`) or only on price;
   - the win probability used for the grade is the mean of the rep's probability and the chance
     to win (either one alone when the other is missing), so a rep's optimism and the analysis
     temper each other and a higher probability still never gives a worse grade.
3. Table. The expected close in days from today picks the first close window whose `max_days` is
   not exceeded (no date: the open-ended window; a date already past counts as the first window and
   is flagged to be updated). The probability picks the first band whose `min` it reaches (none
   given: the lowest band). The table cell gives the grade.
4. Cap. A failed assessment makes the grade no better than `fail_caps_grade_at`; a failed knock-out
   never leaves an A, even if a playbook's cap would allow one.
5. Manual. A grade the rep set is kept beside the computed one and never replaced; while it is set
   it decides the action and the follow-up cadence, and the rule says so.

Follow-up: the cadence, next touch, contact and pretext are coaching/cadence.py's rules, the same
ones `dealcoach followup` and file grading use.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dealcoach.coaching.cadence import cadence_days, file_pretext_index, next_touch, touch_of
from dealcoach.deals.models import ComputedGrade, Deal, OpportunityAnswers
from dealcoach.errors import PlaybookError
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import GRADE_ORDER, Assessment, GradeId, Grading, OpportunityAnalysis, Playbook

GRADES = GRADE_ORDER
COMPETITIVE_POSITION = "competitive-position"
PROFIT_ROOM = "profit-room"
PRICE_DIMENSION = "price"
PROFIT_LEVELS = ("none", "thin", "reasonable", "healthy")


def rank(grade: str) -> int:
    """0 for A (best) .. 3 for D."""
    return GRADES.index(grade)  # type: ignore[arg-type]


def worse(first: GradeId, second: GradeId) -> GradeId:
    return first if rank(first) >= rank(second) else second


# --- results ---------------------------------------------------------------------------------


class _Result(BaseModel):
    # built on first use: a big file exported with -o never needs these, so it never pays for them
    model_config = ConfigDict(defer_build=True)



class RuleRef(_Result):
    """What decided a grade: a readable id (`cell:WINDOW/BAND`, `cap:knockout`, `cap:assessment`,
    `manual`) and the same in words."""

    id: str
    text: str


class FactorResult(_Result):
    id: str
    name: str
    score: int | None
    max: int
    weight: float
    level: str | None = None
    knockout_below: int | None = None
    knocked_out: bool = False
    source: Literal["rep", "opportunity", "missing"] = "rep"


class AssessmentResult(_Result):
    status: Literal["pass", "fail", "not-assessed"]
    score: float | None = None
    pass_score: float
    knocked_out: list[str] = []
    missing: list[str] = []
    factors: list[FactorResult] = []
    advice: str | None = None


class InformationResult(_Result):
    id: str
    name: str
    score: int | None
    max: int = 3


class CompetitorResult(_Result):
    competitor: str
    margin: int
    dimensions: int
    head_to_head: float
    ahead: list[str] = []
    behind: list[str] = []


class OpportunityResult(_Result):
    information_score: float | None = None
    information: list[InformationResult] = []
    gaps: list[str] = []
    competitors: list[CompetitorResult] = []
    chance_to_win: float | None = None
    competitive_position: int | None = None
    profit_room: Literal["healthy", "reasonable", "thin", "none", "unknown"] = "unknown"
    profit_room_text: str = ""
    breakthrough_points: list[str] = []


class Pretext(_Result):
    id: str
    text: str
    detail: str | None = None


class Prospect(_Result):
    """What grading needs to know about one prospect: a row of a file or a stored deal."""

    name: str
    account: str | None = None
    deal_id: int | None = None
    source: str | None = None
    row: int | None = None
    amount: float | None = None
    currency: str | None = None
    expected_close: dt.date | None = None
    probability: float | None = None
    last_activity: dt.date | None = None
    assessment: dict[str, int] = {}
    opportunity: OpportunityAnswers | None = None
    manual_grade: GradeId | None = None
    manual_reason: str | None = None
    touches_known: bool = False  # True for a stored deal: no logged activity means never contacted
    pretext_id: str | None = None  # the pretext the caller chose (a stored deal rotates by its activity log)


class GradeResult(_Result):
    name: str
    account: str | None = None
    deal_id: int | None = None
    source: str | None = None
    row: int | None = None
    grade: GradeId
    manual_grade: GradeId | None = None
    manual_reason: str | None = None
    final_grade: GradeId
    score: float | None = None
    rule: RuleRef
    computed_rule: RuleRef
    reasons: list[str]
    expected_close: dt.date | None = None
    days_to_close: int | None = None
    close_window: str
    probability: float | None = None
    probability_used: float | None = None
    probability_band: str
    amount: float | None = None
    currency: str | None = None
    action: str
    meaning: str
    cadence_days: int
    next_follow_up: dt.date
    pretext: Pretext | None = None
    assessment: AssessmentResult
    opportunity: OpportunityResult | None = None


# --- the playbook's grading data -------------------------------------------------------------


def grading_of(playbook: Playbook) -> Grading:
    """The playbook's grading section, refused if missing or if its table is not monotone."""
    if playbook.grading is None:
        raise PlaybookError(f"playbook {playbook.id} has no grading section; use --playbook six-step or eight-step")
    from dealcoach.playbook.checks import grading_table_problems

    problems = [f"{'.'.join(path)}: {text}" for path, text in grading_table_problems(playbook.grading)]
    if problems:
        raise PlaybookError(f"playbook {playbook.id}: {problems[0]}", details=problems)
    return playbook.grading


def window_index(grading: Grading, days: int | None) -> int:
    """The close window for a close `days` from today (None: unknown)."""
    windows = grading.close_windows
    open_ended = next((i for i, w in enumerate(windows) if w.max_days is None), len(windows) - 1)
    if days is None:
        return open_ended
    for index, window in enumerate(windows):
        if window.max_days is not None and days <= window.max_days:
            return index
    return open_ended


def band_index(grading: Grading, probability: float | None) -> int:
    """The probability band (None or below every band: the lowest)."""
    bands = grading.probability_bands
    if probability is not None:
        for index, band in enumerate(bands):
            if probability >= band.min:
                return index
    return len(bands) - 1


def cell(grading: Grading, w_index: int, b_index: int) -> GradeId:
    return grading.table[grading.close_windows[w_index].id][b_index]


def cell_rule(grading: Grading, w_index: int, b_index: int, lang: Lang) -> RuleRef:
    window, band = grading.close_windows[w_index], grading.probability_bands[b_index]
    grade = cell(grading, w_index, b_index)
    return RuleRef(id=f"cell:{window.id}/{band.id}",
                   text=message("grade.rule_cell", lang, window=window.name.get(lang), band=band.name.get(lang),
                                grade=grade))


def cap_grade(grading: Grading, knocked_out: bool) -> GradeId:
    """The best grade a failed assessment allows; a knock-out never allows A."""
    cap = grading.assessment.fail_caps_grade_at
    return worse(cap, "B") if knocked_out else cap


def cap_rule(grading: Grading, knocked_out: bool, lang: Lang) -> RuleRef:
    cap = cap_grade(grading, knocked_out)
    if knocked_out:
        return RuleRef(id="cap:knockout", text=message("grade.rule_cap_knockout", lang, grade=cap))
    return RuleRef(id="cap:assessment", text=message("grade.rule_cap_score", lang, grade=cap))


def manual_rule(grade: GradeId, lang: Lang) -> RuleRef:
    return RuleRef(id="manual", text=message("grade.rule_manual", lang, grade=grade))


def definition(grading: Grading, grade: GradeId):
    return next(g for g in grading.grades if g.id == grade)


def pretext_index(grading: Grading, name: str, today: dt.date, cadence: int) -> int | None:
    """A file row's pretext (coaching/cadence.py's rule)."""
    count = len(grading.follow_up_pretexts)
    return file_pretext_index(len(name), today, cadence, count) if count else None


# --- assessment ------------------------------------------------------------------------------


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


# --- opportunity analysis (seed 000) ---------------------------------------------------------


def analyse_opportunity(answers: OpportunityAnswers, analysis: OpportunityAnalysis, lang: Lang,
                        profit_room_score: int | None = None) -> OpportunityResult:
    """Score the information collected, compare with each competitor, and say where to break through."""
    info_names = {item.id: item.text.get(lang) for item in analysis.information}
    dim_names = {item.id: item.text.get(lang).split("：")[0].split(",")[0] for item in analysis.comparison_dimensions}
    information = [InformationResult(id=i, name=n, score=answers.information.get(i)) for i, n in info_names.items()]
    known = [i.score for i in information if i.score is not None]
    info_score = round(sum(known) / (3 * len(information)) * 100, 1) if known else None
    gaps = [i.id for i in information if i.score is None or i.score <= 1]

    competitors = []
    for comparison in answers.comparisons:
        scores = {d: s for d, s in comparison.scores.items() if d in dim_names}
        if not scores:
            continue
        margin = sum(scores.values())
        share = (margin + 2 * len(scores)) / (4 * len(scores))
        competitors.append(CompetitorResult(
            competitor=comparison.competitor, margin=margin, dimensions=len(scores),
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


# --- the grade -------------------------------------------------------------------------------


def grade_prospect(prospect: Prospect, grading: Grading, today: dt.date, lang: Lang,
                   analysis: OpportunityAnalysis | None = None) -> GradeResult:
    """The full grade of one prospect, with every reason, the action and the next follow-up."""
    reasons: list[str] = []
    opportunity = None
    from_opportunity: dict[str, int] = {}
    if prospect.opportunity is not None and analysis is not None:
        opportunity = analyse_opportunity(prospect.opportunity, analysis, lang,
                                          profit_room_score=prospect.assessment.get(PROFIT_ROOM))
        factor_ids = {f.id for f in grading.assessment.factors}
        from_opportunity = {k: v for k, v in prospect.opportunity.information.items() if k in factor_ids}
        if opportunity.competitive_position is not None and COMPETITIVE_POSITION in factor_ids:
            from_opportunity[COMPETITIVE_POSITION] = opportunity.competitive_position
    elif prospect.opportunity is not None:
        reasons.append(message("grade.reason_no_analysis", lang))

    assessment = assess(prospect.assessment, grading.assessment, lang, from_opportunity)

    days = (prospect.expected_close - today).days if prospect.expected_close else None
    w_index = window_index(grading, days)
    window = grading.close_windows[w_index]
    if days is None:
        reasons.append(message("grade.reason_no_close", lang, window=window.name.get(lang)))
    elif days < 0:
        reasons.append(message("grade.reason_overdue", lang, date=prospect.expected_close, days=-days,
                               window=window.name.get(lang)))
    else:
        reasons.append(message("grade.reason_close", lang, date=prospect.expected_close, days=days,
                               window=window.name.get(lang)))

    used = prospect.probability
    chance = opportunity.chance_to_win if opportunity else None
    if chance is not None:
        used = chance if used is None else round((used + chance) / 2, 4)
    b_index = band_index(grading, used)
    band = grading.probability_bands[b_index]
    if used is None:
        reasons.append(message("grade.reason_no_probability", lang, band=band.name.get(lang)))
    elif chance is not None and prospect.probability is not None:
        reasons.append(message("grade.reason_probability_mixed", lang, yours=_pct(prospect.probability),
                               chance=_pct(chance), used=_pct(used), band=band.name.get(lang)))
    elif chance is not None:
        reasons.append(message("grade.reason_probability_chance", lang, chance=_pct(chance),
                               band=band.name.get(lang)))
    else:
        reasons.append(message("grade.reason_probability", lang, probability=_pct(used), band=band.name.get(lang)))

    grade = cell(grading, w_index, b_index)
    rule = cell_rule(grading, w_index, b_index, lang)
    reasons.append(rule.text)

    if assessment.status == "not-assessed":
        reasons.append(message("grade.reason_not_assessed", lang))
    elif assessment.status == "pass":
        reasons.append(message("grade.reason_pass", lang, score=assessment.score, pass_score=assessment.pass_score))
    else:
        knocked = bool(assessment.knocked_out)
        names = "、".join(f.name for f in assessment.factors if f.knocked_out)
        if knocked:
            reasons.append(message("grade.reason_knockout", lang, factors=names, score=assessment.score))
        else:
            reasons.append(message("grade.reason_fail", lang, score=assessment.score,
                                   pass_score=assessment.pass_score))
        capped = worse(grade, cap_grade(grading, knocked))
        if capped != grade:
            grade, rule = capped, cap_rule(grading, knocked, lang)
            reasons.append(rule.text)
        reasons.append(assessment.advice or "")
    if assessment.missing and assessment.status != "not-assessed":
        reasons.append(message("grade.reason_missing", lang, factors=", ".join(assessment.missing)))

    final, fired = grade, rule
    if prospect.manual_grade is not None:
        final, fired = prospect.manual_grade, manual_rule(prospect.manual_grade, lang)
        reasons.append(message("grade.reason_manual", lang, manual=prospect.manual_grade, grade=grade,
                               reason=prospect.manual_reason or "-"))

    chosen = definition(grading, final)
    cadence = cadence_days(grading, final)
    pretext = None
    index = pretext_index(grading, prospect.name, today, cadence)
    if prospect.pretext_id is not None:
        index = next((i for i, p in enumerate(grading.follow_up_pretexts) if p.id == prospect.pretext_id), index)
    if index is not None:
        item = grading.follow_up_pretexts[index]
        pretext = Pretext(id=item.id, text=item.text.get(lang), detail=item.detail.get(lang) if item.detail else None)
    return GradeResult(
        name=prospect.name, account=prospect.account, deal_id=prospect.deal_id, source=prospect.source,
        row=prospect.row, grade=grade, manual_grade=prospect.manual_grade, manual_reason=prospect.manual_reason,
        final_grade=final, score=assessment.score, rule=fired, computed_rule=rule,
        reasons=[r for r in reasons if r], expected_close=prospect.expected_close, days_to_close=days,
        close_window=window.id, probability=prospect.probability, probability_used=used,
        probability_band=band.id, amount=prospect.amount, currency=prospect.currency,
        action=chosen.action.get(lang), meaning=chosen.meaning.get(lang), cadence_days=cadence,
        next_follow_up=next_touch(cadence, today, prospect.last_activity, prospect.touches_known),
        pretext=pretext,
        assessment=assessment, opportunity=opportunity)


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%"


def sort_key(result: GradeResult) -> tuple:
    """Best first: grade, then score (higher first), then close date (sooner first), then probability."""
    far = dt.date.max
    return (rank(result.final_grade), -(result.score if result.score is not None else -1.0),
            result.expected_close or far, -(result.probability_used if result.probability_used is not None else -1.0),
            result.name)


# --- stored deals ----------------------------------------------------------------------------


def prospect_of(deal: Deal, playbook: Playbook | None = None) -> Prospect:
    """A stored deal as a prospect. Its last touch and next pretext are coaching/cadence.py's, the
    ones `dealcoach followup` uses, so the two commands never disagree."""
    touch = touch_of(deal, playbook.grading if playbook is not None else None)
    return Prospect(name=deal.name, account=deal.account, deal_id=deal.id, amount=deal.amount, currency=deal.currency,
                    expected_close=deal.expected_close, probability=deal.probability,
                    assessment=dict(deal.assessment), opportunity=deal.opportunity,
                    manual_grade=deal.manual_grade, manual_reason=deal.manual_grade_reason,
                    last_activity=touch.last_touch, touches_known=True, pretext_id=touch.pretext_id)


def grade_deal(deal: Deal, playbook: Playbook, today: dt.date, lang: Lang) -> GradeResult:
    return grade_prospect(prospect_of(deal, playbook), grading_of(playbook), today, lang,
                          playbook.opportunity_analysis)


def with_computed_grade(deal: Deal, result: GradeResult, today: dt.date) -> Deal:
    """The deal carrying the computed grade (never touching the manual one). `on` is the day the
    grade, score or rule last changed, so regrading an unchanged deal writes nothing."""
    previous = deal.computed_grade
    if previous and (previous.grade, previous.score, previous.rule) == (result.grade, result.score,
                                                                         result.computed_rule.id):
        return deal
    computed = ComputedGrade(grade=result.grade, score=result.score, rule=result.computed_rule.id, on=today)
    return deal.model_copy(update={"computed_grade": computed})
