"""The pipeline review's bulk diagnosis (`diagnose_brief`, and `brief_line`: its values without the
models) says exactly what the full `diagnose` says about the positions, the warnings and the first
next action: on the bundled examples and on a few hundred generated deals, in every language."""

from __future__ import annotations

import datetime as dt
import random
from typing import get_args

import pytest

from dealcoach.coaching.diagnosis import brief_line, diagnose, diagnose_brief
from dealcoach.deals.models import Activity, Competitor, Deal, Person
from dealcoach.examples import list_examples
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.schema.common import Attitude, Contact, Influence, Level

LANGS = ["en", "zh", "zh-Hant"]
ACTIVITIES = [("call", "no-answer"), ("call", "connected"), ("call", "meeting-booked"), ("visit", "held"),
              ("visit", "cancelled"), ("email", "sent"), ("email", "replied"), ("demo", "held")]


def _assert_same(deal: Deal, lang: str) -> None:
    playbook, catalog = load_playbook(deal.playbook), load_catalog()
    full = diagnose(deal, playbook, catalog, lang)
    brief = diagnose_brief(deal, playbook, catalog, lang)
    assert brief.sales_stage == full.sales_stage
    assert brief.customer_step == full.customer_step
    assert brief.warnings == full.warnings
    assert brief.next_actions == full.next_actions[:1]
    # the values a pipeline line keeps, without the models
    assert brief_line(deal, playbook, catalog, lang) == (
        full.sales_stage.id, full.sales_stage.name, full.sales_stage.index, full.customer_step.id,
        full.customer_step.name, full.customer_step.index, full.customer_step.source,
        tuple((w.id, w.severity, w.message) for w in full.warnings),
        full.next_actions[0].text if full.next_actions else None)


def test_bundled_examples_give_the_same_lines():
    examples = list_examples()
    assert len(examples) >= 3
    for example in examples:
        for lang in LANGS:
            _assert_same(example.deal, lang)


def _generated_deal(rng: random.Random, number: int) -> Deal:
    playbook = load_playbook("six-step")
    role_ids = sorted({role.id for role in load_catalog().roles}
                      | {group.id for group in load_catalog().equivalences})
    names = [f"P{number}-{n}" for n in range(rng.randint(0, 7))]
    people = [Person(name=name, roles=rng.sample(role_ids, rng.randint(0, 2)),
                     attitude=rng.choice(get_args(Attitude)), influence=rng.choice(get_args(Influence)),
                     contact=rng.choice(get_args(Contact)),
                     level=rng.choice([None, *get_args(Level)]), new=rng.random() < 0.2,
                     plan=rng.choice([None, "meet them"]), notes=rng.choice([None, "noted"]),
                     reports_to=rng.choice([None, *names[:index]]))
              for index, name in enumerate(names)]
    checkable = sorted(playbook.checkable_ids())
    activities = [Activity(date=dt.datetime(2026, 1, 1) + dt.timedelta(days=n), kind=kind, outcome=outcome,
                           contact=rng.choice([None, *names]))
                  for n in range(rng.randint(0, 4)) for kind, outcome in [rng.choice(ACTIVITIES)]]
    return Deal(
        name=f"deal {number}", playbook="six-step",
        done=rng.sample(checkable, rng.randint(0, len(checkable))),
        customer_step=rng.choice([None, None, *(s.id for s in playbook.customer_steps)]),
        signals=rng.sample([s.id for step in playbook.customer_steps for s in step.signals], rng.randint(0, 2)),
        people=people, activities=activities,
        competitors=[Competitor(name="B公司")] if rng.random() < 0.5 else [],
        amount=rng.choice([None, 120000.0]),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_generated_deals_give_the_same_lines(lang):
    rng = random.Random(15)
    deals = [_generated_deal(rng, number) for number in range(200)]
    fired = set()
    for deal in deals:
        _assert_same(deal, lang)
        fired |= {w.id for w in diagnose_brief(deal, load_playbook("six-step"), load_catalog(), lang).warnings}
    assert len(fired) >= 8  # the generated deals exercise many rules, not just one
