"""`dealcoach call-script` and `dealcoach profile`: the script, the live walk, recording, escaping."""

from __future__ import annotations

import datetime as dt
import json
import re
import stat

import pytest

from conftest import ROOT, write

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"

# An eight-step deal in initial contact: the coach buyer is met, the technical supporter and the
# general manager are not; one pain is confirmed, one only noted.
DEAL = """\
name: 甲公司物流系统
account: 甲公司
playbook: eight-step
industry: 汽车零部件制造
pains:
  - text: 交货不及时
    confirmed: true
    since: 去年下半年
  - 仓库账实不符
done: [collect-leads, assess-opportunity, grade-opportunity, opportunity-qualified, account-file-created,
       deal-team-named, handler-aware-of-us]
people:
  - {name: 王总, title: 总经理, roles: [economic-buyer], level: senior, influence: high}
  - {name: 李经理, title: 业务部经理, roles: [coach-buyer], level: middle, contact: regular, attitude: supporter,
     reports_to: 王总, phone: "139-1111-2222"}
  - {name: 赵工, title: 技术部主任, roles: [technical-supporter], level: middle, reports_to: 王总}
"""
DEAL_NAME = "甲公司物流系统"


@pytest.fixture
def deal_file(tmp_path):
    return write(tmp_path / "deal.yaml", DEAL)


@pytest.fixture
def stored(run, deal_file):
    assert run("deal", "import", str(deal_file)).exit_code == 0
    assert run("profile", "set", "--name", "张伟", "--company", "华北润滑科技", "--offer", "物流管理系统",
               "--phone", "138-0000-0000").exit_code == 0
    return DEAL_NAME


def script_json(run, *args: str) -> dict:
    result = run("call-script", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def all_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>|~&])", r"\1", text)


# --- the script ----------------------------------------------------------------------------------

def test_script_names_contact_account_and_known_pain(run, stored):
    data = script_json(run, stored, "--lang", "zh")
    assert [step["id"] for step in data["steps"]] == ["rapport", "pain", "meeting"]
    assert data["stage"]["id"] == "initial-contact"
    assert data["contact"]["name"] == "李经理"  # the coach buyer is who initial contact calls first
    assert data["audience"]["id"] == "coach"
    rapport, pain, meeting = data["steps"]
    assert "李经理" in rapport["lines"][0] and "华北润滑科技" in rapport["lines"][0] and "张伟" in rapport["lines"][0]
    assert [p["text"] for p in pain["pains"]][:2] == ["交货不及时", "仓库账实不符"]  # confirmed first
    assert pain["pains"][0]["source"] == "confirmed" and pain["pains"][2]["source"] == "likely"
    assert any("交货不及时" in q for q in pain["questions"])
    assert not any("持续多久" in q for q in pain["pains"][0]["questions"])  # `since` is known: not asked again
    assert data["account"] == "甲公司" and "交货不及时" in pain["lines"][0]  # met: "last time you mentioned"
    assert meeting["meeting"]["attendees"][0]["name"] == "李经理"
    assert {"王总", "赵工"} <= {a["name"] for a in meeting["meeting"]["attendees"]}
    assert any("交货不及时" in topic for topic in meeting["meeting"]["topics"])
    assert len(meeting["meeting"]["slots"]) == 2
    checks = {c["id"]: c for c in data["pre_call"]}
    assert checks["contact-name"]["known"] and checks["rep-profile"]["known"]
    assert checks["target-group"]["value"] == "汽车零部件制造"
    assert {g["id"] for g in data["objections"]} == {"our-side", "customer", "price", "product", "need", "timing",
                                                     "competition", "third-party"}
    assert all(o["response"] for g in data["objections"] for o in g["objections"])
    assert len(data["visit"]["purposes"]) == 5 and data["visit"]["bring"] and data["visit"]["ask_for"]

    terminal = run("call-script", stored, "--lang", "zh")
    assert terminal.exit_code == 0, terminal.stderr
    for expected in ("李经理", "甲公司", "交货不及时", "第1步：初步达成共识", "第2步：试探对方的痛苦体验",
                     "可能的异议（按原因）", "下一步：上门拜访", "139-1111-2222"):
        assert expected in terminal.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_three_step_ids_in_both_languages(run, stored, lang):
    data = script_json(run, stored, "--lang", lang)
    assert [step["id"] for step in data["steps"]] == ["rapport", "pain", "meeting"]
    for step in data["steps"]:
        assert step["lines"] and step["move_on_when"]
        text = " ".join(step["lines"] + [step["name"], step["goal"]])
        if lang == "en":
            assert re.search(r"[A-Za-z]{3}", step["goal"]) and not re.search(r"[\u4e00-\u9fff]{4,}", step["goal"])
        else:
            assert re.search(r"[\u4e00-\u9fff]", text)
        assert "{" not in text.replace("{{", "")  # every placeholder was filled
    assert [step["id"] for step in script_json(run, "--example", "auto-parts-supplier", "--lang", lang)["steps"]] \
        == ["rapport", "pain", "meeting"]  # the six-step playbook has a phone invitation too


