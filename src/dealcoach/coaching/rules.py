"""Evaluate the playbook's declarative warning rules against a deal. Pure: no I/O, no terminal.

A rule's `when` is a typed Condition (playbook/models.py); this module is the only interpreter of
it. Conditions see the deal's position (our stage, the customer's step), what is done, and the
people on the buying side with their roles expanded across role models (decision-maker =
decides = economic-buyer, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealcoach.deals.models import Activity, Deal, Person
from dealcoach.playbook.models import ActivityFilter, Condition, PersonFilter, Playbook, RoleCatalog


@dataclass(frozen=True)
class Situation:
    """What the rules look at, computed once per diagnosis."""

    deal: Deal
    playbook: Playbook
    catalog: RoleCatalog
    stage_index: int
    customer_index: int
    done: frozenset[str]
    # answers already worked out for this deal (the deal does not change during a diagnosis): a
    # rule set asks the same role and people questions dozens of times per deal
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def roles_of(self, person: Person) -> set[str]:
        key = ("roles_of", id(person))
        found = self.memo.get(key)
        if found is None or found[0] is not person:
            expanded: set[str] = set()
            for role in person.roles:
                expanded |= self.catalog.equivalent(role)
            found = self.memo[key] = (person, frozenset(expanded))
        return set(found[1])

    def wanted_roles(self, roles: list[str]) -> set[str]:
        key = ("wanted", tuple(roles))
        found = self.memo.get(key)
        if found is None:
            wanted: set[str] = set()
            for role in roles:
                wanted |= self.catalog.equivalent(role)
            found = self.memo[key] = frozenset(wanted)
        return set(found)

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
    for field, allowed in where.value_checks:
        if getattr(person, field) not in allowed:
            return False
    if where.level_recorded is not None and (person.level is not None) != where.level_recorded:
        return False
    if where.reports_to is not None:
        boss = situation.deal.person(person.reports_to) if person.reports_to else None
        if boss is None or not matches(boss, where.reports_to, situation):
            return False
    if where.new is not None and person.new != where.new:
        return False
    if where.has_plan is not None and bool(person.plan) != where.has_plan:
        return False
    if where.linked_to is not None and not _linked(person, where.linked_to, situation):
        return False
    if where.not_linked_to is not None and _linked(person, where.not_linked_to, situation):
        return False
    return not where.asks_politics or _matches_politics(person, where, situation)


def _matches_politics(person: Person, where: PersonFilter, situation: Situation) -> bool:
    """The politics and needs part of a filter (circle, boss relations and the other enum fields are
    in `value_checks`): factions, KPI, personal needs, the increment."""
    if where.circle_recorded is not None and (person.circle is not None) != where.circle_recorded:
        return False
    if where.kpi is not None and bool(person.kpi) != where.kpi:
        return False
    if where.needs and not set(where.needs) & set(person.needs):
        return False
    if where.needs_recorded is not None and bool(person.needs) != where.needs_recorded:
        return False
    if where.same_faction_as is not None:
        if not person.faction or person.faction not in _factions_of(where.same_faction_as, person, situation):
            return False
    if where.other_faction_than is not None:
        theirs = _factions_of(where.other_faction_than, person, situation)
        if not person.faction or not theirs or person.faction in theirs:
            return False
    if where.increment_open is not None and bool(increment_open(person, situation.playbook)) != where.increment_open:
        return False
    return True


def _factions_of(role: str, person: Person, situation: Situation) -> set[str]:
    """The recorded factions of the other people holding `role`."""
    return {p.faction for p in people_holding([role], situation) if p.faction and p is not person}


def increment_open(person: Person, playbook: Playbook) -> list[str]:
    """The playbook's increment questions (value:) this person has not answered yet, in order."""
    if playbook.value is None:
        return []
    return [q.id for q in playbook.value.increment if not person.increment.get(q.id)]


def _linked(person: Person, role: str, situation: Situation) -> bool:
    """Someone up this person's reporting line (or the person's direct report) holds the role."""
    wanted = situation.wanted_roles([role])
    if any(situation.roles_of(boss) & wanted for boss in situation.bosses(person)):
        return True
    return any(p.reports_to == person.name and situation.roles_of(p) & wanted for p in situation.deal.people)


def people_matching(where: PersonFilter, situation: Situation) -> list[Person]:
    # keyed by the filter object, kept alive in the entry so its id is never reused for another
    key = ("people", id(where))
    found = situation.memo.get(key)
    if found is None or found[0] is not where:
        found = situation.memo[key] = (where, [p for p in situation.deal.people if matches(p, where, situation)])
    return list(found[1])


def people_holding(roles: list[str], situation: Situation) -> list[Person]:
    """The people holding any of `roles` (or an equivalent): `people_matching` of a filter on roles
    alone, without building the filter each time."""
    key = ("holding", tuple(roles))
    found = situation.memo.get(key)
    if found is None:
        wanted = situation.wanted_roles(roles)
        found = situation.memo[key] = [p for p in situation.deal.people if situation.roles_of(p) & wanted]
    return list(found)


