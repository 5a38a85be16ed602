"""What every section of a playbook is built from: ids, the closed vocabularies, `Text` in zh and en.

Every model forbids unknown keys, so a typo in a playbook fails loudly.
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from dealcoach.language import Lang, pick


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Confidence = Literal["confirmed", "supported", "inferred"]
Severity = Literal["high", "medium", "low"]
Attitude = Literal["supporter", "neutral", "opponent", "unknown"]
Influence = Literal["high", "medium", "low", "unknown"]
Contact = Literal["none", "brief", "regular", "deep"]
Level = Literal["senior", "middle", "staff"]
# Politics around a person (the source's 上下级圈子文化 and 上下级的关系): their circle around the
# boss; whether the boss trusts them (上司是否认可下属; `nominal`: a manager in name only); whether
# they follow their boss (下属是否服从上司). And the personal needs (安全/归属/尊重/自我实现).
CircleId = Literal["inner", "edge", "outer"]
BossTrust = Literal["trusted", "doubted", "nominal"]
FollowsBoss = Literal["follows", "resists"]
PersonalNeedId = Literal["safety", "belonging", "esteem", "self-actualisation"]
GradeId = Literal["A", "B", "C", "D"]
GRADE_ORDER: tuple[GradeId, ...] = ("A", "B", "C", "D")  # best first
ActivityKind = Literal["call", "visit", "email", "meeting", "demo", "other"]
# Call outcomes feed the telephone funnel (seed 003); visits are held or cancelled.
ActivityOutcome = Literal["no-answer", "connected", "refused", "call-back", "meeting-booked", "held", "cancelled",
                          "sent", "replied", "done"]
# Facts of a deal an evidence condition may ask about (`known: [...]`): each is "recorded" when set.
DealFact = Literal["amount", "budget", "our-cost", "expected-close", "industry", "pains", "confirmed-pains",
                   "competitors", "competitor-comparison", "assessment", "grade", "opportunity-information"]

# How settled the customer's purchase criteria are (the source's 客户的购买标准: 未知型 / 不确定型 /
# 半确定型 / 确定型), and whom settled or half-settled criteria favour.
CriteriaState = Literal["unknown", "uncertain", "partial", "settled"]
CriteriaFavour = Literal["us", "neutral", "competitor", "unknown"]
# The account's decision culture (团队文化: 集权 / 授权) and a leader's style (告之型 / 推销型 / 参与型 / 授权型).
DecisionCulture = Literal["centralised", "delegated"]
LeadershipStyle = Literal["telling", "selling", "participating", "delegating"]
# Why an insider wants us to win (谁希望我们获胜): against the competitor, against the competitor's
# backers, or because they like us; their will and ability to help (内线的意愿与能力).
InsiderMotive = Literal["against-competitor", "against-competitor-backers", "likes-us"]
Strength = Literal["high", "medium", "low", "unknown"]


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
