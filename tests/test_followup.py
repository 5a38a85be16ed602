"""The activity log, follow-ups (cadence, pretexts, calendar) and the conversion funnel."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from icalendar import Calendar

from conftest import EXAMPLES
from dealcoach.coaching.cadence import local_date, next_pretext
from dealcoach.coaching.followup import plan_follow_ups
from dealcoach.coaching.funnel import compute_funnel
from dealcoach.deals.models import Activity, ComputedGrade, Deal, Person
from dealcoach.playbook.loader import load_playbook

SIX = load_playbook("six-step")


def _call(day: str, outcome: str, contact: str | None = None, pretext: str | None = None, kind: str = "call"):
    return Activity(date=dt.datetime.fromisoformat(day), kind=kind, outcome=outcome, contact=contact, pretext=pretext)


# --- the log through the CLI -------------------------------------------------------------------

def test_log_add_and_show(run):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    added = run("log", "add", "宁夏", "--kind", "call", "--outcome", "meeting-booked", "--contact", "负责人A",
                "--note", "约周三上门", "--date", "2026-11-02T10:30", "--pretext", "knowledge")
    assert added.exit_code == 0, added.stderr
    shown = json.loads(run("log", "宁夏", "--json").stdout)
    assert shown == [{**shown[0], "kind": "call", "outcome": "meeting-booked", "contact": "负责人A",
                      "note": "约周三上门", "date": "2026-11-02T10:30:00+08:00", "pretext": "knowledge", "by": "tester"}]
    assert "meeting booked" in run("log", "1").stdout
    history = json.loads(run("deal", "show", "1", "--json").stdout)["history"]
    assert history[-1]["what"] == "activity: call meeting-booked"


@pytest.mark.parametrize("flags, code, error", [
    (["--kind", "call", "--outcome", "held"], 1, "outcome 'held' does not fit a call"),
    (["--kind", "fax", "--outcome", "done"], 1, "kind: unknown value 'fax'"),
    (["--kind", "call", "--outcome", "connected", "--contact", "路人"], 1, "contact: '路人' is not a person on deal"),
    (["--kind", "call", "--outcome", "connected", "--pretext", "bribe"], 1, "pretext: unknown pretext 'bribe'"),
    (["--kind", "visit", "--outcome", "held", "--form", "colour=red"], 2,
     "--form colour: not a field of the visit summary form"),
    (["--kind", "call", "--outcome", "connected", "--date", "soon"], 2, "--date: 'soon' is not a date"),
])
def test_bad_activities_are_refused(run, flags, code, error):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    result = run("log", "add", "1", *flags)
    assert result.exit_code == code
    assert error in result.stderr, result.stderr
    assert json.loads(run("log", "1", "--json").stdout) == []


def test_log_add_without_terminal_names_the_flags(run):
    run("deal", "new", "--name", "x")
    result = run("log", "add", "x")
    assert result.exit_code == 2 and "use --kind and --outcome" in result.stderr


def test_visit_summary_form_asked_field_by_field(run, keys):
    run("deal", "import", str(EXAMPLES / "company-a-information-system.yaml"))
    from dealcoach.usecases.activity import visit_form

    fields = visit_form(load_playbook("eight-step")).fields
    answers = {field.id: f"answer {i}" for i, field in enumerate(fields)}
    answers["next-step-when"] = "明天下午3点"
    for field in fields:
        if field.id == "next-step-when":
            keys.send_text("回头再说\r" + "\x7f" * 4)  # not a time: asked again (erase, retype)
        keys.send_text(answers[field.id] + "\r")
    result = run("log", "add", "A公司", "--kind", "visit", "--outcome", "held", "--contact", "A公司总经理",
                 "--note", "good visit")
    assert result.exit_code == 0, result.output
    activity = json.loads(run("log", "A公司", "--json").stdout)[0]
    assert activity["form"] == answers
    assert activity["next_step_at"].startswith((dt.date.today() + dt.timedelta(days=1)).isoformat() + "T15:00")
    assert activity["note"] == "good visit" and activity["contact"] == "A公司总经理"


def test_log_add_interactively_with_nobody_as_contact(run, keys):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    keys.send_text("\r")                  # kind: call (the default)
    keys.send_text("\x1b[B\r")            # outcome: connected (the second)
    keys.send_text("\x1b[A\r")            # contact: up from the first person wraps to "nobody / unknown"
    keys.send_text("\r")                  # when: now
    keys.send_text("回电\r")               # note
    result = run("log", "add", "1")
    assert result.exit_code == 0, result.output
    activity = json.loads(run("log", "1", "--json").stdout)[0]
    assert (activity["kind"], activity["outcome"], activity["contact"], activity["note"]) == \
        ("call", "connected", None, "回电")


def test_activities_round_trip_in_the_deal_file(run, tmp_path):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--date", "2026-01-31T23:30+08:00")
    out = tmp_path / "deal.yaml"
    run("deal", "export", "1", "-o", str(out))
    assert "activities:" in out.read_text(encoding="utf-8")
    run("deal", "import", str(out), "--as-new")
    first, second = (json.loads(run("deal", "show", str(i), "--json").stdout)["activities"] for i in (1, 2))
    assert first == second and first[0]["date"] == "2026-01-31T23:30:00+08:00"


# --- closing, VIP, loyal -----------------------------------------------------------------------

def test_close_and_vip(run):
    run("deal", "new", "--name", "x")
    assert run("deal", "vip", "x").exit_code == 1  # not won yet
    assert run("deal", "close", "x").exit_code == 2
    assert run("deal", "close", "x", "--won", "--reason", "方案对症", "--date", "2026-03-01").exit_code == 0
    assert run("deal", "vip", "x", "--loyal").exit_code == 0
    data = json.loads(run("deal", "show", "x", "--json").stdout)
    assert (data["status"], data["close_reason"], data["closed_on"], data["vip"], data["loyal"]) == \
        ("won", "方案对症", "2026-03-01", True, True)


# --- follow-ups ---------------------------------------------------------------------------------

_DEAL_IDS = itertools.count(1)  # distinct stored ids, as a store would give


def _deal(name: str, grade: str | None, activities: list[Activity], manual: str | None = None, **extra) -> Deal:
    computed = ComputedGrade(grade=grade, rule="t", on=dt.date(2026, 1, 1)) if grade else None
    return Deal(id=next(_DEAL_IDS), name=name, computed_grade=computed, manual_grade=manual,
                activities=activities, people=[Person(name="王总")], **extra)


def test_cadence_by_grade_overdue_first():
    today = dt.date(2026, 3, 10)
    days = {g.id: g.follow_up_days for g in SIX.grading.grades}
    last = "2026-03-01T10:00"
    deals = [_deal(g, g, [_call(last, "connected", "王总")]) for g in "ABCD"]
    plan = plan_follow_ups(deals, {"six-step": SIX}, today, days=60, lang="en")
    due = {item.deal: item.due for item in plan}
    for grade in "ABCD":
        assert due[grade] == dt.date(2026, 3, 1) + dt.timedelta(days=days[grade])
    assert [item.deal for item in plan] == sorted(due, key=due.get)
    assert plan[0].days_overdue == (today - due[plan[0].deal]).days > 0
    only_due = plan_follow_ups(deals, {"six-step": SIX}, today, days=0, lang="en")
    assert {item.deal for item in only_due} == {g for g in "ABCD" if due[g] <= today}


def test_manual_grade_sets_the_rhythm_and_closed_deals_drop_out():
    today = dt.date(2026, 3, 10)
    deal = _deal("x", "D", [_call("2026-03-05T10:00", "connected")], manual="A")
    plan = plan_follow_ups([deal, _deal("won", "A", [], status="won")], {"six-step": SIX}, today, 30, "en")
    assert [(p.deal, p.grade, p.grade_source) for p in plan] == [("x", "A", "manual")]


def test_never_contacted_is_due_today_and_ungraded_follows_c():
    today = dt.date(2026, 3, 10)
    plan = plan_follow_ups([_deal("new", None, [])], {"six-step": SIX}, today, 0, "en")
    assert plan[0].due == today and plan[0].grade_source == "ungraded" and "Never contacted" in plan[0].why


def test_pretexts_rotate_per_contact():
    ids = [p.id for p in SIX.grading.follow_up_pretexts]
    deal = _deal("x", "B", [_call("2026-03-01T10:00", "connected", "王总", ids[0]),
                            _call("2026-03-02T10:00", "connected", "李工", ids[4])])
    assert next_pretext(SIX.grading, deal, "王总") == ids[1]
    assert next_pretext(SIX.grading, deal, "李工") == ids[5]
    last = deal.model_copy(update={"activities": [_call("2026-03-01T10:00", "connected", "王总", ids[-1])]})
    assert next_pretext(SIX.grading, last, "王总") == ids[0]
    assert next_pretext(SIX.grading, deal, "新人") == ids[0]


def test_mixed_time_zones_in_one_file_work_everywhere(run, tmp_path):
    """A file mixing times with and without offsets: every command orders them, none crashes."""
    deal = tmp_path / "deal.yaml"
    deal.write_text("""name: 跨时区
