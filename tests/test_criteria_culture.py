"""Shaping the purchase criteria, qualifying the insider, decision culture: each rule fires on a
crafted deal and stays quiet on its near twin, in both playbooks; the fields are typed as people
type them (ids or labels in zh, zh-Hant, en); bad values are one line naming the field."""

from __future__ import annotations

import json

import pytest

from dealcoach.coaching.diagnosis import diagnose
from dealcoach.deals.models import Deal, Person
from dealcoach.playbook.loader import load_catalog, load_playbook

CATALOG = load_catalog()
PLAYBOOKS = {"six-step": {"screening": "supplier-screening", "criteria": "purchase-criteria",
                          "tender": "tender-and-evaluation"},
             "eight-step": {"screening": "feasibility-and-budget", "criteria": "purchase-criteria",
                            "tender": "tender"}}
MET = "regular"


def warnings(playbook_id: str, step: str = "criteria", people=(), **fields) -> set[str]:
    deal = Deal(name="crafted", playbook=playbook_id, customer_step=PLAYBOOKS[playbook_id][step],
                people=list(people), **fields)
    return {w.id for w in diagnose(deal, load_playbook(playbook_id), CATALOG, "en").warnings}


def person(name: str, *roles: str, **fields) -> Person:
    return Person(name=name, roles=list(roles), **fields)


SETTER = person("工程师", "sets-criteria", attitude="supporter", contact=MET)
BOSS = person("老总", "decision-maker", attitude="supporter", contact=MET, level="senior")


# --- 1. the purchase criteria ------------------------------------------------------------------

@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_criteria_not_assessed_until_recorded(playbook_id):
    assert "criteria-not-assessed" in warnings(playbook_id, people=[SETTER])
    assert "criteria-not-assessed" not in warnings(playbook_id, people=[SETTER], criteria={"state": "partial"})
    # at the tender it is too late to ask: other rules speak then
    assert "criteria-not-assessed" not in warnings(playbook_id, step="tender", people=[SETTER])


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
@pytest.mark.parametrize("state", ["unknown", "uncertain", "partial"])
def test_open_criteria_can_still_be_shaped_before_the_tender(playbook_id, state):
    playbook = load_playbook(playbook_id)
    deal = Deal(name="x", playbook=playbook_id, customer_step=PLAYBOOKS[playbook_id]["criteria"], people=[SETTER],
                criteria={"state": state})
    diagnosis = diagnose(deal, playbook, CATALOG, "en")
    fired = {w.id: w for w in diagnosis.warnings}
    assert "criteria-open" in fired and fired["criteria-open"].people == ["工程师"]
    action = next(a for a in diagnosis.next_actions if a.source == "rule:criteria-open")
    # by whom and how: the setter, and the playbook's advice for this state
    assert "工程师" in action.text and playbook.purchase_criteria.state(state).how.en in action.text
    assert "工程师" in action.who
    # favouring us already, settled, or at the tender: nothing to shape
    assert "criteria-open" not in warnings(playbook_id, people=[SETTER], criteria={"state": state, "favours": "us"})
    assert "criteria-open" not in warnings(playbook_id, step="tender", people=[SETTER], criteria={"state": state})
    assert "criteria-open" not in warnings(playbook_id, people=[SETTER], criteria={"state": "settled"})


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_no_criteria_setter(playbook_id):
    nobody = warnings(playbook_id, people=[BOSS], criteria={"state": "uncertain"})
    assert "criteria-no-setter" in nobody
    assert "criteria-no-setter" not in warnings(playbook_id, people=[BOSS, SETTER], criteria={"state": "uncertain"})
    assert "criteria-no-setter" not in warnings(playbook_id, people=[BOSS], criteria={"state": "settled"})


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_settled_against_us_warns_of_a_price_war(playbook_id):
    playbook = load_playbook(playbook_id)
    deal = Deal(name="x", playbook=playbook_id, customer_step=PLAYBOOKS[playbook_id]["criteria"],
                people=[BOSS, SETTER], criteria={"state": "settled", "favours": "competitor"})
    diagnosis = diagnose(deal, playbook, CATALOG, "zh")
    fired = {w.id: w for w in diagnosis.warnings}
    assert fired["criteria-settled-against-us"].severity == "high"
    assert "价格战" in fired["criteria-settled-against-us"].message
    action = next(a for a in diagnosis.next_actions if a.source == "rule:criteria-settled-against-us")
    assert "老总" in action.text and "决策层" in action.text  # the decision layer can still change them
    for twin in ({"state": "partial", "favours": "competitor"}, {"state": "settled", "favours": "neutral"},
                 {"state": "settled", "favours": "us"}):
        assert "criteria-settled-against-us" not in warnings(playbook_id, people=[BOSS, SETTER], criteria=twin)


