"""`opportunity_analysis:`: what to find out about an opportunity and how to compare it."""

from pydantic import Field

from dealcoach.playbook.schema.common import Id, Item, NonEmpty, Strict, Text


class OpportunityAnalysis(Strict):
    purpose: Text
    information: list[Item] = Field(min_length=1)
    method: list[Text] = Field(min_length=1)
    comparison_dimensions: list[Item] = Field(min_length=1)
    case: Id | None = None
    source: NonEmpty