def activities_matching(where: ActivityFilter, situation: Situation) -> list[Activity]:
    found = []
    for activity in situation.deal.activities:
        if not where.admits(activity.kind, activity.outcome, bool(activity.form), bool(activity.our_side)):
            continue
        if where.with_ is not None:
            person = situation.deal.person(activity.contact) if activity.contact else None
            if person is None or not matches(person, where.with_, situation):
                continue
        found.append(activity)
    return found


def fact_recorded(fact: str, deal: Deal) -> bool:
    """Whether a deal fact named by an evidence condition (`known: [...]`) is on record."""
    value = {
        "amount": deal.amount, "budget": deal.budget, "our-cost": deal.our_cost,
        "expected-close": deal.expected_close, "industry": deal.industry, "pains": deal.pains,
        "confirmed-pains": [p for p in deal.pains if p.confirmed], "competitors": deal.competitors,
        "competitor-comparison": [c for c in (deal.opportunity.comparisons if deal.opportunity else []) if c.scores],
        "assessment": deal.assessment, "grade": deal.manual_grade or deal.computed_grade,
        "opportunity-information": deal.opportunity.information if deal.opportunity else None,
    }[fact]
    return value is not None and value != [] and value != {} and value != ""


def customer_process_started(situation: Situation) -> bool:
    """stable-ids.md: the customer's step is past the first, or anyone on the buying side has been met."""
    return situation.customer_index > 0 or any(p.met for p in situation.deal.people)


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
    if kind == "customer_process_started":
        return customer_process_started(situation) == value
    if kind == "activity":
        return len(activities_matching(value, situation)) >= value.at_least
    if kind == "competitors_recorded":
        return bool(situation.deal.competitors) == value
    if kind == "known":
        return all(fact_recorded(fact, situation.deal) for fact in value)
    raise AssertionError(f"unhandled condition {kind}")  # the model admits no other kind


def later_stage_work(situation: Situation) -> list[str]:
    """Ids the rep ticked that belong to a stage after the one we are really in. Facts that evidence
    a later item (people met early, say) are not work done out of order."""
    owner = situation.playbook.checkable_ids()
    return sorted(item for item in situation.deal.done_ids()
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
    if isinstance(value, ActivityFilter):
        return f"{kind}{_describe_filter(value)}"
    if isinstance(value, list):
        return f"{kind}: {', '.join(value)}"
    return f"{kind}: {value}"


def _describe_filter(where: PersonFilter | ActivityFilter) -> str:
    parts = []
    for key, item in where.model_dump(exclude_defaults=True, by_alias=True).items():
        if isinstance(item, dict):  # a nested filter: `with` of an activity, `reports_to` of a person
            item = _describe_filter(getattr(where, "with_" if key == "with" else key))
        parts.append(f"{key}={'|'.join(item) if isinstance(item, list) else item}")
    return "[" + " ".join(parts) + "]" if parts else "[any]"


def evidence_for(condition: Condition, situation: Situation, lang) -> list[str] | None:
    """The recorded facts that make an evidence condition hold, as lines a rep can check
    ("业务部经理：教练买家，接触：常联系"), or None when it does not hold."""
    from dealcoach.i18n import message

    if not holds(condition, situation):
        return None
    kind = condition.kind()
    value = getattr(condition, kind)
    if kind == "all":
        return [fact for child in value for fact in evidence_for(child, situation, lang) or []]
    if kind == "any":
        return next(facts for child in value if (facts := evidence_for(child, situation, lang)) is not None)
    separator = "、" if lang != "en" else ", "
    if kind in ("exists", "count_at_least"):
        where = value if kind == "exists" else value.where
        return [message("evidence.person", lang, name=p.name, contact=message(f"value.{p.contact}", lang),
                        roles=separator.join(role_name(situation.catalog, r, lang) for r in p.roles)
                        or message("people.nobody_known", lang))
                for p in people_matching(where, situation)]
    if kind == "activity":
        return [message("evidence.activity", lang, date=a.date.date().isoformat(), kind=message(f"kind.{a.kind}", lang),
                        outcome=message(f"outcome.{a.outcome}", lang),
                        contact=a.contact or message("people.nobody_known", lang))
                for a in activities_matching(value, situation)]
    if kind == "competitors_recorded" and value:
        return [message("evidence.competitors", lang, names=separator.join(c.name for c in situation.deal.competitors))]
    if kind == "known":
        return [message("evidence.known", lang, facts=separator.join(message(f"fact.{f}", lang) for f in value))]
    return []


def role_name(catalog: RoleCatalog, role_id: str, lang) -> str:
    for role in catalog.roles:
        if role.id == role_id:
            return role.name.get(lang)
    for group in catalog.equivalences:
        if group.id == role_id:
            return group.name.get(lang)
    return role_id
