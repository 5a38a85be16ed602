"""`grading:`: the A-D grades, the close-window x probability table and the assessment."""

from typing import Literal

from pydantic import Field

from dealcoach.playbook.schema.common import GradeId, Id, Item, NonEmpty, Strict, Text


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
