"""The whole playbook file: its sections, and lookups by id used everywhere."""

from functools import cached_property

from pydantic import Field

from dealcoach.playbook.schema.common import Id, NonEmpty, Strict, Text
from dealcoach.playbook.schema.follow_up import FollowUpGuide
from dealcoach.playbook.schema.funnel import FunnelStep
from dealcoach.playbook.schema.grading import Grading
from dealcoach.playbook.schema.industries import IndustryVariant
from dealcoach.playbook.schema.objections import Objections
from dealcoach.playbook.schema.opportunity import OpportunityAnalysis
from dealcoach.playbook.schema.phone_invitation import PhoneInvitation, Visit
from dealcoach.playbook.schema.rules import ContactRaise, Rule
from dealcoach.playbook.schema.shaping import DecisionCultureSection, InsiderLadder, PurchaseCriteria
from dealcoach.playbook.schema.stages import CustomerStep, Stage, WorkedCase
from dealcoach.playbook.schema.value import ValueGuide


CONFIDENCE_ORDER = ["inferred", "supported", "confirmed"]  # weakest first


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
    contact_from_activities: list[ContactRaise] = Field(
        default=[], description="how logged calls, visits and meetings raise a person's contact level")
    grading: Grading | None = None
    opportunity_analysis: OpportunityAnalysis | None = None
    phone_invitation: PhoneInvitation | None = None
    visit: Visit | None = None
    cases: list[WorkedCase] = []
    funnel: list[FunnelStep] = []
    objections: Objections | None = None
    value: ValueGuide | None = None
    follow_up: FollowUpGuide | None = None
    industries: list[IndustryVariant] = Field(
        default=[], description="what an industry adds, chosen by the deal's industry (playbook/variants.py)")
    industry: Id | None = Field(default=None, description="the industry variant this playbook is made with")

    purchase_criteria: PurchaseCriteria | None = None
    insider_ladder: InsiderLadder | None = None
    decision_culture: DecisionCultureSection | None = None

    def industry_variant(self, industry: str | None) -> IndustryVariant | None:
        """The first variant whose words are found in the deal's industry, if any."""
        known = self._variants
        if industry in known:  # a pipeline review asks for every deal; a team writes few industries
            return known[industry]
        found = next((variant for variant in self.industries if variant.matches(industry)), None)
        if len(known) < 4096:
            known[industry] = found
        return found

    def pair_confidence(self, stage: Stage) -> str:
        """The weaker confidence of a stage and the customer step it maps to."""
        step = next(s for s in self.customer_steps if s.id == stage.customer_step)
        return min(stage.confidence, step.confidence, key=CONFIDENCE_ORDER.index)

    def item_confidence(self, item_id: str) -> str:
        """How far the source states a work item, key milestone or exit criterion: its own mark,
        never surer than its stage and customer step."""
        found = self._confidences.get(item_id)
        if found is None:
            stage = self.stage(self._checkable[item_id])
            item = next(i for i in stage.items() if i.id == item_id)
            found = self._confidences[item_id] = min(item.confidence or stage.confidence, self.pair_confidence(stage),
                                                     key=CONFIDENCE_ORDER.index)
        return found

    def stage(self, stage_id: str) -> Stage:
        return next(s for s in self.stages if s.id == stage_id)

    def stage_index(self, stage_id: str) -> int:
        found = self._stage_indexes.get(stage_id)
        return found if found is not None else next(i for i, s in enumerate(self.stages) if s.id == stage_id)

    def step_index(self, step_id: str) -> int:
        found = self._step_indexes.get(step_id)
        return found if found is not None else next(i for i, s in enumerate(self.customer_steps) if s.id == step_id)

    # the playbook is frozen: these are worked out once, not once per rule per deal of a pipeline
    @cached_property
    def _stage_indexes(self) -> dict[str, int]:
        return {stage.id: index for index, stage in reversed(list(enumerate(self.stages)))}

    @cached_property
    def _step_indexes(self) -> dict[str, int]:
        return {step.id: index for index, step in reversed(list(enumerate(self.customer_steps)))}

    @cached_property
    def _confidences(self) -> dict[str, str]:
        return {}

    @cached_property
    def _variants(self) -> dict[str | None, IndustryVariant | None]:
        return {}

    def checkable_ids(self) -> dict[str, str]:
        """Every id a rep can mark done (work items, key milestones, exit criteria) -> its stage."""
        return dict(self._checkable)

    @cached_property
    def _checkable(self) -> dict[str, str]:
        # the playbook is frozen: worked out once, not once per rule per deal
        owner: dict[str, str] = {}
        for stage in self.stages:
            for item_id in (item.id for item in stage.items()):
                owner[item_id] = stage.id
        return owner
