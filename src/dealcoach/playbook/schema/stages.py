"""`customer_steps:` and `stages:`: the customer's buying steps and the sales stages mapped onto them."""

from pydantic import Field

from dealcoach.playbook.schema.common import Confidence, Id, Item, NonEmpty, Strict, Text
from dealcoach.playbook.schema.rules import Condition


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


# An item's own `confidence` says how far its source states it; unset, it is its stage's. An item is
# never surer than its stage (`Playbook.item_confidence`).
ITEM_CONFIDENCE = "how far the source states this item; unset: the stage's"


class WorkItem(Strict):
    id: Id
    text: Text
    how_to: Text
    evidence: Condition | None = Field(default=None, description="recorded facts that show it done")
    confidence: Confidence | None = Field(default=None, description=ITEM_CONFIDENCE)


class KeyMilestone(Strict):
    """The 关键节点: the event that must happen before the deal may move to the next stage."""

    id: Id
    text: Text
    verify: Text
    evidence: Condition | None = Field(default=None, description="recorded facts that show it met")
    confidence: Confidence | None = Field(default=None, description=ITEM_CONFIDENCE)


class ExitCriterion(Strict):
    """One of the 完成标准 of a stage."""

    id: Id
    text: Text
    verify: Text | None = None
    evidence: Condition | None = Field(default=None, description="recorded facts that show it met")
    confidence: Confidence | None = Field(default=None, description=ITEM_CONFIDENCE)


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
    applies: Condition | None = Field(default=None, description="shown in `stage` only when this holds")
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

    def items(self) -> list["WorkItem | KeyMilestone | ExitCriterion"]:
        """Every item a rep can mark done: the work items, the key milestone, the exit criteria."""
        return [*self.work_items, self.key_milestone, *self.exit_criteria]

    def gate_ids(self) -> list[str]:
        """What must be done to leave this stage: the key milestone and every exit criterion."""
        return [self.key_milestone.id, *(c.id for c in self.exit_criteria)]
