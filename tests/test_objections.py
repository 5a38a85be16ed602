"""`objections`: per stakeholder, the objections likely at the deal's stage, the evidence for their
trust level, the perceived risk and its commitments, and the decision blockers; its content checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import write
from dealcoach.coaching.objections import predict_objections
from dealcoach.deals.models import Deal, Person
from dealcoach.errors import NotFoundError
from dealcoach.playbook.loader import load_catalog, load_playbook

ROOT = Path(__file__).resolve().parents[1]
SIX = load_playbook("six-step")
EIGHT = load_playbook("eight-step")
CATALOG = load_catalog()


def report(*people: Person, playbook=SIX, stage: str | None = None, **deal):
    return predict_objections(Deal(name="x", playbook=playbook.id, people=list(people), **deal), playbook, CATALOG,
                              "en", stage)


def ids(items) -> set[str]:
    return {item.id for item in items}


def person(name: str, **fields) -> Person:
    return Person(name=name, **fields)


def test_a_role_objection_goes_to_the_person_holding_the_role_or_an_equivalent():
    # too-expensive is for the decision maker (any model's), payer and purchaser, at bidding
    boss = person("Boss", roles=["economic-buyer"])          # equivalent to decision-maker
    buyer = person("Buyer", roles=["purchases"])
    user = person("User", roles=["key-user"])
    found = report(boss, buyer, user, stage="bidding")
    by_name = {p.name: ids(p.objections) for p in found.people}
    assert "too-expensive" in by_name["Boss"] and "too-expensive" in by_name["Buyer"]
    assert "competitor-cheaper" in by_name["Buyer"] and "competitor-cheaper" not in by_name["Boss"]
    assert "too-expensive" not in by_name["User"]
    assert "too-expensive" not in ids(found.unclaimed)


def test_objections_follow_the_stage():
    boss = person("Boss", roles=["decision-maker"])
    develop = {o.id for o in report(boss).people[0].objections}   # nothing done: develop
    assert develop == {"not-a-priority", "not-now"}
    negotiation = {o.id for o in report(boss, stage="negotiation").people[0].objections}
    assert "not-a-priority" not in negotiation and {"too-expensive", "who-takes-the-blame", "not-now"} <= negotiation
    assert ids(report(boss).everyone) == {"unknown-supplier"}
    assert "unknown-supplier" not in ids(report(boss, stage="negotiation").everyone)


def test_the_current_stage_comes_from_the_deal():
    done = [item for stage in SIX.stages[:2] for item in stage.gate_ids()]
    found = report(person("Tech", roles=["technical-supporter"]), done=done)
    assert found.stage.id == "proposal"
    assert {"technical-fit", "outside-recommendation"} <= ids(found.people[0].objections)


def test_objections_nobody_holds_the_role_for_are_listed_unclaimed():
    found = report(person("User", roles=["uses"]), stage="bidding")
    assert {"technical-fit", "too-expensive", "who-takes-the-blame"} <= ids(found.unclaimed)
    assert not ids(found.unclaimed) & ids(found.people[0].objections)
    assert ids(report(stage="bidding").unclaimed) >= {"technical-fit"}
    assert report().notes and not report(person("A")).notes


@pytest.mark.parametrize(("contact", "trust"), [("none", "stranger"), ("brief", "acquainted"),
                                                ("regular", "trusting"), ("deep", "partner")])
def test_the_evidence_follows_how_far_they_trust_us(contact, trust):
    found = report(person("A", contact=contact)).people[0]
    assert found.trust.id == trust and found.trust.evidence


def test_risk_and_its_commitments_come_with_each_objection():
    item = next(o for o in report(person("Boss", roles=["decision-maker"]), stage="bidding").people[0].objections
                if o.id == "who-takes-the-blame")
    assert item.risk.id == "personal" and item.cause.id == "customer"
    assert any("pilot" in c for c in item.commitments)


@pytest.mark.parametrize(("fields", "fires", "quiet"), [
    ({"attitude": "opponent", "influence": "high"}, {"attitude"}, {"psychological", "ability"}),
    ({"attitude": "neutral", "influence": "high"}, {"psychological"}, {"attitude", "ability"}),
    ({"attitude": "supporter", "influence": "low"}, {"ability"}, {"attitude", "psychological"}),
    ({"attitude": "supporter", "influence": "high", "roles": ["decides"]}, {"risk-fear"}, {"ability"}),
    ({"attitude": "supporter", "influence": "high"}, set(), {"attitude", "psychological", "ability", "risk-fear"}),
])
def test_blockers_fire_for_whom_they_describe(fields, fires, quiet):
    blockers = ids(report(person("A", **fields)).people[0].blockers)
    assert fires <= blockers and not quiet & blockers


def test_eight_step_has_the_same_content_on_its_own_stages():
    found = report(person("Buyer", roles=["purchases"]), playbook=EIGHT, stage="evaluation-follow-up")
    assert {"competitor-cheaper", "too-expensive"} <= ids(found.people[0].objections)


def test_an_unknown_stage_names_the_known_ones():
    with pytest.raises(NotFoundError, match="unknown sales stage nope; known: develop, entry"):
        report(stage="nope")


def test_cli_json_and_languages(run):
    data = json.loads(run("objections", "--example", "auto-parts-supplier", "--json", "--lang", "en").stdout)
    assert data["stage"]["id"] == "entry" and data["people"]
    head = next(p for p in data["people"] if p["attitude"] == "opponent")
    assert "attitude" in {b["id"] for b in head["blockers"]}
    zh = run("objections", "--example", "auto-parts-supplier", "--lang", "zh").stdout
    hant = run("objections", "--example", "auto-parts-supplier", "--lang", "zh-Hant").stdout
    assert "异议预测" in zh and "異議預測" in hant and "态度障碍" in zh and "態度障礙" in hant
    # labels take the language's colon: 准备：… in Chinese, "Prepare: …" in English
    assert "准备：" in zh and "准备:" not in zh and "：" not in run(
        "objections", "--example", "auto-parts-supplier", "--lang", "en").stdout


def test_cli_usage_and_bad_stage(run):
    assert run("objections").exit_code == 2
    bad = run("objections", "--example", "ningxia-industrial-oil", "--stage", "nope", "--lang", "en")
    assert bad.exit_code == 1 and "unknown sales stage nope" in bad.stderr and "Traceback" not in bad.stderr


def test_stored_deal(run, tmp_path):
    deal = write(tmp_path / "d.yaml", "name: 甲公司\nplaybook: six-step\npeople:\n"
                                      "  - {name: 王总, roles: [decision-maker], attitude: opponent}\n")
    assert run("deal", "import", str(deal)).exit_code == 0
    data = json.loads(run("objections", "甲公司", "--json").stdout)
    assert data["people"][0]["name"] == "王总" and {"not-a-priority", "not-now"} <= {
        o["id"] for o in data["people"][0]["objections"]}


@pytest.mark.parametrize(("old", "new", "error"), [
    ("      stages: [bidding, negotiation]\n      who: {roles: [purchases]}",
     "      stages: [bidding, nowhere]\n      who: {roles: [purchases]}", "unknown stage 'nowhere'"),
    ("      who: {roles: [purchases]}", "      who: {roles: [buyer-of-things]}", "unknown role 'buyer-of-things'"),
    ("      contact: [deep]\n", "      contact: [regular]\n", "no trust level for contact 'deep'"),
    ("      who: {roles: [purchases]}", "      who: {roles: [purchases], mood: [sad]}", "mood"),
])
def test_the_content_is_checked(run, tmp_path, old, new, error):
    text = (ROOT / "playbooks" / "six-step.yaml").read_text(encoding="utf-8")
    assert old in text
    bad = write(tmp_path / "six-step.yaml", text.replace(old, new, 1))
    result = run("playbook", "validate", str(bad))
    assert result.exit_code == 1 and error in result.stderr, result.stderr
