"""`rules:`: warning rules and the typed condition language (interpreted only by coaching/rules.py)."""

from functools import cached_property

from pydantic import Field, model_validator

from dealcoach.playbook.schema.common import (
    ActivityKind,
    ActivityOutcome,
    Attitude,
    BossTrust,
    CircleId,
    Confidence,
    Contact,
    CriteriaFavour,
    CriteriaState,
    DealFact,
    DecisionCulture,
    FollowsBoss,
    Id,
    Influence,
    InsiderMotive,
    LeadershipStyle,
    Level,
    NonEmpty,
    PersonalNeedId,
    Severity,
    Strict,
    Strength,
    Text,
)


class PersonFilter(Strict):
    """Which people on the deal a condition is about. Empty lists mean 'any'."""

    roles: list[Id] = []
    attitude: list[Attitude] = []
    influence: list[Influence] = []
    contact: list[Contact] = []
    level: list[Level] = []
    level_recorded: bool | None = None
    roles_recorded: bool | None = Field(default=None, description="any buying role is recorded for them")
    new: bool | None = None
    has_plan: bool | None = None
    reports_to: "PersonFilter | None" = Field(default=None, description="their direct boss matches this")
    linked_to: Id | None = Field(default=None, description="a boss up the reporting line has this role")
    not_linked_to: Id | None = None
    # politics and needs (coaching/rules.py `matches`)
    circle: list[CircleId] = []
    circle_recorded: bool | None = None
    faction_recorded: bool | None = Field(default=None, description="the camp (派系) they are in is recorded")
    boss_trust: list[BossTrust] = []
    follows_boss: list[FollowsBoss] = []
    same_faction_as: Id | None = Field(default=None, description="their recorded faction is that of someone with this role")
    other_faction_than: Id | None = Field(
        default=None, description="their faction is recorded and differs from that of everyone with this role whose faction is recorded")
    kpi: bool | None = None
    needs: list[PersonalNeedId] = Field(default=[], description="any of these personal needs is recorded")
    needs_recorded: bool | None = None
    increment_open: bool | None = Field(
        default=None, description="some of the playbook's increment questions (value:) is unanswered for them")
    # the insider's qualification and the leader's style (criteria, ladder and culture rules)
    motive: list[InsiderMotive] = []
    motive_recorded: bool | None = None
    support_shown: bool | None = Field(default=None, description="how they have shown support is recorded")
    will: list[Strength] = []
    ability: list[Strength] = []
    style: list[LeadershipStyle] = []
    delegate: bool | None = Field(default=None, description="the decision maker has delegated this decision to them")

    # Worked out once per filter (a filter is matched against every person of every deal of a pipeline)
    @cached_property
    def value_checks(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """The person fields this filter restricts to a set of values, with those values."""
        return tuple((name, frozenset(getattr(self, name))) for name in
                     ("attitude", "influence", "contact", "level", "circle", "boss_trust", "follows_boss")
                     if getattr(self, name))

    @cached_property
    def asks_qualification(self) -> bool:
        """Whether the filter asks about an insider's qualification or a leader's style."""
        return any(getattr(self, name) not in (None, []) for name in
                   ("motive", "motive_recorded", "support_shown", "will", "ability", "style", "delegate"))

    @cached_property
    def asks_politics(self) -> bool:
        """Whether the filter asks about factions, the KPI, personal needs or the increment."""
        return any(getattr(self, name) not in (None, []) for name in
                   ("circle_recorded", "faction_recorded", "same_faction_as", "other_faction_than", "kpi", "needs", "needs_recorded",
                    "increment_open"))


class ActivityFilter(Strict):
    """Which logged activities a condition is about. Empty lists mean 'any'."""

    kind: list[ActivityKind] = []
    outcome: list[ActivityOutcome] = []
    with_: PersonFilter | None = Field(default=None, alias="with", description="the contact matches this")
    form_filled: bool | None = Field(default=None, description="the visit summary form was filled in")
    our_side: bool | None = Field(default=None, description="someone from our side besides the rep took part")
    at_least: int = Field(default=1, ge=1)

    def admits(self, kind: str, outcome: str, form_filled: bool, our_side: bool = False) -> bool:
        """Kind, outcome, form and our side match (who the contact is, `with`, is the caller's to check)."""
        return ((not self.kind or kind in self.kind) and (not self.outcome or outcome in self.outcome)
                and (self.form_filled is None or form_filled == self.form_filled)
                and (self.our_side is None or our_side == self.our_side))


class ContactRaise(Strict):
    """What logged touches with a person say about how well we have met them: once `when` holds for
    their activities, their contact level rises to `contact` (it never goes down by itself)."""

    when: ActivityFilter
    contact: Contact


class CriteriaFilter(Strict):
    """What the deal records about the customer's purchase criteria. Empty lists mean 'any'."""

    recorded: bool | None = Field(default=None, description="how settled the criteria are is recorded")
    state: list[CriteriaState] = []
    favours: list[CriteriaFavour] = []


class PeopleCount(Strict):
    where: PersonFilter = Field(default_factory=PersonFilter.model_construct)  # no validator built at import
    n: int = Field(ge=0)


_CONDITION_KEYS = (
    "all", "any", "not_", "customer_ahead", "customer_at_or_after", "stage_at_or_after",
    "stage_before", "done", "not_done", "later_stage_work_done", "exists", "none",
    "count_at_most", "count_at_least", "customer_process_started", "activity", "competitors_recorded", "known",
    "criteria", "culture",
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
    # stable-ids.md: the people rules apply once the customer's step is past the first or anyone is met
    customer_process_started: bool | None = None
    activity: ActivityFilter | None = None
    competitors_recorded: bool | None = None
    known: list[DealFact] | None = Field(default=None, min_length=1)
    criteria: CriteriaFilter | None = None
    culture: list[DecisionCulture] | None = Field(default=None, min_length=1, description="the account's culture is one of these")

    @model_validator(mode="after")
    def _exactly_one(self) -> "Condition":
        set_keys = [key for key in _CONDITION_KEYS if getattr(self, key) is not None]
        if len(set_keys) != 1:
            names = ", ".join(k.rstrip("_") for k in _CONDITION_KEYS)
            raise ValueError(f"a condition needs exactly one of: {names}")
        return self

    def kind(self) -> str:
        return self._kind

    @cached_property
    def _kind(self) -> str:
        # worked out once per condition: the rules ask it for every deal of a pipeline
        return next(key for key in _CONDITION_KEYS if getattr(self, key) is not None)


# The placeholders a rule's message and action may use (the diagnosis fills each); the checks
# reject any other.
RULE_PLACEHOLDERS = frozenset({"people", "stage", "customer_step", "later_work", "insiders", "skipped",
                               "criteria_state", "criteria_how", "decision_makers"})


class Rule(Strict):
    id: Id
    severity: Severity
    when: Condition
    message: Text
    action: Text | None = None
    names: list[PersonFilter] = Field(default=[], description="who {people} names in the texts (any filter)")
    covers: list[Id] = Field(default=[], description="roles and items whose own actions this action replaces")
    own_advice: bool = Field(default=False, description="its action is advice of its own (how to shape the "
                             "criteria, how to win this leader): kept even when an earlier action names the same people")
    source: NonEmpty
    confidence: Confidence | None = Field(default=None, description="supported: the source gives the heading, the text is ours")