def test_decision_maker_and_technical_supporter_get_different_scripts(run, stored):
    boss = script_json(run, stored, "--contact", "王总")
    engineer = script_json(run, stored, "--contact", "赵工")
    assert boss["audience"]["id"] == "decision-maker"  # economic-buyer is equivalent to the decision maker
    assert engineer["audience"]["id"] == "technical"
    assert boss["steps"][0]["lines"] != engineer["steps"][0]["lines"]
    assert len(boss["steps"][1]["pains"]) == 1 < len(engineer["steps"][1]["pains"])  # shorter, business first
    assert len(boss["steps"][1]["questions"]) < len(engineer["steps"][1]["questions"])
    assert any("technical exchange" in line for line in engineer["steps"][2]["lines"])
    assert boss["objections"][0]["id"] == "price" and engineer["objections"][0]["id"] == "product"
    assert boss["commitments"] != engineer["commitments"]


def test_audience_by_level_and_default_contact():
    from dealcoach.coaching.callscript import default_contact, match_audience
    from dealcoach.deals.models import Deal, Person
    from dealcoach.playbook.loader import load_catalog, load_playbook

    playbook, catalog = load_playbook("six-step"), load_catalog()
    invitation = playbook.phone_invitation
    assert match_audience(Person(name="a", level="senior"), invitation, catalog).id == "decision-maker"
    def audience(**fields) -> str:
        return match_audience(Person(name="a", **fields), invitation, catalog).id

    assert audience(roles=["decides"], level="staff") == "decision-maker"
    assert audience(roles=["sets-criteria"], level="senior") == "technical"  # the role wins over the level
    assert match_audience(Person(name="a", level="middle"), invitation, catalog).id == "general"
    deal = Deal(name="x", playbook="six-step", people=[
        Person(name="opp", attitude="opponent", roles=["insider"]), Person(name="met", contact="regular"),
        Person(name="new")])
    assert default_contact(deal, playbook.stage("entry"), catalog).name == "new"  # no insider to call: first unmet


def test_cold_call_needs_only_contact_and_account(run, isolated_home):
    data = script_json(run, "--contact", "Wang Li", "--account", "ACME")
    assert data["cold"] is True and data["deal"] is None
    assert "Wang Li" in data["steps"][0]["lines"][0] and "ACME" in all_text(data["steps"][1])
    assert not {c["id"] for c in data["pre_call"] if c["known"]} & {"target-group", "rep-profile"}
    assert not (isolated_home / "dealcoach.db").exists()
    logistics = script_json(run, "--contact", "Wang Li", "--account", "ACME", "--industry", "logistics",
                            "--role", "key-user", "--playbook", "eight-step")
    assert logistics["audience"]["id"] == "user-department"
    assert logistics["steps"][1]["pains"][0]["text"] == "no visibility of goods in transit"
    terminal = run("call-script", "--contact", "Wang Li", "--account", "ACME", "--title", "CTO")
    assert terminal.exit_code == 0 and "Wang Li" in terminal.stdout and "cold call" in terminal.stdout


