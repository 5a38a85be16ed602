"""Checks of a deal against its playbook and the role catalog: ids exist, people are consistent.

Returns (location, message) pairs so a deal file can point at the line; the store calls the same
function before every save, so nothing inconsistent is ever written.
"""

from __future__ import annotations

from dealcoach.deals.models import Deal
from dealcoach.playbook.models import Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry

Problem = tuple[tuple, str]


def check_deal(deal: Deal, playbook: Playbook, catalog: RoleCatalog) -> list[Problem]:
    problems: list[Problem] = []
    playbook = for_industry(playbook, deal.industry)  # an industry's own items may be ticked too
    step_ids = [s.id for s in playbook.customer_steps]
    if deal.customer_step is not None and deal.customer_step not in step_ids:
        problems.append((("customer_step",), f"unknown customer step {deal.customer_step!r} for playbook "
                         f"{playbook.id} (known: {', '.join(step_ids)})"))
    signal_ids = {signal.id for step in playbook.customer_steps for signal in step.signals}
    for index, signal in enumerate(deal.signals):
        if signal not in signal_ids:
            problems.append((("signals", index), f"unknown signal {signal!r} for playbook {playbook.id}"))
    checkable = playbook.checkable_ids()
    seen: set[str] = set()
    for index, mark in enumerate(deal.done):
        if mark.id not in checkable:
            problems.append((("done", index), f"unknown work item, exit criterion or key milestone {mark.id!r} "
                             f"for playbook {playbook.id}"))
        elif mark.id in seen:
            problems.append((("done", index), f"{mark.id!r} is listed twice"))
        seen.add(mark.id)
    if deal.assessment:
        factors = {f.id: f for f in playbook.grading.assessment.factors} if playbook.grading else {}
        for factor_id, score in deal.assessment.items():
            factor = factors.get(factor_id)
            if factor is None:
                problems.append((("assessment", factor_id), f"unknown assessment factor {factor_id!r} "
                                 f"for playbook {playbook.id}"))
            elif score not in {level.score for level in factor.scale}:
                allowed = ", ".join(str(level.score) for level in factor.scale)
                problems.append((("assessment", factor_id), f"score {score} is not on the scale ({allowed})"))
    problems += check_people(deal, catalog)
    question_ids = {q.id for q in playbook.value.increment} if playbook.value else set()
    for index, person in enumerate(deal.people):
        for key in person.increment:
            if key not in question_ids:
                problems.append((("people", index, "increment", key), f"unknown increment question {key!r} for "
                                 f"playbook {playbook.id} (known: {', '.join(sorted(question_ids)) or 'none'})"))
    return problems


def check_people(deal: Deal, catalog: RoleCatalog) -> list[Problem]:
    problems: list[Problem] = []
    role_ids = {role.id for role in catalog.roles}
    names: dict[str, int] = {}
    for index, person in enumerate(deal.people):
        if person.name in names:
            problems.append((("people", index, "name"), f"duplicate person {person.name!r}"))
        names.setdefault(person.name, index)
        for r_index, role in enumerate(person.roles):
            if role not in role_ids:
                problems.append((("people", index, "roles", r_index), f"unknown role {role!r}"))
    for index, person in enumerate(deal.people):
        if person.reports_to is None:
            continue
        if person.reports_to == person.name:
            problems.append((("people", index, "reports_to"), f"{person.name!r} cannot report to themself"))
        elif person.reports_to not in names:
            problems.append((("people", index, "reports_to"), f"{person.reports_to!r} is not a person on this deal"))
    problems += _cycles(deal)
    return problems


def _cycles(deal: Deal) -> list[Problem]:
    boss = {p.name: p.reports_to for p in deal.people if p.reports_to and p.reports_to != p.name}
    problems = []
    reported: set[str] = set()
    for index, person in enumerate(deal.people):
        chain = [person.name]
        current = boss.get(person.name)
        while current is not None and current not in chain:
            chain.append(current)
            current = boss.get(current)
        if current is not None and current == person.name and person.name not in reported:
            reported.update(chain)
            loop = " -> ".join([*chain, person.name])
            problems.append((("people", index, "reports_to"), f"reporting lines form a cycle: {loop}"))
    return problems