@pytest.mark.parametrize(("playbook_id", "milestone"), [("six-step", "criteria-influenced"),
                                                        ("eight-step", "criteria-favourable")])
def test_criteria_that_favour_us_evidence_the_milestone(playbook_id, milestone):
    playbook = load_playbook(playbook_id)
    deal = Deal(name="x", playbook=playbook_id, criteria={"state": "partial", "favours": "us", "items": ["耐高温 200℃"]})
    evidenced = {item.id: item for item in diagnose(deal, playbook, CATALOG, "zh").evidenced}
    assert milestone in evidenced
    assert evidenced[milestone].facts == ["采购标准：半确定型，有利于我方（耐高温 200℃）"]
    unsettled = Deal(name="x", playbook=playbook_id, criteria={"state": "uncertain", "favours": "us"})
    assert milestone not in {item.id for item in diagnose(unsettled, playbook, CATALOG, "zh").evidenced}


# --- 3. decision culture -----------------------------------------------------------------------

@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_centralised_supporters_do_not_outweigh_an_unknown_boss(playbook_id):
    supporters = [person(f"支持者{i}", "insider", attitude="supporter", contact=MET) for i in range(3)]
    unknown_boss = person("老大", "decision-maker", attitude="unknown", contact="none", level="senior")
    assert "centralised-boss-unknown" in warnings(playbook_id, people=[*supporters, unknown_boss], culture="centralised")
    assert "centralised-boss-unknown" in warnings(playbook_id, people=supporters, culture="集权")  # no boss known
    won_boss = unknown_boss.model_copy(update={"attitude": "supporter", "contact": MET})
    assert "centralised-boss-unknown" not in warnings(playbook_id, people=[*supporters, won_boss], culture="centralised")
    assert "centralised-boss-unknown" not in warnings(playbook_id, people=[*supporters, unknown_boss], culture="delegated")
    assert "centralised-boss-unknown" not in warnings(playbook_id, people=[*supporters, unknown_boss])


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_delegated_the_delegate_is_the_decision_maker_to_win(playbook_id):
    boss = person("总经理", "decision-maker", contact="none", level="senior")
    helper = person("主任", attitude="supporter", contact=MET)
    fired = warnings(playbook_id, people=[boss, helper], culture="delegated")
    assert "delegate-unknown" in fired and "no-decision-maker" in fired
    delegate = person("副总", contact=MET, delegate=True, attitude="neutral")
    fired = warnings(playbook_id, people=[boss, helper, delegate], culture="delegated")
    # the delegate met stands for the decision maker; now win them
    assert "delegate-unknown" not in fired and "no-decision-maker" not in fired and "delegate-not-won" in fired
    won = delegate.model_copy(update={"attitude": "supporter"})
    assert "delegate-not-won" not in warnings(playbook_id, people=[boss, helper, won], culture="delegated")
    # a delegating leader in any culture asks the same question
    delegating = boss.model_copy(update={"style": "delegating"})
    assert "delegate-unknown" in warnings(playbook_id, people=[delegating, helper])
    assert "delegate-unknown" not in warnings(playbook_id, people=[boss, helper])


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_leadership_styles_change_whom_to_win(playbook_id):
    team = person("科长", attitude="opponent", contact=MET, reports_to="老总")
    telling = BOSS.model_copy(update={"style": "telling", "attitude": "neutral"})
    assert "telling-leader-not-won" in warnings(playbook_id, people=[telling, team])
    assert "telling-leader-not-won" not in warnings(playbook_id, people=[telling.model_copy(update={"attitude": "supporter"}), team])
    selling = BOSS.model_copy(update={"style": "selling"})
    assert "selling-leader-team-opposed" in warnings(playbook_id, people=[selling, team])
    assert "selling-leader-team-opposed" not in warnings(
        playbook_id, people=[selling, team.model_copy(update={"attitude": "supporter"})])
    participating = BOSS.model_copy(update={"style": "participating"})
    assert "participating-circle-not-won" in warnings(playbook_id, people=[participating, team])
    assert "participating-circle-not-won" not in warnings(playbook_id, people=[selling, team])
    assert not {"telling-leader-not-won", "selling-leader-team-opposed", "participating-circle-not-won"} & \
        warnings(playbook_id, people=[BOSS, team])