@pytest.mark.parametrize("args, code, message", [
    (("--account", "ACME"), 2, "a cold call needs --contact NAME"),
    ((), 2, "give a DEAL, --deal-file FILE or --example NAME"),
    (("--example", "auto-parts-supplier", "--account", "ACME", "--contact", "x"), 2, "give only one of"),
    (("--example", "auto-parts-supplier", "--title", "CTO"), 2, "--title describes a cold call"),
    (("--example", "auto-parts-supplier", "-o", "x.md", "--format", "terminal"), 2, "use --format markdown"),
    (("--contact", "x", "--account", "y", "--role", "boss"), 1, "unknown role 'boss'"),
])
def test_usage_errors_are_one_line(run, args, code, message):
    result = run("call-script", *args)
    assert result.exit_code == code, result.stdout
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_contact_on_a_deal(run, stored):
    result = run("call-script", stored, "--contact", "nobody")
    assert result.exit_code == 1
    assert result.stderr == ("error: no person matches 'nobody' on deal 甲公司物流系统 (known: 王总, 李经理, 赵工); "
                             "add them with `dealcoach people add 1 --name ...`, or leave out --contact\n")


def test_markdown_output_file(run, stored, tmp_path):
    out = tmp_path / "call.md"
    result = run("call-script", stored, "--contact", "赵工", "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"Wrote {out}" in result.stderr and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Phone invitation: 赵工 · 甲公司\n")
    for heading in ("## Step 1: Build rapport", "## Step 2: Probe for pain", "## Step 3:",
                    "## Objections to expect, by cause", "## Next: the visit"):
        assert heading in text
    assert "交货不及时" in text and "technical exchange" in text
    assert run("call-script", stored, "-o", str(tmp_path / "x.md")).exit_code == 0  # -o alone means markdown
    assert run("call-script", stored, "-f", "markdown").stdout.startswith("# Phone invitation")


# --- injection --------------------------------------------------------------------------------------

NASTY = ("{contact.__class__}", "{{ 7*7 }}", "[bold]x[/bold]")


def test_injection_in_names_is_printed_literally(run, tmp_path):
    assert run("profile", "set", "--name", "[red]rep[/red]", "--company", "{rep_name.__init__}",
               "--offer", "{{ config }}").exit_code == 0
    args = ("--contact", NASTY[0], "--account", NASTY[1], "--title", NASTY[2], "--industry", "{industry}")
    data = script_json(run, *args)
    assert data["contact"]["name"] == NASTY[0] and data["account"] == NASTY[1]
    rapport = " ".join(data["steps"][0]["lines"])
    for literal in (NASTY[0], "[red]rep[/red]", "{rep_name.__init__}", "{{ config }}"):
        assert literal in rapport
    assert NASTY[1] in all_text(data["steps"][1]) and "49" not in all_text(data)

    terminal = run("call-script", *args)
    assert terminal.exit_code == 0, terminal.stderr
    for literal in (*NASTY, "[red]rep[/red]", "{rep_name.__init__}"):
        assert literal in terminal.stdout
    assert "49" not in terminal.stdout

    markdown = unescape_markdown(run("call-script", *args, "-f", "markdown").stdout)
    for literal in (*NASTY, "[red]rep[/red]", "{rep_name.__init__}"):
        assert literal in markdown
    escaped = run("call-script", *args, "-f", "markdown").stdout
    assert "[bold]" not in escaped and r"\[bold\]x\[/bold\]" in escaped  # no link or HTML can sneak in


