"""Politics and needs (#17 points 4 and 5): circles, boss relations, factions, the user department,
the three links (用/买/定), the KPI owner and the increment. Each rule fires on a crafted deal and
stays silent once the one fact that made it fire changes; both bundled playbooks."""

from __future__ import annotations

import json

import pytest

from dealcoach.coaching.diagnosis import diagnose
from dealcoach.coaching.value import needs_summary, person_value
from dealcoach.deals.models import Deal, Person
from dealcoach.playbook.loader import load_catalog, load_playbook

CATALOG = load_catalog()
PLAYBOOKS = ["six-step", "eight-step"]
# the step where the purchase criteria are set, in each playbook
CRITERIA_STEP = {"six-step": "purchase-criteria", "eight-step": "purchase-criteria"}
EARLY_STEP = {"six-step": "supplier-screening", "eight-step": "feasibility-and-budget"}


def fired(playbook_id: str, people: list[dict], step: str | None = None, **deal) -> dict[str, list[str]]:
    """Rule id -> the people it names, for a deal with these people at this customer step."""
    playbook = load_playbook(playbook_id)
    the_deal = Deal(name="x", playbook=playbook_id, customer_step=step or EARLY_STEP[playbook_id],
                    people=[Person(**p) for p in people], **deal)
    return {w.id: w.people for w in diagnose(the_deal, playbook, CATALOG, "en").warnings}


DM = {"name": "王总", "roles": ["decision-maker"], "level": "senior", "influence": "high", "contact": "brief"}


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_supporters_outer_circle(pb):
    outer = {"name": "李工", "attitude": "supporter", "circle": "outer", "contact": "regular"}
    assert fired(pb, [DM, outer])["supporters-outer-circle"] == ["李工"]
    # a supporter in the inner circle: someone who carries weight vouches for us
    inner = {"name": "秘书", "attitude": "supporter", "circle": "inner", "contact": "brief"}
    assert "supporters-outer-circle" not in fired(pb, [DM, outer, inner])
    assert "supporters-outer-circle" not in fired(pb, [DM, {**outer, "circle": "edge"}])


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_inner_circle_unmet_and_circles_unknown(pb):
    favourite = {"name": "秘书", "circle": "inner", "contact": "none"}
    supporter = {"name": "李工", "attitude": "supporter", "contact": "regular"}
    rules = fired(pb, [DM, favourite, supporter])
    assert rules["inner-circle-unmet"] == ["秘书"] and "circles-unknown" not in rules
    assert "inner-circle-unmet" not in fired(pb, [DM, {**favourite, "contact": "brief"}, supporter])
    # nobody's circle recorded, with a decision maker and a supporter known
    assert "circles-unknown" in fired(pb, [DM, supporter])
    assert "circles-unknown" not in fired(pb, [DM, {**supporter, "attitude": "neutral"}])


