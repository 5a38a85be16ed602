"""`objections:` of a playbook: the objections to expect per stakeholder before the meeting where we
are absent (the source's 疑问与异议的预测 and 客户的异议处理): the eight causes, the evidence to prepare
by how far the person trusts us, the five risks a customer perceives and the commitment that lowers
each, and the four decision blockers."""

from typing import Literal

from pydantic import Field

from dealcoach.playbook.schema.common import Attitude, Confidence, Contact, Id, Influence, NonEmpty, Strict, Text
from dealcoach.playbook.schema.phone_invitation import ObjectionCauseId

# 客户感知的5个风险: what the customer fears buying from us may cost them.
PerceivedRiskId = Literal["performance", "financial", "time", "social", "personal"]
# 客户信任等级: how far a person trusts us decides what evidence convinces them.
TrustLevelId = Literal["stranger", "acquainted", "trusting", "partner"]
# 决策阻碍: 心理 / 态度 / 能力 / 风险恐惧.
BlockerId = Literal["psychological", "attitude", "ability", "risk-fear"]


class WhoFilter(Strict):
    """Whom an entry applies to; an empty list means anyone. Roles may name an equivalence."""

    roles: list[Id] = []
    attitudes: list[Attitude] = []
    influence: list[Influence] = []


class CauseName(Strict):
    id: ObjectionCauseId
    name: Text


class PerceivedRisk(Strict):
    id: PerceivedRiskId
    name: Text
    text: Text
    commitments: list[Text] = Field(min_length=1, description="what we commit to so the customer bears less of it")
    confidence: Confidence


class TrustLevel(Strict):
    id: TrustLevelId
    name: Text
    contact: list[Contact] = Field(min_length=1, description="the contact levels at which a person trusts us this far")
    text: Text
    evidence: list[Text] = Field(min_length=1)
    confidence: Confidence


class StageObjection(Strict):
    id: Id
    cause: ObjectionCauseId
    stages: list[Id] = Field(min_length=1)
    who: WhoFilter = Field(default_factory=WhoFilter)  # a default instance would build its validator at import
    says: Text
    evidence: Text
    risk: PerceivedRiskId
    confidence: Confidence


class Blocker(Strict):
    id: BlockerId
    name: Text
    who: WhoFilter = Field(default_factory=WhoFilter)  # a default instance would build its validator at import
    sign: Text
    advice: Text
    confidence: Confidence


class Objections(Strict):
    why: list[Text] = Field(min_length=1, description="why predict objections before the meeting")
    causes: list[CauseName] = Field(min_length=8, max_length=8)
    risks: list[PerceivedRisk] = Field(min_length=5, max_length=5)
    trust_levels: list[TrustLevel] = Field(min_length=1)
    objections: list[StageObjection] = Field(min_length=1)
    blockers: list[Blocker] = []
    policy_changes: list[Text] = Field(default=[], description="更改销售的政策: what we may change when the risk stays too high")
    source: NonEmpty