def test_user_template_never_evaluates(run, isolated_home):
    text = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    original = '"{contact_name}您好，我是{rep_company}的{rep_name}。耽误您两分钟，简单介绍一下我们，可以吗？"'
    assert original in text
    template = "'{contact.__class__} {{ 7*7 }} {account.__init__.__globals__} [bold]x[/bold] {contact_name}'"
    write(isolated_home / "playbooks" / "six-step.yaml", text.replace(original, template, 1))
    data = script_json(run, "--contact", "Wang", "--account", "ACME", "--lang", "zh")
    line = data["steps"][0]["lines"][0]
    assert line == "{contact.__class__} {{ 7*7 }} {account.__init__.__globals__} [bold]x[/bold] Wang"
    terminal = run("call-script", "--contact", "Wang", "--account", "ACME", "--lang", "zh")
    assert "{contact.__class__} {{ 7*7 }} {account.__init__.__globals__} [bold]x[/bold] Wang" in terminal.stdout

    bare = text.replace(original, '"{evil}您好"', 1)
    bad = write(isolated_home / "playbooks" / "six-step.yaml", bare)
    result = run("playbook", "validate", str(bad))
    assert result.exit_code == 1 and "unknown placeholder {evil}" in result.stderr


# --- recording a call --------------------------------------------------------------------------------

def test_live_walk_saves_activity_meeting_and_done_item(run, stored, keys):
    keys.send_text(ENTER)                  # the call got through
    keys.send_text(ENTER)                  # rapport: willing to keep talking
    keys.send_text(DOWN + SPACE + ENTER)   # pains: tick the second (仓库账实不符)
    keys.send_text("质量追溯难" + ENTER)     # another pain they mentioned
    keys.send_text(ENTER)                  # they feel the urgency: propose a meeting
    keys.send_text(ENTER)                  # meeting booked
    keys.send_text("下周二 10:00" + ENTER)  # when
    keys.send_text("甲公司会议室" + ENTER)   # where
    keys.send_text(ENTER)                  # attendees: the contact is pre-ticked
    keys.send_text("孙主管" + ENTER)        # another attendee
    keys.send_text(ENTER)                  # topics: all proposed topics pre-ticked
    keys.send_text(ENTER)                  # no other topic
    keys.send_text("同行案例" + ENTER)       # we prepare
    keys.send_text(ENTER)                  # they prepare: nothing
    keys.send_text("对方很配合" + ENTER)     # note
    result = run("call-script", stored, "--live")
    assert result.exit_code == 0, result.output
    assert "Recorded the call (meeting booked)" in result.stdout
    assert "Next: the visit" in result.stdout and "The five purposes of the visit" in result.stdout

    shown = json.loads(run("deal", "show", stored, "--json").stdout)
    assert shown["version"] == 2  # one save
    call = shown["activities"][-1]
    assert (call["kind"], call["outcome"], call["contact"]) == ("call", "meeting-booked", "李经理")
    assert call["pains"] == ["仓库账实不符", "质量追溯难"] and call["note"] == "对方很配合"
    assert call["meeting"]["when"] == "下周二 10:00" and call["meeting"]["place"] == "甲公司会议室"
    assert call["meeting"]["attendees"] == ["李经理", "孙主管"] and call["meeting"]["we_prepare"] == "同行案例"
    # the meeting is proposed on what they just said, not on the deal's older pain
    topics = call["meeting"]["topics"]
    assert topics[0].startswith("仓库账实不符") and topics[1].startswith("质量追溯难")
    assert not any("交货不及时" in topic for topic in topics)
    person = next(p for p in shown["people"] if p["name"] == "李经理")
    assert [p["text"] for p in person["pains"]] == ["仓库账实不符", "质量追溯难"]
    pains = {p["text"]: p["confirmed"] for p in shown["pains"]}
    assert pains == {"交货不及时": True, "仓库账实不符": True, "质量追溯难": True}
    marks = {m["id"]: m for m in shown["done"]}
    assert marks["phone-invitation"]["evidence"] == "李经理 · 下周二 10:00 · 甲公司会议室"
    assert "call meeting-booked with 李经理" in shown["history"][-1]["what"]


