"""`follow_up:` of a playbook: follow-up as the source teaches it (跟踪与销售进程推进): touches timed
around the deal's next key milestone (前紧后松), persistence per contact (44% give up after one
touch), no show of eagerness, and whom to borrow strength from (杠杆借力). The rhythm itself is
coaching/cadence.py's; this section holds its parameters and words."""

from pydantic import Field

from dealcoach.playbook.schema.common import Confidence, Id, NonEmpty, Strict, Text
from dealcoach.playbook.schema.rules import Condition, PersonFilter


class MilestoneTiming(Strict):
    """前紧后松: touches denser in the days before the next key milestone, sparser after it."""

    before_days: int = Field(ge=1, le=365, description="the window before the milestone where touches are denser")
    before_share: float = Field(gt=0, le=1, description="the grade's cadence times this, in that window")
    after_days: int = Field(ge=1, le=365, description="the window after the milestone where touches are sparser")
    after_factor: float = Field(ge=1, le=10, description="the grade's cadence times this, in that window")
    before: Text
    after: Text
    confidence: Confidence


class PersistenceStep(Strict):
    """What to say about the touch about to be made with a contact, from this touch number on."""

    touch: int = Field(ge=1, le=1000)
    text: Text
    confidence: Confidence


class BorrowStrength(Strict):
    """Someone to borrow strength from (杠杆借力), when the deal's facts call for them."""

    id: Id
    who: Text
    ask: Text = Field(description="what we want them to do (希望别人做什么); {people} names whom it is for")
    names: list[PersonFilter] = Field(default=[], description="who {people} names (any filter)")
    when: Condition
    confidence: Confidence


class FollowUpGuide(Strict):
    why: list[Text] = Field(min_length=1, description="为什么要跟进客户")
    milestone: MilestoneTiming
    persistence: list[PersistenceStep] = Field(min_length=1)
    eagerness: Text = Field(description="每次跟进不要流露强烈的渴望")
    borrow_why: Text
    choose_partner: Text = Field(description="如何选择伙伴")
    borrow: list[BorrowStrength] = []
    source: NonEmpty
