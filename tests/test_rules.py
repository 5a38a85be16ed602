"""The rule condition language, directly: each kind of condition against a small situation, the
combinators, role equivalence and reporting lines, and the one-key rule of the model."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from dealcoach.coaching.rules import Situation, describe, holds
from dealcoach.deals.models import Activity, Deal, Person
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.models import Condition

SIX = load_playbook("six-step")
CATALOG = load_catalog()
STAGES = [stage.id for stage in SIX.stages]          # develop, entry, proposal, bidding, ...
STEPS = [step.id for step in SIX.customer_steps]


def situation(stage: str = "entry", step: str | None = None, done=(), people=(), **deal) -> Situation:
    return Situation(deal=Deal(name="x", people=list(people), **deal), playbook=SIX, catalog=CATALOG,
                     stage_index=STAGES.index(stage),
                     customer_index=STEPS.index(step) if step else STAGES.index(stage),
                     done=frozenset(done))


def check(condition: dict, where: Situation) -> bool:
    return holds(Condition.model_validate(condition), where)


# --- position ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("stage", "before", "expected"), [
    ("entry", "proposal", True), ("entry", "implementation", True), ("entry", "entry", False),
    ("entry", "develop", False), ("develop", "entry", True), ("implementation", "develop", False)])
def test_stage_before(stage, before, expected):
    assert check({"stage_before": before}, situation(stage)) is expected


@pytest.mark.parametrize(("stage", "at", "expected"), [
    ("entry", "entry", True), ("entry", "develop", True), ("entry", "proposal", False)])
def test_stage_at_or_after(stage, at, expected):
    assert check({"stage_at_or_after": at}, situation(stage)) is expected


def test_customer_ahead_and_customer_at_or_after():
    ahead = situation("develop", step="supplier-screening")
    level = situation("entry", step="supplier-screening")
    assert check({"customer_ahead": True}, ahead) and not check({"customer_ahead": True}, level)
    assert check({"customer_ahead": False}, level) and not check({"customer_ahead": False}, ahead)
    assert check({"customer_at_or_after": "supplier-screening"}, ahead)
    assert not check({"customer_at_or_after": "purchase-criteria"}, ahead)


def test_done_and_not_done():
    where = situation(done={"find-leads"})
    assert check({"done": "find-leads"}, where) and not check({"not_done": "find-leads"}, where)
    assert check({"not_done": "prospect-assessed"}, where) and not check({"done": "prospect-assessed"}, where)


# --- people ------------------------------------------------------------------------------------

BOSS = Person(name="王总", roles=["decides"], level="senior", influence="high", contact="brief")
CFO = Person(name="钱总", roles=["economic-buyer"], level="senior", influence="high")
MANAGER = Person(name="李处", level="middle", reports_to="王总")
COACH = Person(name="小赵", roles=["coach-buyer"], level="staff", reports_to="李处", contact="deep")
LONER = Person(name="孙工", roles=["insider"], level="staff", contact="regular")


def test_count_at_least_and_at_most_count_equivalent_roles():
    """decides and economic-buyer are both the decision maker, whichever model the rep used."""
    where = situation(people=[BOSS, CFO, MANAGER])
    two = {"where": {"roles": ["decision-maker"]}, "n": 2}
    assert check({"count_at_least": two}, where)
    assert not check({"count_at_least": {**two, "n": 3}}, where)
    assert check({"count_at_most": two}, where)
    assert not check({"count_at_most": {**two, "n": 1}}, where)
    # filters combine: two decision makers, only one of them met
    met = {"where": {"roles": ["decision-maker"], "contact": ["brief", "regular", "deep"]}, "n": 2}
    assert not check({"count_at_least": met}, where)
    assert check({"count_at_least": {**met, "n": 1}}, where)
    assert check({"count_at_least": {"n": 0}}, situation(people=[]))


def test_exists_and_none():
    where = situation(people=[BOSS, MANAGER])
    assert check({"exists": {"level": ["middle"]}}, where)
    assert not check({"none": {"level": ["middle"]}}, where)
    assert check({"none": {"roles": ["insider"]}}, where)
    assert not check({"exists": {"roles": ["insider"]}}, where)
    assert check({"exists": {"reports_to": {"roles": ["decision-maker"]}}}, where)  # 李处's boss decides


def test_linked_to_follows_the_reporting_line_up_and_one_step_down():
    where = situation(people=[BOSS, MANAGER, COACH, LONER])
    # 小赵 (a coach) -> 李处 -> 王总 (decides): linked two bosses up
    assert check({"exists": {"roles": ["insider"], "linked_to": "decision-maker"}}, where)
    # 孙工 is an insider with no reporting line: the one coach not linked to the decision maker
    unlinked = {"roles": ["insider"], "not_linked_to": "decision-maker"}
    assert check({"count_at_least": {"where": unlinked, "n": 1}}, where)
    assert not check({"count_at_least": {"where": unlinked, "n": 2}}, where)
    assert not check({"exists": unlinked}, situation(people=[BOSS, MANAGER, COACH]))
    # looking down, only one step: 李处 has the coach right below; 王总 has it two steps down
    assert check({"exists": {"level": ["middle"], "linked_to": "insider"}}, where)
    assert not check({"exists": {"roles": ["decision-maker"], "linked_to": "insider"}}, where)


def test_activity_with_a_person_filter():
    call = Activity(date=dt.datetime(2026, 3, 1, 10), kind="call", outcome="connected", contact="王总")
    visit = Activity(date=dt.datetime(2026, 3, 5, 10), kind="visit", outcome="held", contact="李处")
    where = situation(people=[BOSS, MANAGER], activities=[call, visit])
    assert check({"activity": {"kind": ["call", "visit"], "at_least": 2}}, where)
    assert not check({"activity": {"kind": ["call", "visit"], "at_least": 3}}, where)
    assert check({"activity": {"with": {"roles": ["decision-maker"]}}}, where)
    assert not check({"activity": {"kind": ["visit"], "with": {"roles": ["decision-maker"]}}}, where)


def test_known_facts_and_competitors():
    bare = situation()
    rich = situation(amount=800000, expected_close=dt.date(2026, 6, 30), competitors=["另外三家供应商"])
    assert check({"known": ["amount", "expected-close"]}, rich)
    assert not check({"known": ["amount"]}, bare) and not check({"known": ["amount", "budget"]}, rich)
    assert check({"competitors_recorded": True}, rich) and check({"competitors_recorded": False}, bare)


# --- combinators -------------------------------------------------------------------------------

T, F = {"stage_before": "proposal"}, {"stage_before": "develop"}  # true and false in the entry stage


@pytest.mark.parametrize(("condition", "expected"), [
    ({"all": [T, T]}, True), ({"all": [T, F]}, False), ({"all": [F, F]}, False),
    ({"any": [F, T]}, True), ({"any": [F, F]}, False), ({"any": [T, T]}, True),
    ({"not": T}, False), ({"not": F}, True),
    ({"not": {"all": [T, F]}}, True), ({"all": [T, {"not": F}, {"any": [F, T]}]}, True),
    ({"any": [{"not": T}, {"all": [T, {"not": T}]}]}, False)])
def test_all_any_not(condition, expected):
    assert check(condition, situation("entry")) is expected


def test_all_and_any_of_nothing():
    assert check({"all": []}, situation()) is True
    assert check({"any": []}, situation()) is False


@pytest.mark.parametrize("bad", [{}, {"done": "a", "not_done": "b"}, {"all": [{}]}, {"stage_befor": "entry"},
                                 {"not": {"done": "a", "stage_before": "entry"}}])
def test_a_condition_has_exactly_one_known_key(bad):
    with pytest.raises(ValidationError):
        Condition.model_validate(bad)


def test_describe_shows_the_rule_that_fired():
    condition = Condition.model_validate({"all": [{"stage_before": "proposal"}, {"not": {"done": "find-leads"}},
                                                  {"count_at_least": {"where": {"roles": ["insider"]}, "n": 2}}]})
    assert describe(condition) == ("all(stage_before: proposal, not(done: find-leads), "
                                   "count_at_least(2, people [roles=insider]))")


def test_a_filter_is_described_by_the_fields_the_playbook_set():
    """`describe` names each field a filter sets as `model_dump(exclude_defaults=True, by_alias=True)`
    has it, without building the filter's serializer: the same text for every filter of the bundled
    playbooks and the role catalog."""
    from pydantic import BaseModel

    from dealcoach.coaching import rules
    from dealcoach.playbook.loader import load_catalog, load_playbook, playbook_ids
    from dealcoach.playbook.models import ActivityFilter, CriteriaFilter, PersonFilter

    def dumped(where) -> str:
        parts = []
        for key, item in where.model_dump(exclude_defaults=True, by_alias=True).items():
            if isinstance(item, dict):
                item = dumped(getattr(where, "with_" if key == "with" else key))
            parts.append(f"{key}={'|'.join(item) if isinstance(item, list) else item}")
        return "[" + " ".join(parts) + "]" if parts else "[any]"

    found = []

    def walk(node) -> None:
        if isinstance(node, (PersonFilter, ActivityFilter, CriteriaFilter)):
            found.append(node)
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    for playbook_id in playbook_ids():
        walk(load_playbook(playbook_id))
    walk(load_catalog())
    assert len(found) > 300 and {type(f) for f in found} == {PersonFilter, ActivityFilter, CriteriaFilter}
    assert [rules._describe_filter(f) for f in found] == [dumped(f) for f in found]
    assert any(" " in rules._describe_filter(f) for f in found)  # filters of several fields among them
