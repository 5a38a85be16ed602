"""The call script and the after-call plan as results: Pydantic models the renderers print."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from dealcoach.coaching.objections import ObjectionAhead
from dealcoach.deals.models import Meeting


class RepInfo(BaseModel):
    name: str | None = None
    company: str | None = None
    offer: str | None = None
    phone: str | None = None


class ContactInfo(BaseModel):
    name: str | None
    title: str | None = None
    phone: str | None = None
    level: str | None = None
    roles: list[str] = []
    role_names: list[str] = []
    met: bool = False
    on_deal: bool = False


class AudienceRef(BaseModel):
    id: str
    name: str
    approach: str
    source: str


class StageRef(BaseModel):
    id: str
    name: str
    note: str | None = None
    confidence: str = "confirmed"
    caveat: str | None = None  # the stage, or some of its requirements, are not stated in the source


class CheckItem(BaseModel):
    """One fact of the pre-call check: known (with its value) or missing (with where to find it)."""

    id: str
    fact: str
    text: str
    known: bool
    value: str | None = None
    where: str


class Purpose(BaseModel):
    id: str
    text: str
    detail: str | None = None


class CommitmentsOut(BaseModel):
    aim: str
    minimum: str


class PainProbe(BaseModel):
    """A pain to probe. `source`: said (this contact told us: the script may say "last time you
    mentioned"), confirmed (by a colleague, or on the deal), noted, likely (common in the industry);
    `said_by`: the colleagues who told us, for the rep's eyes only."""

    text: str
    source: Literal["said", "confirmed", "noted", "likely"]
    said_by: list[str] = []
    since: str | None = None
    tried: str | None = None
    questions: list[str]


class Attendee(BaseModel):
    name: str
    title: str | None = None
    why: str


class MeetingProposal(BaseModel):
    time: str
    slots: list[str]
    place: str
    attendees: list[Attendee]
    ask_for: list[str]
    topics: list[str]
    we_prepare: list[str]
    they_prepare: list[str]


class AnswerOut(BaseModel):
    id: str
    label: str
    then: str  # next-step, or the call's outcome


class CheckOut(BaseModel):
    """A question the rep answers during the live call, with the answers that fit it."""

    ask: str
    answers: list[AnswerOut]


class CallStep(BaseModel):
    id: str
    name: str
    goal: str
    lines: list[str]
    questions: list[str]
    avoid: list[str]
    move_on_when: str
    check: CheckOut
    pains: list[PainProbe] = []
    meeting: MeetingProposal | None = None


class ObjectionOut(BaseModel):
    id: str
    says: str
    response: str
    evidence: str | None = None


class ObjectionGroup(BaseModel):
    id: str
    name: str
    objections: list[ObjectionOut]
    source: str


class VisitPlan(BaseModel):
    customer_expects: str
    purposes: list[Purpose]
    bring: list[str]
    ask_for: list[str]
    people: list[Attendee]


class CallScript(BaseModel):
    deal: str | None
    deal_id: int | None = None
    cold: bool = False
    account: str | None
    industry: str | None
    playbook: str
    stage: StageRef
    rep: RepInfo
    contact: ContactInfo
    audience: AudienceRef | None
    pre_call: list[CheckItem]
    heard: list[str] = []  # the problems the contact confirmed on this call: step 3 builds on them
    reach: CheckOut
    planning: str
    purposes: list[Purpose]
    commitments: CommitmentsOut | None
    steps: list[CallStep]
    objections: list[ObjectionGroup]
    objection_advice: list[str]
    visit: VisitPlan | None
    source: str
    # before the meeting where we are absent: the contact's and the weightiest person's objection
    objections_ahead: list[ObjectionAhead] = []

    def step(self, step_id: str) -> CallStep:
        return next(s for s in self.steps if s.id == step_id)

    def pain_texts(self) -> list[str]:
        return [probe.text for probe in self.step("pain").pains] if any(s.id == "pain" for s in self.steps) else []


class AfterCallPlan(BaseModel):
    """What to do next, printed when a call is recorded: the visit plan when a meeting was booked,
    else the advice for this outcome and a few follow-up pretexts (seed 003)."""

    deal: str
    outcome: str
    outcome_name: str
    contact: str | None
    advice: str | None
    confirmed_pains: list[str]
    done: list[str]
    meeting: Meeting | None
    visit: VisitPlan | None
    pretexts: list[str]
