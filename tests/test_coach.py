"""The coach reasons over the deal's own facts and says the few things that matter first (issue 13).

The bundled examples are the seeds' cases: each first action is the one the seed's author gives.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, write
from dealcoach.coaching.diagnosis import diagnose
from dealcoach.deals.edit import StageAnswers, apply_answers
from dealcoach.deals.models import Deal, Person
from dealcoach.examples import load_example
from dealcoach.i18n import pick
from dealcoach.playbook.loader import load_catalog, load_playbook, playbook_ids
from dealcoach.playbook.models import RULE_PLACEHOLDERS
from dealcoach.textfill import fill

DOWN, ENTER, SPACE = "\x1b[B", "\r", " "


def _diagnose(deal: Deal, lang="en"):
    return diagnose(deal, load_playbook(deal.playbook), load_catalog(), lang)


def _example(name: str, lang="en"):
    return _diagnose(load_example(name).deal, lang)


# --- 1. facts as evidence --------------------------------------------------------------------------

def test_company_a_coach_buyer_on_record_is_evidence_not_a_todo():
    result = _example("company-a-information-system")
    evidenced = {item.id: item for item in result.evidenced}
    assert {"find-coach-buyer", "coach-buyer-identified"} <= set(evidenced)
    assert evidenced["coach-buyer-identified"].facts == ["业务部经理: Coach buyer, contact regular"]
    todo = {a.source.split(":", 1)[1] for a in result.next_actions} | {m.id for m in result.missing}
    assert not {"find-coach-buyer", "coach-buyer-identified"} & todo


def test_auto_parts_insider_and_procurement_contact_are_evidenced():
    result = _example("auto-parts-supplier", "zh")
    evidenced = {item.id: item for item in result.evidenced}
    assert "行政部领导" in evidenced["find-insider"].facts[0]
    assert "采购副总" in evidenced["purchasing-contact-made"].facts[0]
    texts = " ".join(a.text for a in result.next_actions)
    assert "通过拜访寻找内线" not in texts and "已与采购或商务部门建立联系" not in texts


def test_the_rep_can_overrule_evidence_and_ticks_stay_the_reps():
    example = load_example("company-a-information-system")
    playbook, catalog = example.playbook, load_catalog()
    overruled = apply_answers(example.deal, StageAnswers(undone=["coach-buyer-identified"]), playbook, catalog)
    assert overruled.overruled == ["coach-buyer-identified"]
    result = _diagnose(overruled)
    assert "coach-buyer-identified" not in {item.id for item in result.evidenced}
    assert "coach-buyer-identified" in {m.id for m in result.missing}
    # ticking it again ends the overrule; evidence never writes a tick
    ticked = apply_answers(overruled, StageAnswers(done=["coach-buyer-identified"]), playbook, catalog)
    assert ticked.overruled == [] and "coach-buyer-identified" in ticked.done_ids()
    assert "find-coach-buyer" not in example.deal.done_ids()


def test_a_logged_visit_evidences_the_visit_work_item():
    playbook = load_playbook("eight-step")
    done = list(playbook.stage("project-setup").gate_ids())
    deal = Deal(name="x", playbook="eight-step", done=done, people=[Person(name="王经理", contact="brief")],
                activities=[{"date": "2026-11-02T10:00", "kind": "visit", "outcome": "held", "contact": "王经理"}])
    evidenced = {item.id: item for item in _diagnose(deal).evidenced}
    assert "onsite-visit" in evidenced and "王经理" in evidenced["onsite-visit"].facts[0]
    assert "visit-summary-filed" not in evidenced  # no form was filled in


@pytest.mark.parametrize("bad, problem", [
    ("{exists: {roles: [no-such-role]}}", "unknown role 'no-such-role'"),
    ("{activity: {kind: [telegram]}}", "kind.0"),
    ("{known: [bugdet]}", "known.0"),
    ("{stage_at_or_after: entry}", "says where the deal stands"),
])
def test_a_bad_evidence_condition_is_a_validation_error_with_its_line(run, tmp_path, bad, problem):
    text = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    anchor = "        evidence: {exists: {roles: [insider], contact: [brief, regular, deep]}}"
    assert anchor in text
    path = write(tmp_path / "six-step.yaml", text.replace(anchor, f"        evidence: {bad}"))
    result = run("playbook", "validate", str(path))
    assert result.exit_code == 1
    line = next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if bad in row)
    assert f"six-step.yaml:{line}:" in result.stderr and problem in result.stderr, result.stderr


# --- 2. warnings whose actions fit the deal --------------------------------------------------------

def test_customer_ahead_at_proposal_names_only_the_skipped_stages():
    playbook = load_playbook("six-step")
    done = [i for stage in playbook.stages[:2] for i in stage.gate_ids()]
    result = _diagnose(Deal(name="x", done=done, customer_step="tender-and-evaluation"))
    assert result.sales_stage.id == "proposal"
    action = next(a for a in result.next_actions if a.source == "rule:customer-ahead")
    assert "Proposal" in action.text and "Bidding" in action.text
    assert action.text.index("Proposal") < action.text.index("Bidding")
    assert playbook.stage("proposal").key_milestone.text.en in action.text
    assert "walk away" in action.text
    for develop_work in ("Develop", "Entry", "collect the need", "assess and grade", "insider"):
        assert develop_work not in action.text


def test_people_warnings_apply_at_the_first_stage_once_the_customer_is_at_the_tender():
    """A rep stuck in the first stage while the provincial bureau is three days from bid opening."""
    people = [Person(name="局长", roles=["decision-maker"], influence="high", level="senior")]
    result = _diagnose(Deal(name="x", customer_step="tender-and-evaluation", people=people))
    assert result.sales_stage.id == "develop"
    assert {"no-decision-maker", "no-coach", "uncovered-influencer"} <= {w.id for w in result.warnings}
    # the customer's process has not started and nobody is met: no people warnings yet
    quiet = _diagnose(Deal(name="x", customer_step="need-and-approval", people=people))
    assert not {"no-decision-maker", "no-coach", "uncovered-influencer"} & {w.id for w in quiet.warnings}


def test_people_warnings_once_anyone_is_met_whatever_our_stage():
    twenty_visits = [Person(name="处长", level="middle", contact="deep", influence="medium")]
    fired = {w.id for w in _diagnose(Deal(name="x", people=twenty_visits)).warnings}
    assert {"no-decision-maker", "no-coach", "single-threaded"} <= fired


def _bypass(people):
    return next((w for w in _diagnose(Deal(name="x", customer_step="supplier-screening", people=people)).warnings
                 if w.id == "bypassed-middle"), None)


def test_bypassed_middle_is_silent_when_the_senior_and_their_own_team_are_met():
    people = [Person(name="总经理", level="senior", contact="regular"),
              Person(name="小李", reports_to="总经理", contact="regular"),
              Person(name="小王", reports_to="总经理", contact="brief")]
    assert _bypass(people) is None


def test_bypassed_middle_fires_when_the_middle_around_the_project_is_not_met():
    people = [Person(name="CEO", level="senior", contact="regular"),
              Person(name="IT经理", level="middle", contact="regular", reports_to="CEO"),
              Person(name="厂长", level="middle", contact="none", reports_to="CEO"),
              Person(name="HR经理", level="middle", contact="none", reports_to="CEO")]
    warning = _bypass(people)
    assert warning is not None and set(warning.people) == {"厂长", "HR经理"}
    # the senior person's own people, level not recorded and never met, are that middle layer
    unrecorded = [Person(name="总经理", level="senior", contact="regular"), Person(name="小李", reports_to="总经理")]
    warning = _bypass(unrecorded)
    assert warning is not None and warning.people == ["小李"]


# --- 3. one ranked list ----------------------------------------------------------------------------

def test_ningxia_first_action_catches_up_the_develop_work_or_walks_away_then_the_insider():
    result = _example("ningxia-industrial-oil", "zh")
    first = result.next_actions[0]
    assert first.source == "rule:customer-ahead"
    assert first.text.index("开发阶段") < first.text.index("销售进入阶段")
    assert "评估和分级" in first.text and "内线" in first.text and "放弃" in first.text
    assert "负责人A" not in {p for w in result.warnings if w.id == "no-decision-maker" for p in w.people}


def test_company_a_first_action_works_through_the_coach_buyer_to_the_gm():
    first = _example("company-a-information-system", "zh").next_actions[0]
    assert first.source == "rule:no-decision-maker"
    assert set(first.who) == {"A公司总经理", "业务部经理"}
    assert first.text.index("业务部经理") < first.text.index("A公司总经理")


def test_auto_parts_first_action_goes_through_the_insider_to_the_procurement_chief():
    first = _example("auto-parts-supplier", "zh").next_actions[0]
    assert set(first.who) == {"采购老总", "行政部领导"}
    assert "行政部领导" in first.text and "采购老总" in first.text
    assert "2~3家" in first.how and "其中一家" in first.how


@pytest.mark.parametrize("name", ["ningxia-industrial-oil", "company-a-information-system", "auto-parts-supplier"])
def test_nothing_is_said_twice_and_ranks_hold(name):
    actions = _example(name).next_actions
    assert len({a.text for a in actions}) == len(actions)
    assert [a.rank for a in actions] == sorted(a.rank for a in actions)
    for rank in {a.rank for a in actions}:
        named = [bool(a.who) for a in actions if a.rank == rank]
        assert named == sorted(named, reverse=True)  # a person named before a role
    sources = {a.source for a in actions}
    missing = {f"{m.kind}:{m.id}" for m in _example(name).missing}
    # each missing item is said at most once: as its own action or inside the action that covers it
    assert len([s for s in sources if s in missing]) == len(sources & missing)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["ningxia-industrial-oil", "company-a-information-system", "auto-parts-supplier"])
def test_the_default_view_fits_one_screen_and_all_shows_everything(run, name, lang):
    result = run("stage", "--example", name, "--lang", lang, env={"COLUMNS": "100"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) <= 42 and max(len(line) for line in lines) <= 100
    assert "json" not in result.stdout.lower()
    everything = run("stage", "--example", name, "--lang", lang, "--all", env={"COLUMNS": "100"})
    data = json.loads(run("stage", "--example", name, "--json").stdout)
    hidden = len(data["next_actions"]) - 5
    if hidden > 0:
        assert "--all" in result.stdout
    assert everything.stdout.count("\n") > result.stdout.count("\n")


# --- 4. where we stand -----------------------------------------------------------------------------

def test_company_a_has_the_advantage_over_b_as_the_seed_concludes():
    position = _example("company-a-information-system").position
    assert position is not None
    versus = position.versus[0]
    assert (versus.competitor, versus.verdict) == ("B公司", "advantage")
    assert any("Need fit" in d for d in versus.dimensions) and any("Brand" in d for d in versus.dimensions)
    assert "budget" in position.profit and not position.profit_known
    assert position.breakthrough[0].person == "A公司总经理" and position.breakthrough[0].via == ["业务部经理"]


def test_profit_room_is_our_cost_against_the_customers_budget():
    deal = Deal(name="x", competitors=["B"], budget=1_000_000, our_cost=700_000)
    assert "300,000 CNY" in _diagnose(deal).position.profit and "30%" in _diagnose(deal).position.profit
    loss = Deal(name="x", competitors=["B"], budget=500_000, our_cost=700_000)
    assert "no profit" in _diagnose(loss).position.profit
    assert _diagnose(Deal(name="x")).position is None


# --- no unfilled placeholder, in any rule, in any language -----------------------------------------

@pytest.mark.parametrize("playbook_id", playbook_ids())
def test_every_rule_text_renders_with_no_placeholder_left(playbook_id):
    playbook = load_playbook(playbook_id)
    filled = {name: f"<{name}>" for name in RULE_PLACEHOLDERS}
    for rule in playbook.rules:
        for text in filter(None, (rule.message, rule.action)):
            for lang in ("zh", "zh-Hant", "en"):
                rendered = fill(pick(text.zh, text.en, lang), filled)
                assert not re.search(r"\{[^}]*\}", rendered), (rule.id, lang, rendered)


@pytest.mark.parametrize("lang", ["zh", "zh-Hant", "en"])
def test_a_new_deal_at_entry_says_nothing_with_a_brace(lang):
    done = list(load_playbook("six-step").stage("develop").gate_ids())
    result = _diagnose(Deal(name="新商机", done=done, customer_step="supplier-screening"), lang)
    assert result.warnings
    text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
    assert not re.search(r"\{[a-z_]+\}", text)


# --- 5. the log drives the deal ----------------------------------------------------------------------

def test_a_logged_visit_raises_the_contact_level_and_history_says_so(run):
    run("deal", "import", str(ROOT / "playbooks" / "examples" / "ningxia-industrial-oil.yaml"))
    before = json.loads(run("stage", "宁夏", "--json").stdout)
    assert "项目经理" in next(w for w in before["warnings"] if w["id"] == "uncovered-influencer")["people"]
    added = run("log", "add", "宁夏", "--kind", "visit", "--outcome", "held", "--contact", "项目经理")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(run("deal", "show", "宁夏", "--json").stdout)
    assert next(p for p in shown["people"] if p["name"] == "项目经理")["contact"] == "brief"
    assert "项目经理 contact none -> brief" in shown["history"][-1]["what"]
    after = json.loads(run("stage", "宁夏", "--json").stdout)
    assert not any("项目经理" in w["people"] for w in after["warnings"] if w["id"] == "uncovered-influencer")
    assert "未接触" not in run("map", "宁夏", "--lang", "zh").stdout.split("项目经理", 1)[1].split("\n", 1)[0]


def test_contact_levels_never_go_down_by_themselves(run):
    run("deal", "new", "--name", "x")
    run("people", "add", "x", "--name", "老朋友", "--contact", "deep")
    for outcome in ("no-answer", "connected", "refused"):
        assert run("log", "add", "x", "--kind", "call", "--outcome", outcome, "--contact", "老朋友").exit_code == 0
    shown = json.loads(run("deal", "show", "x", "--json").stdout)
    assert shown["people"][0]["contact"] == "deep"


def test_three_held_visits_make_regular_contact_an_unanswered_call_makes_none():
    from dealcoach.deals.edit import add_activity

    playbook, catalog = load_playbook("six-step"), load_catalog()
    deal = Deal(name="x", people=[Person(name="王处")])
    deal = add_activity(deal, {"date": "2026-11-01T09:00", "kind": "call", "outcome": "no-answer", "contact": "王处"},
                        playbook, catalog)
    assert deal.people[0].contact == "none"
    for day in (2, 9, 16):
        deal = add_activity(deal, {"date": f"2026-11-{day:02d}T10:00", "kind": "visit", "outcome": "held",
                                   "contact": "王处"}, playbook, catalog)
        assert deal.people[0].contact == ("regular" if day == 16 else "brief")


# --- 6. a view and a walk ----------------------------------------------------------------------------

def test_the_walk_asks_only_what_is_not_settled_and_infers_the_step_from_signals(run, keys):
    run("deal", "import", str(ROOT / "playbooks" / "examples" / "company-a-information-system.yaml"))
    playbook = load_playbook("eight-step")
    stage = playbook.stage("initial-contact")
    asked = [w.id for w in stage.work_items] + stage.gate_ids()
    settled = {"customer-planning", "phone-invitation", "onsite-visit", "find-coach-buyer", "coach-buyer-identified",
               "analyse-opportunity"}
    unsettled = [i for i in asked if i not in settled]
    # tick the first unsettled item (build-relationships): the coach buyer items are not offered
    keys.send_text(SPACE + ENTER)
    keys.send_text(DOWN * 7 + ENTER)        # from feasibility-and-budget (2nd) to the last option: not sure
    tender = playbook.customer_steps[4].signals[0]
    signal_index = [s.id for step in playbook.customer_steps for s in step.signals].index(tender.id)
    keys.send_text(DOWN * signal_index + SPACE + ENTER)
    result = run("stage", "A公司", "--walk")
    assert result.exit_code == 0, result.output
    shown = json.loads(run("deal", "show", "A公司", "--json").stdout)
    assert unsettled[0] in {m["id"] for m in shown["done"]}
    assert not {"find-coach-buyer", "coach-buyer-identified"} & {m["id"] for m in shown["done"]}  # still evidence
    assert shown["customer_step"] is None and tender.id in shown["signals"]
    diagnosis = json.loads(run("stage", "A公司", "--json").stdout)
    assert (diagnosis["customer_step"]["id"], diagnosis["customer_step"]["source"]) == ("tender", "signals")
    assert "--" not in result.stdout.split("Next actions")[0]  # no flag is named mid-walk


def test_a_booked_meeting_has_a_real_time_and_reaches_followup_and_the_calendar(run, tmp_path):
    import datetime as dt

    run("deal", "import", str(ROOT / "playbooks" / "examples" / "auto-parts-supplier.yaml"))
    booked = run("call-script", "1", "--contact", "行政部领导", "--outcome", "meeting-booked",
                 "--meeting-time", "下周二上午10点", "--meeting-place", "行政部")
    assert booked.exit_code == 0, booked.stderr
    meeting = json.loads(run("deal", "show", "1", "--json").stdout)["activities"][-1]["meeting"]
    at = dt.datetime.fromisoformat(meeting["at"])
    assert (at.weekday(), at.hour, meeting["when"]) == (1, 10, "下周二上午10点")
    plan = json.loads(run("followup", "--days", "14", "--json").stdout)
    [item] = [i for i in plan if i["kind"] == "meeting"]
    assert dt.datetime.fromisoformat(item["at"]) == at and item["contact"] == "行政部领导"
    ics = tmp_path / "plan.ics"
    assert run("followup", "--days", "14", "--ics", str(ics)).exit_code == 0
    assert f"DTSTART:{at:%Y%m%dT%H%M%S}" in ics.read_text() or f"DTSTART;TZID" in ics.read_text()
    assert f"{at:%Y%m%dT100000}" in ics.read_text()


def test_a_meeting_time_that_cannot_be_read_is_one_line_and_saves_nothing(run):
    run("deal", "import", str(ROOT / "playbooks" / "examples" / "auto-parts-supplier.yaml"))
    result = run("call-script", "1", "--contact", "行政部领导", "--outcome", "meeting-booked",
                 "--meeting-time", "改天吧")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--meeting-time" in result.stderr
    assert json.loads(run("deal", "show", "1", "--json").stdout)["version"] == 1


def test_the_visit_summarys_next_step_becomes_a_dated_follow_up(run):
    import datetime as dt

    run("deal", "import", str(ROOT / "playbooks" / "examples" / "company-a-information-system.yaml"))
    added = run("log", "add", "A公司", "--kind", "visit", "--outcome", "held", "--contact", "业务部经理",
                "--form", "next-step=带物流方案去见总经理", "--form", "next-step-when=明天下午3点")
    assert added.exit_code == 0, added.stderr
    plan = json.loads(run("followup", "--days", "3", "--json").stdout)
    [item] = [i for i in plan if i["kind"] == "next-step"]
    at = dt.datetime.fromisoformat(item["at"])
    assert (at.date(), at.hour) == (dt.date.today() + dt.timedelta(days=1), 15)
    assert "带物流方案去见总经理" in item["why"]
    bad = run("log", "add", "A公司", "--kind", "visit", "--outcome", "held", "--form", "next-step-when=回头再说")
    assert bad.exit_code == 1 and "next-step-when" in bad.stderr


# --- 7. honest content, 9. say what the playbook knows -----------------------------------------------

def test_pain_templates_read_as_sentences_with_any_pain():
    clause = "现有供应商的服务跟不上"
    for playbook_id in playbook_ids():
        invitation = load_playbook(playbook_id).phone_invitation
        texts = [q.ask.zh for q in invitation.pain_questions]
        for audience in invitation.audiences:
            texts += [q.ask.zh for q in audience.pain_questions]
            texts += [line.zh for step in audience.steps for line in step.say]
        for text in texts:
            rendered = fill(text, {"pain": clause, "account": "甲公司", "contact_title": "经理"})
            assert "现有供应商在现有供应商" not in rendered and f"{clause}方面" not in rendered, rendered


def test_the_initiator_is_who_endorses_us_and_a_long_payment_cycle_is_a_caution():
    catalog = load_catalog()
    assert "认同" in catalog.role("initiator").traits[0].zh
    six = load_playbook("six-step")
    assert all("最早感到问题" not in focus.why.zh for stage in six.stages for focus in stage.key_roles)
    payment = next(f for f in six.grading.assessment.factors if f.id == "payment-cycle")
    assert payment.knockout_below is None  # seed 002: 小心为妙, not an automatic fail


def test_case_lessons_and_department_traits_reach_the_user(run):
    six = load_playbook("six-step")
    stage = next(s for s in six.stages if any(c.lesson for c in s.cases))
    case = next(c for c in stage.cases if c.lesson)
    shown = run("playbook", "show", "six-step", "--stage", stage.id, "--lang", "zh", env={"COLUMNS": "200"})
    assert case.lesson.zh[:12] in shown.stdout.replace("\n", "")
    run("deal", "import", str(ROOT / "playbooks" / "examples" / "auto-parts-supplier.yaml"))
    person = run("people", "show", "1", "采购副总", "--lang", "zh", env={"COLUMNS": "200"})
    assert person.exit_code == 0, person.stderr
    trait = next(d for d in load_catalog().departments if d.id == "procurement").traits[1].zh
    assert trait[:10] in person.stdout.replace("\n", "")


def test_the_stage_advice_that_applies_now_is_shown():
    ningxia = _example("ningxia-industrial-oil", "zh")
    ladder = next(a for a in load_playbook("six-step").stage("develop").advice if a.id == "check-the-ladder-first")
    assert ningxia.advice_now == [ladder.text.zh]
    company_a = _example("company-a-information-system", "zh")
    stage = load_playbook("eight-step").stage("initial-contact")
    coach_found = next(a for a in stage.advice if a.id == "find-the-right-person")
    assert coach_found.text.zh not in company_a.advice_now  # the coach buyer is already met
    assert company_a.advice_now and all(text in [a.text.zh for a in stage.advice] for text in company_a.advice_now)