@pytest.mark.parametrize("pb", PLAYBOOKS)
@pytest.mark.parametrize("trust", ["doubted", "nominal"])
def test_relied_on_doubted(pb, trust):
    insider = {"name": "李工", "roles": ["insider"], "reports_to": "王总", "boss_trust": trust, "contact": "regular"}
    assert fired(pb, [DM, insider])["relied-on-doubted"] == ["李工"]
    assert "relied-on-doubted" not in fired(pb, [DM, {**insider, "boss_trust": "trusted"}])
    # a doubted person we do not rely on (neither supporter nor insider) is no warning of this kind
    assert "relied-on-doubted" not in fired(pb, [DM, {**insider, "roles": ["uses"]}])


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_team_resists_boss(pb):
    boss = {"name": "李经理", "attitude": "supporter", "contact": "regular"}
    team = {"name": "老张", "reports_to": "李经理", "follows_boss": "resists"}
    assert fired(pb, [DM, boss, team])["team-resists-boss"] == ["老张"]
    assert "team-resists-boss" not in fired(pb, [DM, boss, {**team, "follows_boss": "follows"}])
    assert "team-resists-boss" not in fired(pb, [DM, {**boss, "attitude": "opponent"}, team])
    # under the decision maker, whatever the decision maker's attitude
    assert fired(pb, [DM, {**team, "reports_to": "王总"}])["team-resists-boss"] == ["老张"]


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_faction_apart(pb):
    dm = {**DM, "faction": "老派"}
    supporter = {"name": "李工", "attitude": "supporter", "faction": "新派", "contact": "regular"}
    assert fired(pb, [dm, supporter])["faction-apart"] == ["李工"]
    assert "faction-apart" not in fired(pb, [dm, {**supporter, "faction": "老派"}])
    # one supporter in the decision maker's camp is enough
    ally = {"name": "赵工", "attitude": "supporter", "faction": "老派", "contact": "brief"}
    assert "faction-apart" not in fired(pb, [dm, supporter, ally])
    # unknown factions say nothing
    assert "faction-apart" not in fired(pb, [DM, supporter])


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_user_department_unmet_when_the_criteria_are_set(pb):
    user = {"name": "车间主任", "roles": ["uses"], "contact": "none"}
    assert fired(pb, [DM, user], step=CRITERIA_STEP[pb])["user-department-unmet"] == ["车间主任"]
    assert "user-department-unmet" not in fired(pb, [DM, {**user, "contact": "brief"}], step=CRITERIA_STEP[pb])
    # before the criteria are set it is not yet the warning
    assert "user-department-unmet" not in fired(pb, [DM, user])


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_one_link_only(pb):
    buyer = {"name": "采购经理", "roles": ["purchases"], "contact": "regular"}
    clerk = {"name": "采购员", "roles": ["purchases"], "contact": "brief"}
    dm_unmet = {**DM, "contact": "none"}
    assert "one-link-only" in fired(pb, [dm_unmet, buyer, clerk], step=CRITERIA_STEP[pb])
    user = {"name": "车间主任", "roles": ["uses"], "contact": "brief"}
    assert "one-link-only" not in fired(pb, [dm_unmet, buyer, clerk, user], step=CRITERIA_STEP[pb])
    assert "one-link-only" not in fired(pb, [DM, buyer], step=CRITERIA_STEP[pb])
    assert "one-link-only" not in fired(pb, [dm_unmet, buyer, clerk])  # the criteria are not being set yet


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_kpi_owner_rules(pb):
    assert "no-kpi-owner" in fired(pb, [DM])
    owner = {"name": "物流经理", "kpi": True, "contact": "none"}
    rules = fired(pb, [DM, owner])
    assert "no-kpi-owner" not in rules and rules["kpi-owner-unmet"] == ["物流经理"]
    assert "kpi-owner-unmet" not in fired(pb, [DM, {**owner, "contact": "brief"}])
    # a deal nobody on the buying side has met, at the first step: the people rules wait
    first = load_playbook(pb).customer_steps[0].id
    assert "no-kpi-owner" not in fired(pb, [{**DM, "contact": "none"}], step=first)


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_value_unframed_from_the_criteria_stage(pb):
    playbook = load_playbook(pb)
    criteria_stage = next(s for s in playbook.stages if s.customer_step == CRITERIA_STEP[pb])
    # every gate before the criteria stage is ticked, so we are in it
    done = [item for stage in playbook.stages[:playbook.stages.index(criteria_stage)] for item in stage.gate_ids()]
    owner = {"name": "物流经理", "kpi": True, "contact": "regular", "increment": {"current-state": "交货延迟 20%"}}
    assert fired(pb, [DM, owner], step=CRITERIA_STEP[pb], done=done)["value-unframed"] == ["物流经理"]
    answered = {q.id: "…" for q in playbook.value.increment}
    assert "value-unframed" not in fired(pb, [DM, {**owner, "increment": answered}], step=CRITERIA_STEP[pb], done=done)
    assert "value-unframed" not in fired(pb, [DM, owner], step=CRITERIA_STEP[pb])  # still in an earlier stage


@pytest.mark.parametrize("pb", PLAYBOOKS)
def test_personal_needs_unknown(pb):
    assert fired(pb, [DM])["personal-needs-unknown"] == ["王总"]
    assert "personal-needs-unknown" not in fired(pb, [{**DM, "needs": ["safety"]}])
    assert "personal-needs-unknown" not in fired(pb, [{**DM, "contact": "none"}])


