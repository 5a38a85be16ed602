"""A deal and the people on its buying side, as data.

The same models serve the deal file (YAML), the store and `--json`. Values of attitude, influence,
contact and level are the stable ids of shared/reference/stable-ids.md.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Annotated, Literal, get_args

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationInfo,
                      field_validator,
                      model_validator)

from dealcoach import parse
from dealcoach.playbook.models import (ActivityKind, ActivityOutcome, Attitude, BossTrust, CircleId, Contact,
                                       CriteriaFavour, CriteriaState, DecisionCulture, FollowsBoss, GradeId, Id,
                                       Influence, InsiderMotive, LeadershipStyle, Level, NeedTypeId, PersonalNeedId,
                                       Strength)
from dealcoach.safetext import multi_line_input, one_line_input

# Typed or imported text loses control characters first (safetext.py): a name cannot carry a terminal
# escape sequence into a table, a calendar or a diagram, and what is stored is what is shown.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                 BeforeValidator(one_line_input)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000),
                      BeforeValidator(multi_line_input)]
LongText = Annotated[str, StringConstraints(max_length=100_000), BeforeValidator(multi_line_input)]

MAX_AMOUNT = 10**15


def new_item_id() -> str:
    """The identity of a list item that can repeat (an activity): two equal calls are two calls."""
    import uuid

    return uuid.uuid4().hex


# What the store reads back was validated when it was written: dates and ids in it are read as
# stored, without the typed-input forms and the year range, so a date an older version accepted
# (9999-12-31) still loads. Numbers are checked either way.
STORED = {"stored": True}


def _typed(info: ValidationInfo) -> bool:
    return not (info.context or {}).get("stored")


def _day(value: object, info: ValidationInfo) -> object:
    """A date as people type it (2027/3/15, 明天, 月底...), years 1900..2200 only."""
    if value is None or value == "" or not _typed(info):
        return value or None
    return parse.parse_date(value, what=None)


def _choice(value: object, ids: tuple[str, ...], prefix: str) -> object:
    """An enum value by its id or its label in the UI catalogue (`高`, `電話`, `high`)."""
    if value is None or value in ids:
        return value
    return parse.resolve_choice(value, parse.message_choices(prefix, ids), None)


def _role_ids(values: object) -> object:
    """Buying roles by id or by their name in the role catalogue (`内线`, `核心决策者`, `Coach buyer`)."""
    if not isinstance(values, list) or all(isinstance(v, str) and parse.ID_FORM.fullmatch(v) for v in values):
        return values
    from dealcoach.playbook.loader import load_catalog

    choices = [parse.Choice(role.id, (role.name.zh, role.name.en)) for role in load_catalog().roles]
    return [parse.resolve_choice(v, choices, None) if isinstance(v, str) and not parse.ID_FORM.fullmatch(v) else v
            for v in values]


class DealModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class DoneMark(DealModel):
    """A work item, exit criterion or key milestone that is met, when, and the evidence for it."""

    id: Id
    date: dt.date | None = None
    evidence: ShortText | None = None

    _date = field_validator("date", mode="before")(_day)


class Competitor(DealModel):
    name: Name
    notes: ShortText | None = None


_PERSON_VALUES = {"level": get_args(Level), "attitude": get_args(Attitude), "influence": get_args(Influence),
                  "contact": get_args(Contact), "circle": get_args(CircleId), "boss_trust": get_args(BossTrust),
                  "follows_boss": get_args(FollowsBoss), "needs": get_args(PersonalNeedId)}
# fields of an insider's qualification and a leader's style: ids, or their labels (`告之型`, `喜欢我们的盟友`)
_LABELLED = {"motive": (get_args(InsiderMotive), "motive"), "style": (get_args(LeadershipStyle), "style"),
             "will": (get_args(Strength), "value"), "ability": (get_args(Strength), "value"),
             "state": (get_args(CriteriaState), "criteria_state"), "favours": (get_args(CriteriaFavour), "favours"),
             "culture": (get_args(DecisionCulture), "culture")}


def _labelled(value: object, info: ValidationInfo) -> object:
    ids, prefix = _LABELLED[info.field_name]
    if value is None or value == "":  # an empty answer clears the field ("unknown" where it cannot be empty)
        return "unknown" if info.field_name == "favours" else None
    return _choice(value, ids, prefix) if _typed(info) else value


class SaidPain(DealModel):
    """A problem this person told us about (on a call or by hand), and when: a later script recalls to
    a person only what that person said ("上次您提到…"), never what a colleague said."""

    text: ShortText
    first_said: dt.date | None = None
    last_said: dt.date | None = None

    _dates = field_validator("first_said", "last_said", mode="before")(_day)


class Person(DealModel):
    name: Name
    title: ShortText | None = None
    department: ShortText | None = None
    level: Level | None = None
    roles: list[Id] = []
    attitude: Attitude = "unknown"
    influence: Influence = "unknown"
    contact: Contact = "none"
    reports_to: Name | None = None
    circle: CircleId | None = Field(default=None, description="their circle around their boss (内圈/边圈/外圈)")
    faction: ShortText | None = Field(default=None, description="the camp they belong to (派系), as the rep names it")
    boss_trust: BossTrust | None = Field(default=None, description="whether their boss trusts them (上司是否认可下属)")
    follows_boss: FollowsBoss | None = Field(default=None, description="whether they follow their boss (下属是否服从上司)")
    needs: list[PersonalNeedId] = []
    kpi: bool | None = Field(default=None, description="the project is on this person's KPI")
    increment: dict[Id, ShortText] = Field(
        default={}, description="their answers to the increment questions (帮助客户实现增量), by question id")
    new: bool = False
    plan: ShortText | None = Field(default=None, description="our plan for this person (e.g. against an opponent)")
    phone: ShortText | None = None
    notes: ShortText | None = None
    pains: list[SaidPain] = Field(default=[], description="the problems this person told us about")
    # an insider's qualification (获得内线支持) and a leader's style (决策层管理风格)
    motive: InsiderMotive | None = Field(default=None, description="why they want us to win")
    support: ShortText | None = Field(default=None, description="how they have shown their support")
    will: Strength | None = Field(default=None, description="their will to help us")
    ability: Strength | None = Field(default=None, description="their ability to help us")
    style: LeadershipStyle | None = Field(default=None, description="how they lead a decision")
    delegate: bool = Field(default=False, description="the decision maker has delegated this decision to them")

    _qualification = field_validator("motive", "will", "ability", "style", mode="before")(_labelled)

    @property
    def met(self) -> bool:
        return self.contact != "none"

    @field_validator("level", "attitude", "influence", "contact", "circle", "boss_trust", "follows_boss",
                     mode="before")
    @classmethod
    def _labels(cls, value: object, info: ValidationInfo) -> object:
        return _choice(value, _PERSON_VALUES[info.field_name], "value") if _typed(info) else value

    @field_validator("needs", mode="before")
    @classmethod
    def _needs(cls, value: object, info: ValidationInfo) -> object:
        if not _typed(info) or not isinstance(value, list):
            return value
        return [_choice(v, _PERSON_VALUES["needs"], "value") if isinstance(v, str) else v for v in value]

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: object, info: ValidationInfo) -> object:
        return _role_ids(value) if _typed(info) else value

    @field_validator("pains", mode="before")
    @classmethod
    def _pains(cls, value: object) -> object:
        return expand_short_form(value, "text")


class CompetitorComparison(DealModel):
    """Seed 000's comparison with one competitor: per dimension (need-fit, price, brand, service,
    relationship), -2 (they are much stronger) .. +2 (we are much stronger)."""

    competitor: Name
    scores: dict[Id, Annotated[int, Field(ge=-2, le=2)]] = {}


class OpportunityAnswers(DealModel):
    """Seed 000's opportunity analysis: how well each kind of information is known (0..3), and how we
    compare with each competitor."""

    information: dict[Id, Annotated[int, Field(ge=0, le=3)]] = {}
    comparisons: list[CompetitorComparison] = []


class PurchaseCriteria(DealModel):
    """How settled the customer's purchase criteria are, whom they favour, and what they say."""

    state: CriteriaState | None = Field(default=None, description="unknown, uncertain, partial or settled")
    favours: CriteriaFavour = "unknown"
    items: list[ShortText] = Field(default=[], description="the criteria as the customer states them")

    _labels = field_validator("state", "favours", mode="before")(_labelled)


