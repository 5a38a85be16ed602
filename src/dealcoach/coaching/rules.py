"""Evaluate the playbook's declarative warning rules against a deal. Pure: no I/O, no terminal.

A rule's `when` is a typed Condition (playbook/models.py); this module is the only interpreter of
it. Conditions see the deal's position (our stage, the customer's step), what is done, and the
people on the buying side with their roles expanded across role models (decision-maker =
decides = economic-buyer, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from dealcoach.deals.models import Deal, Person
from dealcoach.playbook.models import Condition, PersonFilter, Playbook, RoleCatalog


@dataclass(frozen=True)
class Situation:
    """What the rules look at, computed once per diagnosis."""

    deal: Deal
    playbook: Playbook
    catalog: RoleCatalog
    stage_index: int
    customer_index: int
    done: frozenset[str]

    def roles_of(self, person: Person) -> set[str]:
        expanded: set[str] = set()
        for role in person.roles:
            expanded |= self.catalog.equivalent(role)
        return expanded

    def wanted_roles(self, roles: list[str]) -> set[str]:
        wanted: set[str] = set()
        for role in roles:
            wanted |= self.catalog.equivalent(role)
        return wanted

    def bosses(self, person: Person) -> list[Person]:
        chain, seen = [], {person.name}
        current = person.reports_to
        while current and current not in seen:
            seen.add(current)
            boss = self.deal.person(current)
            if boss is None:
                break
            chain.append(boss)
            current = boss.reports_to
        return chain


def matches(person: Person, where: PersonFilter, situation: Situation) -> bool:
    if where.roles and not (situation.roles_of(person) & situation.wanted_roles(where.roles)):
        return False
    for field in ("attitude", "influence", "contact", "level"):
        allowed = getattr(where, field)
        if allowed and getattr(person, field) not in allowed:
            return False
    if where.new is not None and person.new != where.new:
        return False
    if where.has_plan is not None and bool(person.plan) != where.has_plan:
        return False
    if where.linked_to is not None and not _linked(person, where.linked_to, situation):
        return False
    if where.not_linked_to is not None and _linked(person, where.not_linked_to, situation):
        return False
    return True


def _linked(person: Person, role: str, situation: Situation) -> bool:
    """Someone up this person's reporting line (or the person's direct report) holds the role."""
    wanted = situation.wanted_roles([role])
    if any(situation.roles_of(boss) & wanted for boss in situation.bosses(person)):
        return True
    return any(p.reports_to == person.name and situation.roles_of(p) & wanted for p in situation.deal.people)


def people_matching(where: PersonFilter, situation: Situation) -> list[Person]:
    return [p for p in situation.deal.people if matches(p, where, situation)]


def holds(condition: Condition, situation: Situation) -> bool:
    kind = condition.kind()
    value = getattr(condition, kind)
    playbook = situation.playbook
    if kind == "all":
        return all(holds(child, situation) for child in value)
    if kind == "any":
        return any(holds(child, situation) for child in value)
    if kind == "not_":
        return not holds(value, situation)
    if kind == "customer_ahead":
        return (situation.customer_index > situation.stage_index) == value
    if kind == "customer_at_or_after":
        return situation.customer_index >= playbook.step_index(value)
    if kind == "stage_at_or_after":
        return situation.stage_index >= playbook.stage_index(value)
    if kind == "stage_before":
        return situation.stage_index < playbook.stage_index(value)
    if kind == "done":
        return value in situation.done
    if kind == "not_done":
        return value not in situation.done
    if kind == "later_stage_work_done":
        return bool(later_stage_work(situation)) == value
    if kind == "exists":
        return bool(people_matching(value, situation))
    if kind == "none":
        return not people_matching(value, situation)
    if kind == "count_at_most":
        return len(people_matching(value.where, situation)) <= value.n
    if kind == "count_at_least":
        return len(people_matching(value.where, situation)) >= value.n
    raise AssertionError(f"unhandled condition {kind}")  # the model admits no other kind


def later_stage_work(situation: Situation) -> list[str]:
    """Ids marked done that belong to a stage after the one we are really in."""
    owner = situation.playbook.checkable_ids()
    return sorted(item for item in situation.done
                  if item in owner and situation.playbook.stage_index(owner[item]) > situation.stage_index)


def describe(condition: Condition) -> str:
    """The condition as a compact expression, shown as 'the rule that fired'."""
    kind = condition.kind()
    value = getattr(condition, kind)
    if kind in ("all", "any"):
        return f"{kind}(" + ", ".join(describe(child) for child in value) + ")"
    if kind == "not_":
        return f"not({describe(value)})"
    if isinstance(value, bool):
        return kind if value else f"not {kind}"
    if isinstance(value, PersonFilter):
        return f"{kind}(people {_describe_filter(value)})"
    if hasattr(value, "where"):
        return f"{kind}({value.n}, people {_describe_filter(value.where)})"
    return f"{kind}: {value}"


def _describe_filter(where: PersonFilter) -> str:
    parts = []
    for key, item in where.model_dump(exclude_defaults=True).items():
        parts.append(f"{key}={'|'.join(item) if isinstance(item, list) else item}")
    return "[" + " ".join(parts) + "]" if parts else "[any]"