def test_value_framing_and_needs_summary():
    playbook = load_playbook("six-step")
    owner = Person(name="物流经理", kpi=True, needs=["安全需求"], increment={"gain": "每年少丢两个客户"})
    value = person_value(owner, playbook, CATALOG, "zh")
    assert [line.id for line in value.answered] == ["gain"]
    assert value.answered[0].frame == "讲他能得到的增量：每年少丢两个客户"
    assert "current-state" in [q.id for q in value.to_ask] and "gain" not in [q.id for q in value.to_ask]
    assert [n.id for n in value.personal_needs] == ["safety"]
    # someone who is not the KPI owner and answered nothing is not asked the increment questions
    assert person_value(Person(name="秘书"), playbook, CATALOG, "zh").to_ask == []
    summary = needs_summary(Deal(name="x", people=[owner], pains=["交货不及时"]), playbook, CATALOG, "en")
    assert summary.kpi_owners == ["物流经理"] and summary.increment_answered == 1
    assert summary.increment_total == len(playbook.value.increment)
    assert "KPI owner 物流经理 (increment 1/7 answered)" in summary.line and "pains confirmed 0/1" in summary.line


# --- through the CLI ----------------------------------------------------------------------------

def test_people_flags_take_labels_in_any_language(run):
    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker", "--faction", "老派")
    added = run("people", "add", "甲项目", "--name", "李工", "--reports-to", "王总", "--circle", "外圈",
                "--boss-trust", "懷疑", "--follows-boss", "follows", "--need", "尊重", "--need", "safety",
                "--kpi", "--increment", "获益=每年省80万", "--increment", "current state=交货延迟")
    assert added.exit_code == 0, added.stderr
    person = next(p for p in json.loads(run("people", "list", "甲项目", "--json").stdout) if p["name"] == "李工")
    assert person["circle"] == "outer" and person["boss_trust"] == "doubted" and person["follows_boss"] == "follows"
    assert person["needs"] == ["esteem", "safety"] and person["kpi"] is True
    assert person["increment"] == {"gain": "每年省80万", "current-state": "交货延迟"}
    # an edit merges answers; QUESTION= clears one; --circle '' clears the circle
    run("people", "edit", "甲项目", "李工", "--increment", "获益=", "--increment", "risk=怕停产", "--circle", "")
    person = next(p for p in json.loads(run("people", "list", "甲项目", "--json").stdout) if p["name"] == "李工")
    assert person["increment"] == {"current-state": "交货延迟", "risk": "怕停产"} and person["circle"] is None


@pytest.mark.parametrize(("flag", "value", "field"), [
    ("--circle", "中圈", "circle"), ("--boss-trust", "maybe", "boss_trust"), ("--increment", "心情=好", "--increment"),
    ("--increment", "no-equals-sign", "--increment")])
def test_bad_people_values_are_one_line_naming_the_field(run, flag, value, field):
    run("deal", "new", "--name", "甲项目")
    result = run("people", "add", "甲项目", "--name", "李工", flag, value)
    assert result.exit_code == 1
    assert field in result.stderr and "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_stage_and_people_show_carry_needs_and_the_objection(run):
    run("deal", "new", "--name", "甲项目", "--customer-step", "supplier-screening")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker", "--influence", "high",
        "--contact", "brief")
    run("people", "add", "甲项目", "--name", "李工", "--kpi", "--increment", "gain=每年省80万", "--contact", "brief",
        "--circle", "inner", "--boss-trust", "trusted", "--reports-to", "王总")
    stage = json.loads(run("stage", "甲项目", "--json").stdout)
    assert stage["needs"]["kpi_owners"] == ["李工"] and stage["needs"]["increment_answered"] == 1
    assert stage["objection_ahead"]["person"] == "王总" and stage["objection_ahead"]["evidence"]
    shown = run("stage", "甲项目", "--lang", "zh", "--all").stdout
    assert "预计异议" in shown and "KPI负责人 李工" in shown
    person = json.loads(run("people", "show", "甲项目", "李工", "--json").stdout)
    assert person["value"]["answered"][0]["frame"] == "Tell the increment they get: 每年省80万"
    assert person["politics"] == ["boss 王总: trusted by their boss"]
    boss = json.loads(run("people", "show", "甲项目", "王总", "--json").stdout)
    assert boss["objection"]["person"] == "王总"
    hant = run("people", "show", "甲项目", "李工", "--lang", "zh-Hant").stdout
    assert "還要問他的增量問題" in hant and "上司認可" in hant