class ComputedGrade(DealModel):
    """The grade `dealcoach grade --deals` computed and saved, with the rule that fired."""

    grade: GradeId
    score: float | None = None
    rule: ShortText
    on: dt.date


OUTCOMES_BY_KIND: dict[str, tuple[str, ...]] = {
    "call": ("no-answer", "connected", "refused", "call-back", "meeting-booked"),
    "visit": ("held", "cancelled"),
    "meeting": ("held", "cancelled"),
    "demo": ("held", "cancelled"),
    "email": ("sent", "replied"),
    "other": ("done",),
}


class Meeting(DealModel):
    """A meeting agreed on a call (seed 000, step 3 of the phone invitation)."""

    at: dt.datetime | None = Field(default=None, description="when, as a real date and time")
    when: ShortText | None = Field(default=None, description="what the rep said, kept as typed")
    place: ShortText | None = None
    attendees: list[Name] = []
    topics: list[ShortText] = []
    we_prepare: ShortText | None = None
    they_prepare: ShortText | None = None


class Activity(DealModel):
    """One touch: a call, a visit, an email... with its outcome. The funnel is computed from these."""

    # assigned when the activity is created; a three-way merge keys activities by it (store/merge.py)
    id: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(default_factory=new_item_id)
    date: dt.datetime
    kind: ActivityKind
    outcome: ActivityOutcome
    contact: Name | None = None
    note: LongText | None = None
    pretext: Id | None = Field(default=None, description="the follow-up pretext used (seed 003)")
    pains: list[ShortText] = Field(default=[], description="pains the contact confirmed")
    meeting: Meeting | None = None
    form: dict[Id, ShortText] = Field(default={}, description="visit summary form answers, by field id")
    next_step_at: dt.datetime | None = Field(default=None, description="when the next step agreed here is due")
    our_side: list[Name] = Field(default=[], description="who from our side took part besides the rep (借力: our executive, an engineer, a partner)")
    by: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _when(cls, value: object, info: ValidationInfo) -> object:
        return parse.parse_datetime(value, what=None, default_time=dt.time(9)) if _typed(info) else value

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object, info: ValidationInfo) -> object:
        return _choice(value, get_args(ActivityKind), "kind") if _typed(info) else value

    @field_validator("outcome", mode="before")
    @classmethod
    def _outcome(cls, value: object, info: ValidationInfo) -> object:
        return _choice(value, get_args(ActivityOutcome), "outcome") if _typed(info) else value

    @field_validator("date")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        # a time without an offset is the rep's local time; with offsets everywhere any two
        # activities compare, whoever logged them and wherever
        return value.astimezone() if value.tzinfo is None else value

    @model_validator(mode="after")
    def _outcome_fits_kind(self) -> "Activity":
        allowed = OUTCOMES_BY_KIND[self.kind]
        if self.outcome not in allowed:
            raise ValueError(f"outcome {self.outcome!r} does not fit a {self.kind}; use one of: {', '.join(allowed)}")
        return self