# --- 2. qualifying the insider -----------------------------------------------------------------

@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_an_insider_is_qualified_before_relied_on(playbook_id):
    raw = person("内线", "insider", attitude="supporter", contact=MET)
    assert "insider-unqualified" in warnings(playbook_id, people=[raw, BOSS])
    qualified = raw.model_copy(update={"motive": "likes-us", "support": "引荐了采购老总", "will": "high",
                                       "ability": "medium"})
    assert "insider-unqualified" not in warnings(playbook_id, people=[qualified, BOSS])
    never_met = raw.model_copy(update={"contact": "none"})
    assert "insider-unqualified" not in warnings(playbook_id, people=[never_met, BOSS])


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_willing_but_powerless_is_not_reliable(playbook_id):
    weak = person("热心人", "insider", attitude="supporter", contact=MET, will="high", ability="low")
    assert "insider-unreliable" in warnings(playbook_id, people=[weak, BOSS])
    strong = person("老同学", "coach-buyer", attitude="supporter", contact=MET, will="medium", ability="high")
    assert "insider-unreliable" not in warnings(playbook_id, people=[weak, strong, BOSS])


# --- input: flags, labels, bad values ----------------------------------------------------------

def test_fields_by_flags_and_labels_in_any_language(run, isolated_home):
    assert run("deal", "new", "--name", "试", "--criteria-state", "半確定型", "--criteria-favour", "对手",
               "--criterion", "每个配件分给2~3家供应商", "--culture", "集權").exit_code == 0
    run("people", "add", "试", "--name", "内线", "--role", "insider", "--motive", "反对支持竞争对手的盟友",
        "--will", "高", "--ability", "low", "--support", "引荐")
    run("people", "add", "试", "--name", "老总", "--role", "decision-maker", "--style", "Participating")
    deal = json.loads(run("deal", "show", "试", "--json").stdout)
    assert deal["criteria"] == {"state": "partial", "favours": "competitor", "items": ["每个配件分给2~3家供应商"]}
    assert deal["culture"] == "centralised"
    insider, boss = deal["people"]
    assert (insider["motive"], insider["will"], insider["ability"], insider["support"]) == \
        ("against-competitor-backers", "high", "low", "引荐")
    assert boss["style"] == "participating"
    # editing one part of the criteria keeps the others; '' clears
    run("deal", "edit", "试", "--criteria-state", "settled")
    deal = json.loads(run("deal", "show", "试", "--json").stdout)
    assert deal["criteria"]["state"] == "settled" and deal["criteria"]["favours"] == "competitor"
    run("deal", "edit", "试", "--culture", "", "--criterion", "")
    deal = json.loads(run("deal", "show", "试", "--json").stdout)
    assert deal["culture"] is None and deal["criteria"]["items"] == []
    run("people", "edit", "试", "老总", "--delegate")
    assert json.loads(run("deal", "show", "试", "--json").stdout)["people"][1]["delegate"] is True