def test_call_script_names_the_objections_to_expect_before_the_meeting(run):
    run("deal", "new", "--name", "甲项目", "--customer-step", "supplier-screening")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker", "--influence", "high")
    run("people", "add", "甲项目", "--name", "李工", "--role", "purchases", "--reports-to", "王总")
    script = json.loads(run("call-script", "甲项目", "--contact", "李工", "--json").stdout)
    people = [item["person"] for item in script["objections_ahead"]]
    assert "王总" in people and all(item["evidence"] for item in script["objections_ahead"])
    shown = run("call-script", "甲项目", "--contact", "李工", "--lang", "zh-Hant").stdout
    assert "見面之前" in shown and "王总可能會說" in shown  # a name is kept as typed
    # a cold call has no deal people to predict for
    cold = json.loads(run("call-script", "--contact", "张经理", "--account", "乙公司", "--json").stdout)
    assert cold["objections_ahead"] == []


def test_the_deal_brief_carries_the_needs_and_each_persons_value_and_objection(run, tmp_path):
    run("deal", "new", "--name", "甲项目", "--customer-step", "supplier-screening")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker", "--influence", "high")
    run("people", "add", "甲项目", "--name", "李工", "--kpi", "--increment", "获益=每年省80万", "--reports-to", "王总")
    out = tmp_path / "brief.html"
    assert run("report", "甲项目", "-o", str(out), "--lang", "zh").exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert '<section id="needs">' in page and "KPI负责人 李工（增量问题已答 1/7）" in page
    assert "讲他能得到的增量：每年省80万" in page and "预计异议：王总可能会说" in page


def test_pain_need_types_by_label_in_the_needs_summary(run):
    from conftest import EXAMPLES

    run("deal", "import", str(EXAMPLES / "company-a-information-system.yaml"))
    assert run("deal", "edit", "A公司", "--pain-kind", "交货=基本型", "--pain-kind", "重要客户=exciting").exit_code == 0
    pains = json.loads(run("deal", "show", "A公司", "--json").stdout)["pains"]
    assert [p["kind"] for p in pains] == ["basic", "exciting"]
    needs = json.loads(run("stage", "A公司", "--json").stdout)["needs"]
    assert needs["need_types"] == {"basic": ["交货不及时"], "exciting": ["重要客户转向其他供应商，盈利水平急转直下"]}
    assert "(basic need 1, exciting need 1)" in needs["line"] and len(needs["need_type_advice"]) == 2
    for bad in ("不存在=基本型", "交货=超级", "交货"):
        result = run("deal", "edit", "A公司", "--pain-kind", bad)
        assert result.exit_code == 1 and "--pain-kind" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert run("deal", "edit", "A公司", "--pain-kind", "交货=").exit_code == 0  # TYPE left empty clears it
    assert json.loads(run("deal", "show", "A公司", "--json").stdout)["pains"][0]["kind"] is None


def test_people_edit_asks_the_politics_and_needs_on_a_terminal(run, keys):
    ENTER, SPACE, DOWN, UP = "\r", " ", "\x1b[B", "\x1b[A"

    run("deal", "new", "--name", "甲项目")
    run("people", "add", "甲项目", "--name", "王总", "--role", "decision-maker")
    run("people", "add", "甲项目", "--name", "李工", "--reports-to", "王总")
    # nothing recorded yet: each choice starts at "not known", the last option
    keys.send_text(UP + ENTER)               # circle: outer
    keys.send_text(UP * 2 + ENTER)           # boss trust: doubted
    keys.send_text(ENTER)                    # follows boss: not known
    keys.send_text("新派" + ENTER)           # faction
    keys.send_text("y")                      # the project is on their KPI
    keys.send_text(SPACE + DOWN * 2 + SPACE + ENTER)  # needs: safety, esteem
    keys.send_text("交货延迟 20%" + ENTER)   # current state
    keys.send_text("每年省80万" + ENTER)     # gain
    keys.send_text(ENTER * 5)                # the other increment questions: left open
    result = run("people", "edit", "甲项目", "李工")
    assert result.exit_code == 0, result.output
    person = next(p for p in json.loads(run("people", "list", "甲项目", "--json").stdout) if p["name"] == "李工")
    assert (person["circle"], person["boss_trust"], person["follows_boss"]) == ("outer", "doubted", None)
    assert person["faction"] == "新派" and person["kpi"] is True and person["needs"] == ["safety", "esteem"]
    assert person["increment"] == {"current-state": "交货延迟 20%", "gain": "每年省80万"}


def test_a_pain_kind_on_a_deal_without_pains_says_where_pains_come_from(run):
    assert run("deal", "new", "--name", "乙项目").exit_code == 0
    result = run("deal", "edit", "乙项目", "--pain-kind", "交货=基本型", "--lang", "zh")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "还没有记录痛点" in result.stderr and "（痛点：）" not in result.stderr