people: [{name: 王总}]
activities:
  - {date: 2026-01-31T23:30:00+08:00, kind: call, outcome: connected, contact: 王总}
  - {date: 2026-01-31T16:00:00, kind: call, outcome: connected, contact: 王总}
  - {date: 2026-01-31T12:00:00-05:00, kind: call, outcome: no-answer, contact: 王总}
""", encoding="utf-8")
    assert run("deal", "import", str(deal)).exit_code == 0
    # 16:00 local (Asia/Shanghai) < 23:30 +08:00 < 12:00 -05:00 (= 2026-02-01 01:00 local)
    notes = [a["date"] for a in json.loads(run("log", "1", "--json").stdout)]
    assert notes[0].startswith("2026-01-31T16:00:00+08:00")
    assert run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--date", "2026-02-02T09:00").exit_code == 0
    for command in (("followup", "--json", "--days", "30"), ("grade", "--deals", "--json"), ("funnel", "--json"),
                    ("stage", "1", "--json")):
        result = run(*command)
        assert result.exit_code == 0, (command, result.stderr)
    plan = json.loads(run("followup", "--json", "--days", "60", "--today", "2026-02-03").stdout)
    assert plan[0]["last_touch"] == "2026-02-02"


def test_dates_across_month_ends_and_time_zones():
    # 23:30 in Beijing on Jan 31 is still Jan 31 there; a B grade (7 days) falls due on Feb 7
    # 23:30 in New York on Jan 31 is already Feb 1 in Shanghai (the tests' local zone)
    new_york = dt.datetime(2026, 1, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    assert local_date(new_york) == dt.date(2026, 2, 1)
    assert local_date(dt.datetime(2026, 1, 31, 23, 30)) == dt.date(2026, 1, 31)
    deal = _deal("x", "B", [Activity(date=dt.datetime(2026, 1, 31, 9, 0), kind="call", outcome="connected")])
    plan = plan_follow_ups([deal], {"six-step": SIX}, dt.date(2026, 2, 1), 30, "en")
    assert plan[0].due == dt.date(2026, 1, 31) + dt.timedelta(days=7) == dt.date(2026, 2, 7)
    leap = _deal("y", "D", [Activity(date=dt.datetime(2028, 2, 15, 9), kind="call", outcome="connected")])
    assert plan_follow_ups([leap], {"six-step": SIX}, dt.date(2028, 3, 1), 60, "en")[0].due == \
        dt.date(2028, 2, 15) + dt.timedelta(days=30)


def test_followup_cli_json_and_ics_keep_uids(run, tmp_path):
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"))
    run("deal", "import", str(EXAMPLES / "auto-parts-supplier.yaml"))
    run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--contact", "负责人A", "--date", "2026-11-01")
    plan = json.loads(run("followup", "--today", "2026-11-25", "--days", "30", "--json").stdout)
    assert {item["deal"] for item in plan} == {"宁夏新工程项目工业油", "汽车集团配件供货"}
    assert all(item["pretext"] for item in plan)
    first = tmp_path / "a.ics"
    assert run("followup", "--today", "2026-11-25", "--days", "30", "--ics", str(first)).exit_code == 0
    calendar = Calendar.from_ical(first.read_bytes())
    events = [c for c in calendar.walk("VEVENT")]
    assert {str(e["UID"]) for e in events} == {item["uid"] for item in plan}
    assert any("负责人A" in str(e["SUMMARY"]) for e in events)
    # a new touch moves the date, not the identity: re-importing updates the same events
    run("log", "add", "1", "--kind", "call", "--outcome", "connected", "--contact", "负责人A", "--date", "2026-11-20")
    second = tmp_path / "b.ics"
    run("followup", "--today", "2026-11-25", "--days", "30", "--ics", str(second))
    again = {str(e["UID"]): e for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert set(again) == {str(e["UID"]) for e in events}
    moved = next(e for e in again.values() if "负责人A" in str(e["SUMMARY"]))
    assert moved.decoded("DTSTART") > dt.date(2026, 11, 20)


# --- the funnel ----------------------------------------------------------------------------------

def _crafted() -> list[Deal]:
    """9 calls: 3 no answer, 6 connected (of which 4 meetings booked); 3 meetings held, 1 cancelled;
    2 deals with a meeting held, 1 of them won, and 1 deal won without a logged meeting (3 reached a
    meeting, 2 won); 2 won customers in all, 1 VIP, 0 loyal."""
    a = [_call("2026-02-01T09:00", "no-answer"), _call("2026-02-02T09:00", "no-answer"),
         _call("2026-02-03T09:00", "connected"), _call("2026-02-04T09:00", "meeting-booked"),
         _call("2026-02-05T09:00", "meeting-booked"), _call("2026-02-10T09:00", "held", kind="visit")]
    b = [_call("2026-02-01T10:00", "no-answer"), _call("2026-02-02T10:00", "refused"),
         _call("2026-02-03T10:00", "meeting-booked"), _call("2026-02-04T10:00", "meeting-booked"),
         _call("2026-02-11T10:00", "held", kind="visit"), _call("2026-02-12T10:00", "held", kind="meeting"),
         _call("2026-02-13T10:00", "cancelled", kind="visit")]
    return [
        Deal(name="a", activities=a, status="won", closed_on=dt.date(2026, 3, 1), vip=True, owner="amy"),
        Deal(name="b", activities=b, owner="bob"),
        Deal(name="c", status="won", closed_on=dt.date(2026, 3, 2), owner="bob"),
    ]


def test_funnel_rates_match_hand_computed_values():
    funnel = compute_funnel(_crafted(), SIX, "en")
    rates = {r.id: (r.numerator, r.denominator, r.rate) for r in funnel.rates}
    assert rates["effective_call_rate"] == (6, 9, 6 / 9)
    assert rates["appointment_rate"] == (4, 6, 4 / 6)
    assert rates["meeting_success_rate"] == (3, 4, 0.75)
    assert rates["close_rate"] == (2, 3, 2 / 3)
    assert rates["vip_conversion_rate"] == (1, 2, 0.5)
    assert rates["vip_loyalty_rate"] == (0, 1, 0.0)


def test_funnel_window_owner_and_zero_denominators():
    early = compute_funnel(_crafted(), SIX, "en", until=dt.date(2026, 2, 2))
    assert {r.id: (r.numerator, r.denominator) for r in early.rates}["effective_call_rate"] == (1, 4)
    amy = compute_funnel(_crafted(), SIX, "en", owner="amy")
    assert {r.id: (r.numerator, r.denominator) for r in amy.rates}["meeting_success_rate"] == (1, 2)
    empty = compute_funnel([], SIX, "en")
    assert all(r.rate is None and r.denominator == 0 for r in empty.rates)


def test_funnel_cli(run):
    empty = run("funnel", "--json")
    data = json.loads(empty.stdout)
    for key in ("effective_call_rate", "appointment_rate", "meeting_success_rate", "close_rate",
                "vip_conversion_rate", "vip_loyalty_rate"):
        assert data[key]["numerator"] == 0 and data[key]["denominator"] == 0 and data[key]["rate"] is None
    assert "n/a" in run("funnel").stdout
    assert run("funnel", "--since", "soon").exit_code == 2
    assert run("funnel", "--since", "yesterday").exit_code == 0  # read by the one date parser


def test_stage_conversion_and_median_days():
    gates = [stage.gate_ids() for stage in SIX.stages]

    def marks(day: str, ids):
        return [{"id": i, "date": day} for i in ids]

    fast = Deal(name="f", done=marks("2026-01-01", gates[0]) + marks("2026-01-11", gates[1]))
    slow = Deal(name="s", done=marks("2026-01-01", gates[0]) + marks("2026-01-31", gates[1]))
    stuck = Deal(name="t", done=marks("2026-01-01", gates[0][:1]))
    flows = {f.id: f for f in compute_funnel([fast, slow, stuck], SIX, "en").stages}
    assert (flows["develop"].reached, flows["develop"].completed) == (3, 2)
    assert (flows["entry"].reached, flows["entry"].completed, flows["entry"].median_days) == (2, 2, 20)
    assert flows["proposal"].reached == 2 and flows["proposal"].conversion == 0


def test_weakest_step_points_at_what_to_work_on(run):
    """A low appointment rate points at the pain step of the call script (seed 000/003)."""
    deals = [Deal(name="x", activities=[_call(f"2026-02-{d:02d}T09:00", "connected") for d in range(1, 11)]
                  + [_call("2026-02-11T09:00", "meeting-booked"), _call("2026-02-12T09:00", "held", kind="visit")],
                  status="won", vip=True, loyal=True)]
    funnel = compute_funnel(deals, SIX, "en")
    assert funnel.weakest == "appointment_rate"
    assert "pain step" in funnel.work_on
    zh = compute_funnel(deals, SIX, "zh")
    assert zh.rates[1].name == "预约面谈率" and "试探对方的痛苦体验" in zh.work_on


def test_owner_filters_for_a_team(run):
    """Each rep's name is recorded on what they create; list, follow-ups and funnel filter by it."""
    run("deal", "import", str(EXAMPLES / "ningxia-industrial-oil.yaml"), env={"DEALCOACH_USER": "amy"})
    run("deal", "import", str(EXAMPLES / "auto-parts-supplier.yaml"), env={"DEALCOACH_USER": "bob"})
    run("log", "add", "2", "--kind", "call", "--outcome", "connected", "--date", "2026-11-01",
        env={"DEALCOACH_USER": "bob"})
    assert [d["owner"] for d in json.loads(run("deal", "list", "--json").stdout)] == ["amy", "bob"]
    assert [d["name"] for d in json.loads(run("deal", "list", "--owner", "bob", "--json").stdout)] == ["汽车集团配件供货"]
    plan = json.loads(run("followup", "--owner", "amy", "--days", "60", "--today", "2026-11-25", "--json").stdout)
    assert [item["owner"] for item in plan] == ["amy"]
    bob = json.loads(run("funnel", "--owner", "bob", "--json").stdout)
    amy = json.loads(run("funnel", "--owner", "amy", "--json").stdout)
    assert (bob["effective_call_rate"]["denominator"], amy["effective_call_rate"]["denominator"]) == (1, 0)
    history = json.loads(run("deal", "show", "2", "--json").stdout)["history"]
    assert [h["who"] for h in history] == ["bob", "bob"]
