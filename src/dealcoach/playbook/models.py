"""The playbook as data: Pydantic models of the methodology (seeds 000-004).

Every model forbids unknown keys, so a typo in a playbook fails loudly. Every text a user reads is a
`Text` with Chinese and English. Cross-references (ids, the step<->stage mapping, roles) are checked
by `validate_playbook` in loader.py, after the models have parsed.
"""



from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dealcoach.i18n import Lang, pick

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Confidence = Literal["confirmed", "supported", "inferred"]
Severity = Literal["high", "medium", "low"]
Attitude = Literal["supporter", "neutral", "opponent", "unknown"]
Influence = Literal["high", "medium", "low", "unknown"]
Contact = Literal["none", "brief", "regular", "deep"]
Level = Literal["senior", "middle", "staff"]
GradeId = Literal["A", "B", "C", "D"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Text(Strict):
    """A text in Chinese (zh) and English (en); zh-Hant is converted from zh."""

    zh: NonEmpty
    en: NonEmpty

    def get(self, lang: Lang) -> str:
        return pick(self.zh, self.en, lang)


class Item(Strict):
    """A named piece of text with a stable id (a purpose, a piece of information, a signal)."""

    id: Id
    text: Text
    detail: Text | None = None


# --- customer side ---------------------------------------------------------------------------


class CustomerStep(Strict):
    id: Id
    name: Text
    what_happens: Text
    start_condition: Text
    end_marker: Text
    signals: list[Item] = Field(min_length=1)
    confidence: Confidence
    source: NonEmpty


# --- sales side ------------------------------------------------------------------------------


class WorkItem(Strict):
    id: Id
    text: Text
    how_to: Text


class KeyMilestone(Strict):
    """The 关键节点: the event that must happen before the deal may move to the next stage."""

    id: Id
    text: Text
    verify: Text


class ExitCriterion(Strict):
    """One of the 完成标准 of a stage."""

    id: Id
    text: Text
    verify: Text | None = None


class ToolField(Strict):
    id: Id
    label: Text
    hint: Text | None = None


class HelperTool(Strict):
    """A 辅助工具, e.g. the visit summary form, as a list of fields to fill."""

    id: Id
    name: Text
    purpose: Text | None = None
    fields: list[ToolField] = Field(min_length=1)


class WorkedCase(Strict):
    id: Id
    title: Text
    situation: Text
    analysis: Text
    lesson: Text | None = None
    source: NonEmpty


class Advice(Strict):
    id: Id
    text: Text
    when: Text | None = None
    source: NonEmpty | None = None


class RoleFocus(Strict):
    """A buying role that matters in a stage, and why (issue: people coaching)."""

    role: Id
    why: Text
    action: Text


class Stage(Strict):
    id: Id
    customer_step: Id
    name: Text
    goal: Text
    work_items: list[WorkItem] = Field(min_length=1)
    key_milestone: KeyMilestone
    exit_criteria: list[ExitCriterion] = []
    success_questions: list[Text] = []
    information_to_collect: list[Item] = []
    tools: list[HelperTool] = []
    cases: list[WorkedCase] = []
    advice: list[Advice] = []
    key_roles: list[RoleFocus] = []
    confidence: Confidence
    source: NonEmpty

    def gate_ids(self) -> list[str]:
        """What must be done to leave this stage: the key milestone and every exit criterion."""
        return [self.key_milestone.id, *(c.id for c in self.exit_criteria)]


# --- phone invitation and visit (seed 000) ---------------------------------------------------

# The only placeholders a script line may use; the loader rejects any other bare `{name}`, and
# textfill prints anything else (`{a.b}`, `{{ x }}`) literally.
SCRIPT_PLACEHOLDERS = frozenset({"rep_name", "rep_company", "offer", "rep_phone", "contact_name", "contact_title",
                                 "account", "pain", "industry"})
SCRIPT_STEP_IDS = ("rapport", "pain", "meeting")
# What a pre-call check looks at on the deal (or the cold-call flags, or the rep's profile).
PreCallFact = Literal["industry", "account", "contact-name", "contact-title", "contact-role", "likely-need",
                      "rep-profile"]
# Seed 003, 疑问与异议的预测: the eight causes an objection comes from.
ObjectionCauseId = Literal["our-side", "customer", "price", "product", "need", "timing", "competition",
                           "third-party"]
CallOutcome = Literal["no-answer", "connected", "refused", "call-back", "meeting-booked"]


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


class IndustryPains(Strict):
    id: Id
    name: Text
    match: list[NonEmpty] = Field(min_length=1, description="words looked for in the deal's industry")
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


# --- opportunity analysis (seed 000, step 2) -------------------------------------------------


class OpportunityAnalysis(Strict):
    purpose: Text
    information: list[Item] = Field(min_length=1)
    method: list[Text] = Field(min_length=1)
    comparison_dimensions: list[Item] = Field(min_length=1)
    case: Id | None = None
    source: NonEmpty


# --- grading (seeds 001, 002, 003) -----------------------------------------------------------


class ScaleLevel(Strict):
    score: int = Field(ge=0, le=10)
    text: Text


class AssessmentFactor(Strict):
    id: Id
    group: Literal["project", "competition", "fit"]
    name: Text
    question: Text
    weight: float = Field(gt=0)
    scale: list[ScaleLevel] = Field(min_length=2)
    knockout_below: int | None = Field(default=None, description="a score below this fails the assessment")
    source: NonEmpty


class Assessment(Strict):
    factors: list[AssessmentFactor] = Field(min_length=1)
    pass_score: float = Field(ge=0, le=1, description="weighted share of the maximum needed to pass")
    on_fail: Text
    fail_caps_grade_at: GradeId = "D"


class GradeDefinition(Strict):
    id: GradeId
    name: Text
    meaning: Text
    action: Text
    follow_up_days: int = Field(gt=0)


class CloseWindow(Strict):
    id: Id
    name: Text
    max_days: int | None = Field(default=None, ge=0, description="None: later or unknown")


class ProbabilityBand(Strict):
    id: Id
    name: Text
    min: float = Field(ge=0, le=1)


class Grading(Strict):
    grades: list[GradeDefinition] = Field(min_length=4, max_length=4)
    close_windows: list[CloseWindow] = Field(min_length=1)
    probability_bands: list[ProbabilityBand] = Field(min_length=1)
    table: dict[Id, list[GradeId]]
    assessment: Assessment
    follow_up_pretexts: list[Item] = []
    reasoning: Text
    source: NonEmpty


# --- the conversion funnel (seed 003) --------------------------------------------------------


class FunnelStep(Strict):
    """One rate of seed 003's funnel, and what to work on when it is the weakest."""

    id: Literal["effective_call_rate", "appointment_rate", "meeting_success_rate", "close_rate",
                "vip_conversion_rate", "vip_loyalty_rate"]
    name: Text
    benchmark: float = Field(ge=0, le=1, description="a rate below this is weak (a team sets its own)")
    diagnosis: Text
    work_on: Text
    source: NonEmpty


# --- warning rules ---------------------------------------------------------------------------


class PersonFilter(Strict):
    """Which people on the deal a condition is about. Empty lists mean 'any'."""

    roles: list[Id] = []
    attitude: list[Attitude] = []
    influence: list[Influence] = []
    contact: list[Contact] = []
    level: list[Level] = []
    new: bool | None = None
    has_plan: bool | None = None
    linked_to: Id | None = Field(default=None, description="a boss up the reporting line has this role")
    not_linked_to: Id | None = None


class PeopleCount(Strict):
    where: PersonFilter = PersonFilter()
    n: int = Field(ge=0)


_CONDITION_KEYS = (
    "all", "any", "not_", "customer_ahead", "customer_at_or_after", "stage_at_or_after",
    "stage_before", "done", "not_done", "later_stage_work_done", "exists", "none",
    "count_at_most", "count_at_least",
)


class Condition(Strict):
    """A typed condition. Exactly one key is set; `all`/`any`/`not` combine others."""

    all: "list[Condition] | None" = None
    any: "list[Condition] | None" = None
    not_: "Condition | None" = Field(default=None, alias="not")
    customer_ahead: bool | None = None
    customer_at_or_after: Id | None = None
    stage_at_or_after: Id | None = None
    stage_before: Id | None = None
    done: Id | None = None
    not_done: Id | None = None
    later_stage_work_done: bool | None = None
    exists: PersonFilter | None = None
    none: PersonFilter | None = None
    count_at_most: PeopleCount | None = None
    count_at_least: PeopleCount | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Condition":
        set_keys = [key for key in _CONDITION_KEYS if getattr(self, key) is not None]
        if len(set_keys) != 1:
            names = ", ".join(k.rstrip("_") for k in _CONDITION_KEYS)
            raise ValueError(f"a condition needs exactly one of: {names}")
        return self

    def kind(self) -> str:
        return next(key for key in _CONDITION_KEYS if getattr(self, key) is not None)


class Rule(Strict):
    id: Id
    severity: Severity
    when: Condition
    message: Text
    action: Text | None = None
    names: list[PersonFilter] = Field(default=[], description="who {people} names in the texts (any filter)")
    source: NonEmpty


# --- the playbook ----------------------------------------------------------------------------


class Playbook(Strict):
    id: Id
    name: Text
    description: Text
    source: NonEmpty
    version: NonEmpty
    roles: Id = "roles"
    customer_steps: list[CustomerStep] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    rules: list[Rule] = []
    grading: Grading | None = None
    opportunity_analysis: OpportunityAnalysis | None = None
    phone_invitation: PhoneInvitation | None = None
    visit: Visit | None = None
    cases: list[WorkedCase] = []
    funnel: list[FunnelStep] = []

    def pair_confidence(self, stage: Stage) -> str:
        """The weaker confidence of a stage and the customer step it maps to."""
        step = next(s for s in self.customer_steps if s.id == stage.customer_step)
        order = ["inferred", "supported", "confirmed"]
        return min(stage.confidence, step.confidence, key=order.index)

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def stage_index(self, stage_id: str) -> int:
        return next(i for i, s in enumerate(self.stages) if s.id == stage_id)

    def step_index(self, step_id: str) -> int:
        return next(i for i, s in enumerate(self.customer_steps) if s.id == step_id)

    def checkable_ids(self) -> dict[str, str]:
        """Every id a rep can mark done (work items, key milestones, exit criteria) -> its stage."""
        owner: dict[str, str] = {}
        for stage in self.stages:
            for item_id in [w.id for w in stage.work_items] + stage.gate_ids():
                owner[item_id] = stage.id
        return owner


# --- the shared role catalog (playbooks/roles.yaml) ------------------------------------------


class RoleModel(Strict):
    id: Id
    name: Text
    source: NonEmpty


class Role(Strict):
    id: Id
    model: Id
    name: Text
    traits: list[Text] = Field(min_length=1)
    strategies: list[Text] = []
    department: Id | None = None


class Equivalence(Strict):
    """Roles of different models that mean the same thing to a rule (e.g. the decision maker)."""

    id: Id
    name: Text
    roles: list[Id] = Field(min_length=2)


class Department(Strict):
    id: Id
    name: Text
    traits: list[Text] = Field(min_length=1)
    needs: list[Text] = Field(min_length=1)
    how_to_talk: list[Text] = Field(min_length=1)
    source: NonEmpty


class Principle(Strict):
    id: Id
    name: Text
    text: Text
    source: NonEmpty


class Driver(Strict):
    id: Id
    name: Text
    text: Text
    questions: list[Text] = Field(min_length=1)
    source: NonEmpty


class Circle(Strict):
    id: Literal["inner", "edge", "outer"]
    name: Text
    text: Text


class PersonalNeed(Strict):
    id: Literal["safety", "belonging", "esteem", "self-actualisation"]
    name: Text
    traits: list[Text] = Field(min_length=1)
    how_to_help: Text


class RoleCatalog(Strict):
    id: Id
    name: Text
    source: NonEmpty
    version: NonEmpty
    models: list[RoleModel] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    equivalences: list[Equivalence] = []
    departments: list[Department] = []
    principles: list[Principle] = []
    drivers: list[Driver] = []
    circles: list[Circle] = []
    personal_needs: list[PersonalNeed] = []

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def equivalent(self, role_id: str) -> set[str]:
        """The role and every role equivalent to it in another model."""
        found = {role_id}
        for group in self.equivalences:
            if role_id in group.roles or role_id == group.id:
                found.update(group.roles)
        return found
