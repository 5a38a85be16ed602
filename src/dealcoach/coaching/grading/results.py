"""What grading returns: result models that renderers turn into tables, panels and JSON."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dealcoach.coaching.position import BreakthroughPoint
from dealcoach.deals.models import OpportunityAnswers
from dealcoach.playbook.models import GradeId, MilestoneTiming


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
    # seed 000's profit room and breakthrough points: coaching/position.py's, the ones `stage` shows
    profit_room_text: str = ""
    profit_known: bool = False
    breakthrough: list[BreakthroughPoint] = []


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
    budget: float | None = None
    our_cost: float | None = None
    breakthrough: list[BreakthroughPoint] = []  # a stored deal's people of the decision process not yet won
    touches_known: bool = False  # True for a stored deal: no logged activity means never contacted
    pretext_id: str | None = None  # the pretext the caller chose (a stored deal rotates by its activity log)
    # a stored deal near its next key milestone (前紧后松, coaching/cadence.py): where it stands, and the
    # playbook's timing; a file row has none
    milestone_phase: Literal["before", "after"] | None = None
    milestone_on: dt.date | None = None
    milestone_timing: MilestoneTiming | None = None


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
