"""The diagnosis engine, pure: the seed cases give what the seeds' authors conclude; properties hold."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dealcoach.coaching.diagnosis import diagnose
from dealcoach.deals.models import Deal, Person
from dealcoach.examples import load_example
from dealcoach.playbook.loader import load_catalog, load_playbook


def _diagnose(deal: Deal, lang="en"):
    return diagnose(deal, load_playbook(deal.playbook), load_catalog(), lang)


def test_ningxia_case_customer_ahead_develop_stage_missing():
    """Seed 001: the customer is screening suppliers, but the develop stage's milestone is missing:
    first collect information, assess and grade; then find the insider and key people."""
    example = load_example("ningxia-industrial-oil")
    result = _diagnose(example.deal)
    assert result.sales_stage.id == "develop"
    assert (result.customer_step.id, result.customer_step.source) == ("supplier-screening", "observed")
    missing = [m.id for m in result.missing]
    assert missing[0] == "prospect-assessed"
    assert "insider-and-key-people" in missing  # the customer's step is passed us: its milestone too
    warnings = [w.id for w in result.warnings]
    assert warnings[0] == "customer-ahead"
    assert "uncovered-influencer" in warnings  # the project manager who hung up
    assert "项目经理" in next(w for w in result.warnings if w.id == "uncovered-influencer").people
    first = result.next_actions[0]
    assert first.source == "rule:customer-ahead"
    assert "walk away" in first.text and "insider" in first.text
    # the catch-up names the develop milestone, so it is not said again on its own line
    assert "assessed and graded" in first.text
    assert not any(a.source == "key_milestone:prospect-assessed" for a in result.next_actions)


def test_ningxia_case_in_chinese_names_the_steps():
    result = _diagnose(load_example("ningxia-industrial-oil").deal, lang="zh")
    playbook = load_playbook("six-step")
    customer_step = playbook.customer_steps[1].name.get("zh")    # 对供应商初步调查、筛选
    our_stage = playbook.stage("develop").name.get("zh")         # 开发阶段
    warning = result.warnings[0]
    assert warning.id == "customer-ahead"
    assert f"“{customer_step}”" in warning.message and f"“{our_stage}”" in warning.message
    assert warning.message.index(customer_step) < warning.message.index(our_stage)  # theirs, then ours
    catch_up = result.next_actions[0]
    assert catch_up.source == "rule:customer-ahead"
    assert our_stage in catch_up.text and "放弃" in catch_up.text


def test_auto_parts_case_opponent_and_decision_maker():
    """Seed 002: the ex-VP's company is the incumbent with great weight; the procurement chief who
    decides has not been met; the insider links to him."""
    result = _diagnose(load_example("auto-parts-supplier").deal)
    assert result.sales_stage.id == "entry"
    fired = {w.id: w for w in result.warnings}
    assert "opponent-unaddressed" in fired and fired["opponent-unaddressed"].people == ["前集团副总"]
    assert "no-decision-maker" in fired
    assert "no-coach" not in fired and "coach-without-access" not in fired
    assert "customer-ahead" not in fired
    assert any("前集团副总" in a.text for a in result.next_actions)


def test_company_a_case_initial_contact():
    """Seed 000: we are in initial contact while the customer analyses feasibility and budget."""
    result = _diagnose(load_example("company-a-information-system").deal)
    assert result.playbook == "eight-step"
    assert result.sales_stage.id == "initial-contact"
    assert result.customer_step.id == "feasibility-and-budget"
    assert "customer-ahead" not in {w.id for w in result.warnings}
    # the milestone first, then the three questions the source fixes for this stage: all still open
    assert result.missing[0].id == "proposal-requested"
    assert {"go-ahead-known", "budget-known", "approval-path-known"} <= {m.id for m in result.missing}


def test_inferred_stage_says_advice_is_reconstructed():
    playbook = load_playbook("eight-step")
    done = [i for stage in playbook.stages[:2] for i in stage.gate_ids()]
    result = _diagnose(Deal(name="x", playbook="eight-step", done=done))
    assert result.sales_stage.id == "solution-design"
    assert result.reconstructed is True
    assert any("reconstructed" in note for note in result.notes)


def test_customer_step_from_signals_then_assumed():
    playbook = load_playbook("six-step")
    tender_signal = playbook.customer_steps[3].signals[0].id
    from_signals = _diagnose(Deal(name="x", signals=[tender_signal]))
    assert (from_signals.customer_step.id, from_signals.customer_step.source) == ("tender-and-evaluation", "signals")
    assert from_signals.customer_step.signals == [tender_signal]
    assert "criteria-unfavourable" in {w.id for w in from_signals.warnings}
    assumed = _diagnose(Deal(name="x"))
    assert (assumed.customer_step.id, assumed.customer_step.source) == ("need-and-approval", "assumed")


def test_criteria_unfavourable_only_without_influence():
    playbook = load_playbook("six-step")
    done = [i for stage in playbook.stages[:3] for i in stage.gate_ids()]
    deal = Deal(name="x", customer_step="tender-and-evaluation", done=done)
    assert "criteria-unfavourable" not in {w.id for w in _diagnose(deal).warnings}
    without = deal.model_copy(update={"done": [d for d in deal.done if d.id != "criteria-influenced"]})
    fired = {w.id for w in _diagnose(without).warnings}
    assert {"criteria-unfavourable", "customer-ahead"} <= fired and "premature-stage" not in fired


def test_premature_stage_names_the_later_work():
    deal = Deal(name="x", done=["write-bid"])
    result = _diagnose(deal)
    warning = next(w for w in result.warnings if w.id == "premature-stage")
    assert "write-bid" in warning.message
    assert result.sales_stage.id == "develop"


def test_all_done_is_complete():
    playbook = load_playbook("six-step")
    result = _diagnose(Deal(name="x", done=list(playbook.checkable_ids())))
    assert result.sales_stage.completed is True
    assert result.missing == []


# --- people rules ------------------------------------------------------------------------------

def _entry_deal(people: list[Person]) -> Deal:
    done = list(load_playbook("six-step").stage("develop").gate_ids())
    return Deal(name="x", done=done, people=people)


WELL_COVERED = [
    Person(name="王总", roles=["decision-maker"], attitude="supporter", influence="high", contact="regular",
           level="senior"),
    Person(name="李处", roles=["insider", "advisor"], attitude="supporter", influence="high", contact="deep",
           level="middle", reports_to="王总"),
    Person(name="涂主任", roles=["technical-supporter"], attitude="neutral", influence="medium", contact="regular",
           level="middle", reports_to="王总"),
    Person(name="赵工", roles=["key-user"], attitude="opponent", influence="medium", contact="brief", level="staff",
           reports_to="涂主任", plan="安排试用培训,让他亲身体验新产品对工作的帮助"),
]
PEOPLE_RULES = {"no-decision-maker", "no-coach", "single-threaded", "uncovered-influencer", "opponent-unaddressed",
                "bypassed-middle", "new-key-player", "coach-without-access"}


def test_well_covered_deal_raises_no_people_warning():
    fired = {w.id for w in _diagnose(_entry_deal(WELL_COVERED)).warnings}
    assert not fired & PEOPLE_RULES


def _fired(people):
    return {w.id for w in _diagnose(_entry_deal(people)).warnings}


def test_each_people_rule_fires():
    boss, coach, tech, user = WELL_COVERED
    assert "no-decision-maker" in _fired([boss.model_copy(update={"contact": "none"}), coach, tech])
    assert "no-coach" in _fired([boss, tech, user])
    assert "single-threaded" in _fired([boss, coach.model_copy(update={"contact": "none"}),
                                        tech.model_copy(update={"contact": "none"})])
    assert "uncovered-influencer" in _fired([*WELL_COVERED, Person(name="钱总", influence="high")])
    assert "opponent-unaddressed" in _fired([boss, coach, tech, user.model_copy(update={"plan": None})])
    assert "opponent-unaddressed" in _fired([*WELL_COVERED, Person(name="孙", roles=["saboteur"],
                                                                    influence="high", contact="brief")])
    middle_unmet = [p.model_copy(update={"contact": "none"}) if p.level == "middle" else p for p in WELL_COVERED]
    assert "bypassed-middle" in _fired(middle_unmet)
    assert "new-key-player" in _fired([*WELL_COVERED, Person(name="新来的周总", new=True)])
    weak_coach = coach.model_copy(update={"influence": "low", "reports_to": None})
    assert "coach-without-access" in _fired([boss, weak_coach, tech, user])


def test_people_rules_respect_role_equivalence():
    # decides / economic-buyer count as the decision maker; coach-buyer counts as the insider
    people = [Person(name="A", roles=["economic-buyer"], contact="regular", level="senior", influence="high"),
              Person(name="B", roles=["coach-buyer"], contact="deep", level="middle", influence="high",
                     reports_to="A")]
    fired = _fired(people)
    assert "no-decision-maker" not in fired and "no-coach" not in fired


def test_next_actions_name_the_people():
    playbook = load_playbook("six-step")
    done = [i for stage in playbook.stages[:2] for i in stage.gate_ids()]
    tech = Person(name="涂主任", roles=["technical-supporter"], contact="none", influence="medium", level="middle")
    result = _diagnose(Deal(name="x", done=done, people=[*WELL_COVERED[:2], tech]))
    assert result.sales_stage.id == "proposal"
    # the middle manager around the project is named once, by the most urgent action about him
    naming = [action for action in result.next_actions if "涂主任" in action.text]
    assert len(naming) == 1 and naming[0].who == ["涂主任"]


# --- properties --------------------------------------------------------------------------------

SIX = load_playbook("six-step")
ALL_IDS = sorted(SIX.checkable_ids())
STEPS = [s.id for s in SIX.customer_steps]


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(ALL_IDS)), st.sets(st.sampled_from(ALL_IDS)))
def test_marking_more_done_never_moves_the_stage_back(first, more):
    before = _diagnose(Deal(name="p", done=sorted(first))).sales_stage.index
    after = _diagnose(Deal(name="p", done=sorted(first | more))).sales_stage.index
    assert after >= before


@settings(max_examples=150, deadline=None)
@given(st.sets(st.sampled_from(ALL_IDS)), st.sampled_from(STEPS))
def test_customer_later_than_our_stage_always_raises_customer_ahead(done, step):
    result = _diagnose(Deal(name="p", done=sorted(done), customer_step=step))
    ahead = result.customer_step.index > result.sales_stage.index
    assert ahead == ("customer-ahead" in {w.id for w in result.warnings})