@pytest.mark.parametrize(("args", "field"), [
    (("deal", "edit", "试", "--criteria-state", "一半"), "criteria.state"),
    (("deal", "edit", "试", "--criteria-favour", "maybe"), "criteria.favours"),
    (("deal", "edit", "试", "--culture", "anarchy"), "culture"),
    (("people", "edit", "试", "老总", "--style", "bossy"), "style"),
    (("people", "edit", "试", "老总", "--motive", "money"), "motive"),
    (("people", "edit", "试", "老总", "--will", "very"), "will"),
])
def test_bad_values_are_one_line_naming_the_field(run, isolated_home, args, field):
    run("deal", "new", "--name", "试")
    run("people", "add", "试", "--name", "老总")
    result = run(*args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "use one of" in lines[0] and "Traceback" not in result.stderr


def test_a_deal_file_with_a_bad_criteria_state_names_its_line(run, tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("name: x\ncriteria:\n  state: halfway\n", encoding="utf-8")
    result = run("stage", "--deal-file", str(path))
    assert result.exit_code == 1
    assert "d.yaml:3" in result.stderr and "criteria.state" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_bundled_examples_carry_their_criteria():
    from dealcoach.examples import load_example

    parts = load_example("auto-parts-supplier").deal
    assert any("2~3家供应商" in item for item in parts.criteria.items)
    assert "sets-criteria" in parts.person("采购老总").roles
    ningxia = load_example("ningxia-industrial-oil")
    diagnosis = diagnose(ningxia.deal, ningxia.playbook, CATALOG, "zh")
    shaping = next(w for w in diagnosis.warnings if w.id == "criteria-open")
    assert shaping.people == ["设计负责人"]  # the design lead who offered to design us in


# --- 2. the insider ladder (销售要成功的五个步骤) ---------------------------------------------------

def _ladder(playbook_id: str, people, **fields):
    deal = Deal(name="x", playbook=playbook_id, customer_step=PLAYBOOKS[playbook_id]["screening"],
                people=list(people), **fields)
    return diagnose(deal, load_playbook(playbook_id), CATALOG, "en")


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
def test_the_ladder_climbs_rung_by_rung_and_names_the_next(playbook_id):
    assessed = {"six-step": "prospect-assessed", "eight-step": "opportunity-qualified"}[playbook_id]
    boss = person("总经理", "decision-maker", attitude="unknown", contact="none", influence="high", level="senior")
    # nothing yet: the first rung is next
    assert _ladder(playbook_id, [boss]).insider_ladder.next.id == "we-are-good"
    # assessed, nobody speaks for us
    ladder = _ladder(playbook_id, [boss], done=[assessed]).insider_ladder
    assert (ladder.standing, ladder.next.id) == (1, "someone-vouches")
    # an outer-circle insider with little weight vouches: "the one who vouches must carry weight"
    outer = person("小王", "insider", attitude="supporter", contact=MET, influence="low", circle="outer")
    diagnosis = _ladder(playbook_id, [boss, outer], done=[assessed])
    ladder = diagnosis.insider_ladder
    assert (ladder.standing, ladder.next.id) == (2, "voucher-carries-weight")
    assert ladder.next.who[0] == "小王" and "总经理" in ladder.next.text and "小王" in ladder.next.text
    action = next(a for a in diagnosis.next_actions if a.source == "ladder:voucher-carries-weight")
    assert action.text.startswith("Insider ladder 2/5 → The one who vouches must carry weight: 小王")
    # an inner-circle voucher: now the decision maker's own trust is next, through them
    inner = outer.model_copy(update={"circle": "inner"})
    ladder = _ladder(playbook_id, [boss, inner], done=[assessed]).insider_ladder
    assert (ladder.standing, ladder.next.id) == (3, "our-word-counts") and ladder.next.who == ["小王", "总经理"]
    # the boss trusts us; an influential opponent still dares
    won = boss.model_copy(update={"attitude": "supporter", "contact": "deep"})
    foe = person("老李", attitude="opponent", influence="high", contact="brief")
    ladder = _ladder(playbook_id, [won, inner, foe], done=[assessed]).insider_ladder
    assert (ladder.standing, ladder.next.id, ladder.next.who) == (4, "nobody-dares-object", ["老李"])
    ladder = _ladder(playbook_id, [won, inner], done=[assessed]).insider_ladder
    assert (ladder.standing, ladder.next) == (5, None)


def test_a_rung_above_a_missing_one_does_not_count():
    """Standing is counted from the bottom: a won boss without any assessment is still at rung 0."""
    won = person("总经理", "decision-maker", attitude="supporter", contact="deep")
    ladder = _ladder("six-step", [won]).insider_ladder
    assert ladder.standing == 0 and ladder.rungs[3].reached


def test_the_bundled_examples_stand_where_their_stories_put_them():
    from dealcoach.examples import load_example

    parts = load_example("auto-parts-supplier")
    ladder = diagnose(parts.deal, parts.playbook, CATALOG, "zh").insider_ladder
    # 行政部领导 reports to 采购老总 and introduced 蒋先生 to him: next, win 采购老总's own trust
    assert (ladder.standing, ladder.next.id, ladder.next.who) == (3, "our-word-counts", ["行政部领导", "采购老总"])


# --- surfaced: stage --json, stage --all, people show, map ---------------------------------------

@pytest.fixture
def shaped(run, isolated_home):
    from dealcoach.examples import examples_dir

    run("deal", "import", str(examples_dir() / "auto-parts-supplier.yaml"))
    run("deal", "edit", "汽车", "--culture", "集权")
    run("people", "edit", "汽车", "采购老总", "--style", "告之型")
    run("people", "edit", "汽车", "行政部领导", "--motive", "likes-us")
    return "汽车"


def test_stage_json_carries_the_views_with_their_ids(run, shaped):
    data = json.loads(run("stage", shaped, "--json").stdout)
    assert data["criteria"]["state"] == "settled" and data["criteria"]["shapeable"] is False
    assert data["criteria"]["who"] == ["采购老总"]  # settled: only the decision layer can change them
    assert data["insider_ladder"]["standing"] == 3 and data["insider_ladder"]["next"]["id"] == "our-word-counts"
    assert data["culture"]["culture"] == "centralised"
    assert data["culture"]["leaders"] == [{"name": "采购老总", "style": "telling", "style_name": "telling",
                                           "how_to_win": data["culture"]["leaders"][0]["how_to_win"]}]
    fired = {w["id"] for w in data["warnings"]}
    assert {"centralised-boss-unknown", "telling-leader-not-won"} <= fired


def test_stage_all_shows_the_ladder_and_culture(run, shaped):
    out = run("stage", shaped, "--all", "--lang", "zh", env={"COLUMNS": "200"}).stdout
    assert "内线阶梯：✓ 自己首先定要行 · ✓ 需要有人说你行 · ✓ 说你行的人要行 · → 你说谁行谁就行" in out
    assert "决策文化：集权" in out and "采购老总（告之型）：" in out
    assert "采购标准：确定型，不偏向任何一方：已经难以影响" in out


def test_people_show_qualifies_the_insider_and_the_leader(run, shaped):
    insider = json.loads(run("people", "show", shaped, "行政部领导", "--json").stdout)["shaping"]
    assert insider["insider"]["motive"] == "likes-us" and insider["insider"]["support"] == "把蒋先生介绍给了采购老总"
    assert insider["ladder_next"]["id"] == "our-word-counts"
    boss = json.loads(run("people", "show", shaped, "采购老总", "--json").stdout)["shaping"]
    assert boss["leads"]["style"] == "telling" and boss["culture"].startswith("centralised")
    assert boss["criteria"]["state"] == "settled" and boss["insider"] is None
    out = run("people", "show", shaped, "行政部领导", "--lang", "zh").stdout
    assert "验证内线" in out and "喜欢我们的盟友" in out and "内线阶梯的下一级" in out


def test_map_shows_the_ladder_culture_and_their_gaps(run, shaped):
    data = json.loads(run("map", shaped, "--json").stdout)
    assert {"centralised-boss-unknown", "telling-leader-not-won"} <= {g["id"] for g in data["gaps"]}
    assert data["insider_ladder"]["standing"] == 3
    out = run("map", shaped, "--lang", "zh", env={"COLUMNS": "200"}).stdout
    assert "内线阶梯：" in out and "→ 你说谁行谁就行" in out and "决策文化：集权" in out


# --- interactive: the same fields asked, never a flag ----------------------------------------

ENTER, SPACE, DOWN, UP = "\r", " ", "\x1b[B", "\x1b[A"


def test_people_add_asks_an_insider_why_and_how(run, isolated_home, keys):
    run("deal", "new", "--name", "甲项目")
    keys.send_text("小王" + ENTER * 4)                       # name, title, department, level
    keys.send_text(DOWN * 3 + SPACE + ENTER)                 # roles: insider (the fourth of the six)
    keys.send_text(ENTER * 3)                                # attitude, influence, contact: defaults
    keys.send_text(UP + ENTER)                                # motive: likes us (above "not known yet")
    keys.send_text("引荐了采购老总" + ENTER)                  # support shown
    keys.send_text(UP * 3 + ENTER + ENTER)                    # will: high; ability: unknown (the default)
    result = run("people", "add", "甲项目")
    assert result.exit_code == 0, result.output
    insider = json.loads(run("people", "list", "甲项目", "--json").stdout)[0]
    assert (insider["roles"], insider["motive"], insider["support"], insider["will"], insider["ability"]) == \
        (["insider"], "likes-us", "引荐了采购老总", "high", "unknown")


def test_deal_edit_asks_the_criteria_and_the_culture(run, isolated_home, keys):
    run("deal", "new", "--name", "甲项目")
    keys.send_text(ENTER * 6)                                 # name, account, amount, currency, close, probability
    keys.send_text(UP * 2 + ENTER)                            # state: partly settled (above settled, not known)
    keys.send_text(UP + ENTER)                                # favours: a competitor (above unknown)
    keys.send_text(UP + ENTER)                                # culture: delegated
    assert run("deal", "edit", "甲项目").exit_code == 0
    deal = json.loads(run("deal", "show", "甲项目", "--json").stdout)
    assert deal["criteria"]["state"] == "partial" and deal["criteria"]["favours"] == "competitor"
    assert deal["culture"] == "delegated"


def test_people_edit_on_a_terminal_asks_an_insider_from_what_is_recorded(run, isolated_home, keys):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "小王", "--role", "insider", "--motive", "likes-us", "--will", "low")
    keys.send_text(ENTER * 3 + ENTER + "n" + ENTER)     # circle, boss trust, follows, faction, KPI: no; needs: none
    keys.send_text(ENTER)                                # motive: kept (likes us, as recorded)
    keys.send_text("引荐了处长" + ENTER)                  # support shown
    keys.send_text(UP + ENTER + ENTER)                   # will: medium (above low); ability: unknown
    result = run("people", "edit", "甲项目", "小王")
    assert result.exit_code == 0, result.output
    insider = json.loads(run("people", "list", "甲项目", "--json").stdout)[0]
    assert (insider["motive"], insider["support"], insider["will"], insider["ability"]) == \
        ("likes-us", "引荐了处长", "medium", "unknown")
