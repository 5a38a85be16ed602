"""`phone_invitation:` and `visit:`: the call script's data and the visit a call books (seed 000)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from dealcoach.playbook.schema.common import Id, Item, Level, NonEmpty, Strict, Text
from dealcoach.playbook.schema.industries import IndustryWords


# The only placeholders a script line may use; the loader rejects any other bare `{name}`, and
# textfill prints anything else (`{a.b}`, `{{ x }}`) literally.
# `{pain}` is one problem (the one a line is about); `{pains}` the problems the contact just told us
# of (or, before they have, what they said before, else the likeliest one), joined as the language
# writes a list: 效率低、成本高 / low efficiency and high costs.
SCRIPT_PLACEHOLDERS = frozenset({"rep_name", "rep_company", "offer", "rep_phone", "contact_name", "contact_title",
                                 "account", "pain", "pains", "industry"})
SCRIPT_STEP_IDS = ("rapport", "pain", "meeting")
# What a pre-call check looks at on the deal (or the cold-call flags, or the rep's profile).
PreCallFact = Literal["industry", "account", "contact-name", "contact-title", "contact-role", "likely-need",
                      "rep-profile"]
# Seed 003, 疑问与异议的预测: the eight causes an objection comes from.
ObjectionCauseId = Literal["our-side", "customer", "price", "product", "need", "timing", "competition",
                           "third-party"]
CallOutcome = Literal["no-answer", "connected", "refused", "call-back", "meeting-booked"]
# What an answer to a question of the live call leads to: the next step, or the call ends with an outcome.
AnswerLeadsTo = Literal["next-step", "no-answer", "connected", "refused", "call-back", "meeting-booked"]
NEXT_STEP = "next-step"


class CallAnswer(Strict):
    """One answer the rep can give to a question of the live call, and what it leads to."""

    id: Id
    label: Text
    then: AnswerLeadsTo


class CallQuestion(Strict):
    """A question the rep answers during the live call: whether the call got through (`reach`), or
    how a step went (a step's `check`). Its answers must fit it; `playbook/checks.py` says how."""

    ask: Text
    answers: list[CallAnswer] = Field(min_length=2)


class ScriptStep(Strict):
    """One step of the phone invitation: rapport, pain, meeting."""

    id: Id
    name: Text
    goal: Text
    say: list[Text] = Field(min_length=1)
    say_returning: list[Text] = Field(default=[], description="said instead of `say` to a contact we have met")
    questions: list[Text] = []
    avoid: list[Text] = []
    move_on_when: Text
    check: CallQuestion = Field(description="asked after the step in the live call: how it went")


class PreCallCheck(Strict):
    """A fact to have before dialling (客户规划), and where to find it when it is missing."""

    id: Id
    fact: PreCallFact
    text: Text
    where: Text


class Commitments(Strict):
    """The commitment a call aims for, and the least it may end with."""

    aim: Text
    minimum: Text


class PainQuestion(Strict):
    """A question asked about each pain (`{pain}`): is it troubling you, since when, what was tried..."""

    id: Id
    ask: Text
    confirmed: Text | None = Field(default=None, description="asked instead when the pain is already confirmed")
    skip_if_known: Literal["since", "tried"] | None = None


class StepAdaptation(Strict):
    """How one step changes for an audience: its own lines, extra questions, extra don'ts."""

    step: Id
    say: list[Text] = Field(default=[], description="replaces the step's lines when given")
    questions: list[Text] = []
    avoid: list[Text] = []


class Audience(Strict):
    """A script variant by who is called: matched by role (with equivalents), then by level."""

    id: Id
    name: Text
    roles: list[Id] = []
    levels: list[Level] = []
    approach: Text
    max_pains: int | None = Field(default=None, ge=1)
    pain_questions: list[PainQuestion] = Field(default=[], description="replace the general ones when given")
    steps: list[StepAdaptation] = []
    topics: list[Text] = []
    we_prepare: list[Text] = []
    commitments: Commitments | None = None
    objection_focus: list[ObjectionCauseId] = []
    source: NonEmpty


class StageAdaptation(Strict):
    """What the call is for at these sales stages, and the meeting topics that fit them."""

    stages: list[Id] = Field(min_length=1)
    note: Text
    topics: list[Text] = []


class IndustryPains(IndustryWords):
    id: Id
    name: Text
    pains: list[Text] = Field(min_length=1)


class LikelyPains(Strict):
    industries: list[IndustryPains] = []
    generic: list[Text] = Field(min_length=1)
    source: NonEmpty


class MeetingSlot(Strict):
    """A time to offer, in the week after the call: 1 = Monday .. 7 = Sunday."""

    weekday: int = Field(ge=1, le=7)
    time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class MeetingPlan(Strict):
    time: Text
    slots: list[MeetingSlot] = []
    place: Text
    pain_topic: Text
    topics: list[Text] = []
    we_prepare: list[Text] = []
    they_prepare: list[Text] = []


class Objection(Strict):
    id: Id
    says: Text
    response: Text
    evidence: Text | None = None


class ObjectionCause(Strict):
    id: ObjectionCauseId
    name: Text
    objections: list[Objection] = Field(min_length=1)
    source: NonEmpty


class AfterCall(Strict):
    outcome: CallOutcome
    advice: Text


class PhoneInvitation(Strict):
    planning: Text
    planning_purposes: list[Item] = Field(min_length=1)
    purposes: list[Item] = Field(min_length=1)
    reach: CallQuestion = Field(description="asked first in the live call: did the call get through?")
    steps: list[ScriptStep] = Field(min_length=1)
    pre_call: list[PreCallCheck] = []
    commitments: Commitments | None = None
    pain_questions: list[PainQuestion] = []
    max_pains: int = Field(default=3, ge=1)
    meeting: MeetingPlan | None = None
    audiences: list[Audience] = []
    stages: list[StageAdaptation] = []
    likely_pains: LikelyPains | None = None
    objections: list[ObjectionCause] = []
    objection_advice: list[Text] = []
    after_call: list[AfterCall] = []
    on_meeting_booked: list[Id] = Field(default=[], description="items marked done when a call books the meeting")
    source: NonEmpty


class Visit(Strict):
    customer_expects: Text
    purposes: list[Item] = Field(min_length=1)
    bring: list[Text] = []
    ask_for: list[Text] = []
    source: NonEmpty