def test_ctrl_c_mid_walk_saves_nothing(run, stored, keys):
    keys.send_text(ENTER)          # got through
    keys.send_text(ENTER)          # rapport
    keys.send_text(SPACE + ENTER)  # a pain
    keys.send_text(CTRL_C)
    result = run("call-script", stored, "--live")
    assert result.exit_code == 130
    shown = json.loads(run("deal", "show", stored, "--json").stdout)
    assert shown["version"] == 1 and shown["activities"] == [] and "phone-invitation" not in \
        {m["id"] for m in shown["done"]}


def test_live_walk_that_ends_early_records_the_outcome(run, stored, keys):
    keys.send_text(ENTER)                # got through
    keys.send_text(DOWN + ENTER)         # rapport: not now, call back
    keys.send_text("明天下午" + ENTER)     # when to call back
    keys.send_text(ENTER)                # no note
    result = run("call-script", stored, "--live", "--contact", "王总")
    assert result.exit_code == 0, result.output
    call = json.loads(run("deal", "show", stored, "--json").stdout)["activities"][-1]
    assert (call["outcome"], call["contact"], call["note"], call["meeting"]) == ("call-back", "王总",
                                                                                 "call back: 明天下午", None)
    assert "Pretexts for the follow-up" in result.stdout


def test_live_without_terminal_exits_2_with_a_hint(run, stored, deal_file):
    result = run("call-script", stored, "--live")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: no terminal to walk the call on: record it with --outcome (and "
                                     "--confirmed-pain, --meeting-time, --meeting-place, --attendee, --topic, --note)")
    assert json.loads(run("deal", "show", stored, "--json").stdout)["version"] == 1
    result = run("call-script", "--deal-file", str(deal_file), "--live")
    assert result.exit_code == 2 and "record the call on a stored deal" in result.stderr


def test_outcome_flags_record_without_questions(run, stored):
    result = run("call-script", stored, "--outcome", "meeting-booked", "--confirmed-pain", "仓库账实不符",
                 "--meeting-time", "2026-12-01 10:00", "--meeting-place", "甲公司", "--attendee", "李经理",
                 "--attendee", "赵工", "--topic", "库存管理", "--json")
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["outcome"] == "meeting-booked" and plan["done"] == ["Phone invitation"]
    assert len(plan["visit"]["purposes"]) == 5 and plan["pretexts"] == []
    shown = json.loads(run("deal", "show", stored, "--json").stdout)
    call = shown["activities"][-1]
    assert call["meeting"]["attendees"] == ["李经理", "赵工"] and call["meeting"]["topics"] == ["库存管理"]
    assert {p["text"]: p["confirmed"] for p in shown["pains"]}["仓库账实不符"] is True
    assert dt.datetime.fromisoformat(call["date"]).date() == dt.date.today()

    again = run("call-script", stored, "--outcome", "refused", "--contact", "王总", "--note", "没兴趣", "--json")
    plan = json.loads(again.stdout)
    assert plan["done"] == [] and plan["visit"] is None and plan["pretexts"] and plan["advice"]
    assert [m["id"] for m in json.loads(run("deal", "show", stored, "--json").stdout)["done"]].count(
        "phone-invitation") == 1


def test_six_step_meeting_marks_nothing_done(run):
    run("deal", "import", str(ROOT / "playbooks" / "examples" / "auto-parts-supplier.yaml"))
    before = {m["id"] for m in json.loads(run("deal", "show", "1", "--json").stdout)["done"]}
    result = run("call-script", "1", "--contact", "行政部领导", "--outcome", "meeting-booked",
                 "--meeting-time", "周四上午10点")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("deal", "show", "1", "--json").stdout)
    assert {m["id"] for m in shown["done"]} == before
    assert shown["activities"][-1]["meeting"]["when"] == "周四上午10点"
    assert dt.datetime.fromisoformat(shown["activities"][-1]["meeting"]["at"]).hour == 10


