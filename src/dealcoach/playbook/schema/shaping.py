"""Three sections about who really decides and on what terms (《大客户销售》's headings, our text):

- `purchase_criteria:` how settled the customer's buying standard is (未知型 / 不确定型 / 半确定型 /
  确定型), what shapes it (客户采购的5个适当, its sources) and how to shape it at each state;
- `insider_ladder:` why an insider wants us to win (谁希望我们获胜) and the five steps to success
  (销售要成功的五个步骤) as a ladder of typed conditions, each with how to climb to it;
- `decision_culture:` 集权 / 授权 cultures and the four leadership styles, and what each changes.

The rules that warn about them are ordinary `rules:` (typed conditions on the deal's `criteria`,
`culture` and the people's qualification); these sections hold the content the coach quotes.
"""

from pydantic import Field

from dealcoach.playbook.schema.common import (
    Confidence,
    CriteriaState,
    DecisionCulture,
    Id,
    InsiderMotive,
    LeadershipStyle,
    NonEmpty,
    Strict,
    Text,
)
from dealcoach.playbook.schema.rules import Condition, PersonFilter

# What a ladder rung's `climb` text may name (filled by coaching/ladder.py).
LADDER_PLACEHOLDERS = frozenset({"people", "insiders", "decision_makers"})


class CriteriaStateAdvice(Strict):
    id: CriteriaState
    meaning: Text = Field(description="what a customer at this state knows about how to choose")
    how: Text = Field(description="how to shape the criteria at this state, and through whom")
    shapeable: bool = Field(description="whether a rep can still shape them without the decision layer")
    confidence: Confidence


class PurchaseCriteria(Strict):
    tender_step: Id = Field(description="the customer step from which the need is a tender's specification")
    why: list[Text] = Field(min_length=1, description="why shape the criteria before the tender")
    states: list[CriteriaStateAdvice] = Field(min_length=4, max_length=4)
    five_rights: list[Text] = Field(min_length=5, max_length=5, description="客户采购的5个适当")
    sources: list[Text] = Field(min_length=1, description="where a customer's buying standard comes from")
    confidence: Confidence
    source: NonEmpty

    def state(self, state_id: str) -> CriteriaStateAdvice:
        return next(s for s in self.states if s.id == state_id)


class MotiveAdvice(Strict):
    id: InsiderMotive
    meaning: Text
    how: Text = Field(description="how to keep this kind of ally on our side")
    confidence: Confidence


class LadderRung(Strict):
    """One of the five steps to success; the deal stands on the highest rung whose `reached` holds
    with every rung below it."""

    id: Id
    name: Text
    meaning: Text
    reached: Condition
    climb: Text = Field(description="how to reach this rung from the one below")
    names: list[PersonFilter] = Field(default=[], description="who {people} names in `climb` (any filter)")
    own_advice: bool = Field(default=False, description="`climb` is advice no rule gives: kept in the actions "
                             "even when an earlier action names the same people")
    confidence: Confidence


class InsiderLadder(Strict):
    motives: list[MotiveAdvice] = Field(min_length=3, max_length=3)
    qualify: list[Text] = Field(min_length=1, description="what to learn about an insider before relying on them")
    rungs: list[LadderRung] = Field(min_length=5, max_length=5)
    source: NonEmpty


class CultureAdvice(Strict):
    id: DecisionCulture
    meaning: Text
    focus: Text = Field(description="whom to win in this culture")
    confidence: Confidence


class StyleAdvice(Strict):
    id: LeadershipStyle
    meaning: Text
    how_to_win: Text
    confidence: Confidence


class DecisionCultureSection(Strict):
    cultures: list[CultureAdvice] = Field(min_length=2, max_length=2)
    styles: list[StyleAdvice] = Field(min_length=4, max_length=4)
    hidden_ranking: Text = Field(description="隐性排位: the real pecking order, not the org chart")
    source: NonEmpty