_ACTIVITY_DATE = attrgetter("date")


class Pain(DealModel):
    """A problem the customer has or probably has: seed 000's 痛苦体验, the heart of the call."""

    text: ShortText
    confirmed: bool = False
    since: ShortText | None = None
    tried: ShortText | None = None
    kind: NeedTypeId | None = Field(default=None, description="the need type (客户需求的分类: 基本型, 期望型...)")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object, info: ValidationInfo) -> object:
        return _choice(value, get_args(NeedTypeId), "need") if _typed(info) else value


class HistoryEntry(BaseModel):
    at: dt.datetime
    who: str
    what: str


def expand_short_form(value: object, key: str) -> object:
    """A list item written as a bare string stands for {key: string}."""
    if isinstance(value, list):
        return [{key: item} if isinstance(item, str) else item for item in value]
    return value


class Deal(DealModel):
    id: int | None = None
    name: Name
    account: Name | None = None
    playbook: Id = "six-step"
    amount: float | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    budget: float | None = Field(default=None, ge=0, le=MAX_AMOUNT, description="the customer's budget for it")
    our_cost: float | None = Field(default=None, ge=0, le=MAX_AMOUNT, description="what delivering it costs us")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = "CNY"
    expected_close: dt.date | None = None
    milestone_on: dt.date | None = Field(
        default=None, description="when the deal's next key milestone falls (a decision meeting, the bid opening)")
    probability: float | None = None
    customer_step: Id | None = None
    signals: list[Id] = Field(default=[], description="customer-step signals the rep has observed")
    done: list[DoneMark] = []
    overruled: list[Id] = Field(default=[], description="items the rep says are not done, whatever the facts show")
    competitors: list[Competitor] = []
    people: list[Person] = []
    notes: LongText | None = None
    industry: ShortText | None = None
    pains: list[Pain] = []
    activities: list[Activity] = []
    status: Literal["open", "won", "lost"] = "open"
    close_reason: ShortText | None = None
    closed_on: dt.date | None = None
    vip: bool = False
    loyal: bool = Field(default=False, description="a VIP customer who bought again")
    assessment: dict[Id, Annotated[int, Field(ge=0, le=10)]] = Field(
        default={}, description="assessment factor id -> score on that factor's scale")
    opportunity: OpportunityAnswers | None = None
    manual_grade: GradeId | None = Field(default=None, description="the rep's own grade; never replaced silently")
    manual_grade_reason: ShortText | None = None
    computed_grade: ComputedGrade | None = None
    criteria: PurchaseCriteria | None = None
    culture: DecisionCulture | None = Field(default=None, description="the account's decision culture")
    owner: str | None = None
    version: int = 0

    @field_validator("probability", mode="before")
    @classmethod
    def _probability(cls, value: object) -> float | None:
        return None if value is None or value == "" else parse.parse_probability(value, None)

    @model_validator(mode="before")
    @classmethod
    def _amount_with_currency(cls, data: object) -> object:
        """`EUR 5,000` or `80万元` sets the currency it names; a bare number keeps the deal's."""
        if isinstance(data, dict) and isinstance(data.get("amount"), str):
            if not data["amount"].strip():
                return {**data, "amount": None}
            try:
                money = parse.parse_money(data["amount"], None)
            except parse.InputError:
                return data  # the field validator reports it, on the field
            data = {**data, "amount": money.amount}
            if money.currency is not None:
                data["currency"] = money.currency
        return data

    @field_validator("amount", "budget", "our_cost", mode="before")
    @classmethod
    def _amount(cls, value: object) -> object:
        return value if value is None else parse.parse_amount(value, None)

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: object) -> object:
        return parse.parse_currency(value, None) if isinstance(value, str) else value

    _dates = field_validator("expected_close", "closed_on", "milestone_on", mode="before")(_day)
    _culture = field_validator("culture", mode="before")(_labelled)

    # the short forms of a hand-written file: done: [a, b], pains: [交货不及时], competitors: [B公司]
    @field_validator("done", mode="before")
    @classmethod
    def _done(cls, value: object) -> object:
        return expand_short_form(value, "id")

    @field_validator("pains", mode="before")
    @classmethod
    def _pains(cls, value: object) -> object:
        return expand_short_form(value, "text")

    @field_validator("activities", mode="after")
    @classmethod
    def _in_time_order(cls, value: list[Activity]) -> list[Activity]:
        return sorted(value, key=_ACTIVITY_DATE)  # attrgetter: no Python call per activity (bulk reads)

    @field_validator("competitors", mode="before")
    @classmethod
    def _competitors(cls, value: object) -> object:
        return expand_short_form(value, "name")

    def done_ids(self) -> set[str]:
        return {mark.id for mark in self.done}

    def person(self, name: str) -> Person | None:
        return next((p for p in self.people if p.name == name), None)


class DealSummary(BaseModel):
    """One row of `deal list`: enough to choose a deal, cheap to read for 10,000 of them."""

    id: int
    name: str
    account: str | None
    playbook: str
    owner: str | None
    amount: float | None
    currency: str
    expected_close: dt.date | None
    probability: float | None
    updated_at: dt.datetime
