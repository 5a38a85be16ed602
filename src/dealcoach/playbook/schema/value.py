"""`value:` of a playbook: needs and value (the source's 需求分析): why a need starts with someone's
KPI (找到"KPI负责人"), the increment questions that frame the value for that person (帮助客户实现增量),
the need types (客户需求的分类) and the errors of need cognition (对大客户需求认知的错误)."""

from typing import Literal

from pydantic import Field

from dealcoach.playbook.schema.common import Confidence, Id, NonEmpty, Strict, Text

# 客户需求的分类: 基本型 / 期望型 / 兴奋型 / 无差异 / 反向型.
NeedTypeId = Literal["basic", "expected", "exciting", "indifferent", "reverse"]


class IncrementQuestion(Strict):
    """One of the questions that work out the increment for the KPI owner (现状, 获益, 时间...)."""

    id: Id
    name: Text = Field(description="the short name shown in a summary (现状)")
    question: Text
    frame: Text = Field(description="how the answer is used when framing the value for them")
    details: list[Text] = Field(default=[], description="what the question breaks into (自制还是外包...)")
    confidence: Confidence


class NeedType(Strict):
    id: NeedTypeId
    name: Text
    text: Text = Field(description="what such a need is and how to treat it")
    confidence: Confidence


class ValueGuide(Strict):
    kpi_owner: list[Text] = Field(min_length=1, description="why a need is only started by someone's KPI")
    increment: list[IncrementQuestion] = Field(min_length=1)
    need_types: list[NeedType] = []
    errors: list[Text] = Field(default=[], description="对大客户需求认知的错误")
    pressure_points: Text | None = None
    source: NonEmpty