@pytest.mark.parametrize("args, message", [
    (("--meeting-time", "x"), "--meeting-time records a call: give --outcome too"),
    (("--outcome", "meeting-booked"), "--outcome meeting-booked needs --meeting-time"),
    (("--outcome", "refused", "--meeting-place", "x"), "--meeting-place describes a booked meeting"),
    (("--outcome", "maybe"), "--outcome: 'maybe' is not a call outcome"),
    (("--outcome", "refused", "--live"), "give --live (questions) or --outcome (flags), not both"),
])
def test_recording_usage_errors(run, stored, args, message):
    result = run("call-script", stored, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert json.loads(run("deal", "show", stored, "--json").stdout)["version"] == 1


# --- the profile ---------------------------------------------------------------------------------------

def test_profile_set_show_round_trip_and_permissions(run, isolated_home):
    assert json.loads(run("profile", "show", "--json").stdout)["name"] is None
    assert "No profile yet" in run("profile", "show").stdout
    result = run("profile", "set", "--name", "张伟", "--company", "华北润滑科技", "--offer", "工业润滑油",
                 "--phone", "138-0000-0000")
    assert result.exit_code == 0, result.stderr
    path = isolated_home / "profile.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert shown == {"name": "张伟", "company": "华北润滑科技", "offer": "工业润滑油", "phone": "138-0000-0000",
                     "path": str(path)}
    assert run("profile", "set", "--phone", "").exit_code == 0  # '' clears one field, keeps the rest
    shown = json.loads(run("profile", "show", "--json").stdout)
    assert shown["phone"] is None and shown["name"] == "张伟"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = run("profile", "show", "--lang", "zh").stdout
    assert "姓名：张伟" in text and "电话：（未设置）" in text


def test_profile_set_needs_flags_or_a_terminal(run, keys):
    keys.send_text("李娜" + ENTER + "某公司" + ENTER + "检测服务" + ENTER + ENTER)
    assert run("profile", "set").exit_code == 0
    assert json.loads(run("profile", "show", "--json").stdout)["offer"] == "检测服务"


def test_profile_set_without_terminal_exits_2(run):
    result = run("profile", "set")
    assert result.exit_code == 2 and "--name, --company, --offer, --phone" in result.stderr


def test_bad_profile_file_is_one_line(run, isolated_home):
    write(isolated_home / "profile.yaml", "name: x\ncolour: red\n")
    result = run("call-script", "--contact", "a", "--account", "b")
    assert result.exit_code == 1 and "profile.yaml:2:1: colour: unknown key" in result.stderr


# --- end to end in a real pseudo-terminal ---------------------------------------------------------

@pytest.mark.slow
def test_live_walk_end_to_end_in_a_pty(isolated_home, deal_file):
    import os
    import shutil
    import sys
    from pathlib import Path

    pexpect = pytest.importorskip("pexpect")
    executable = shutil.which("dealcoach", path=str(Path(sys.executable).parent))
    assert executable
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "100"}
    pexpect.run(f"{executable} deal import {deal_file}", env=env)
    child = pexpect.spawn(executable, ["call-script", "1", "--live"], env=env, encoding="utf-8", timeout=20,
                          dimensions=(40, 100))
    child.expect("get through")
    child.send(ENTER)
    child.expect("willing to keep talking")
    child.send(ENTER)
    child.expect("Which problems did they confirm")
    child.send(SPACE + ENTER)
    child.expect("Other problems")
    child.send(ENTER)
    child.expect("feel the urgency")
    child.send(DOWN + ENTER)  # connected, nothing booked
    child.expect("Note")
    child.send("ok" + ENTER)
    child.expect("Pretexts for the follow-up")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = pexpect.run(f"{executable} deal show 1 --json", env=env).decode()
    call = json.loads(out)["activities"][-1]
    assert (call["outcome"], call["pains"], call["note"]) == ("connected", ["交货不及时"], "ok")
