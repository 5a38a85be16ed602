"""Evaluate the playbook's declarative warning rules against a deal. Pure: no I/O, no terminal.

A rule's `when` is a typed Condition (playbook/models.py); this module is the only interpreter of
it. Conditions see the deal's position (our stage, the customer's step), what is done, and the
people on the buying side with their roles expanded across role models (decision-maker =
decides = economic-buyer, ...).

Each condition and people filter is turned into a Python function the first time it is evaluated,
and that function is kept for as long as the playbook holding it lives (`compiled`): a pipeline
review evaluates the same few hundred conditions for every one of 100,000 deals, and working out
which key a condition sets, then dispatching on it, was most of the rules' time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel

from dealcoach.deals.models import Activity, Deal, Person
from dealcoach.playbook.models import ActivityFilter, Condition, CriteriaFilter, PersonFilter, Playbook, RoleCatalog


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
        return set(self.expanded_roles(person))

    def expanded_roles(self, person: Person) -> frozenset[str]:
        """`roles_of` without the copy, for the rules' inner loops."""
        table = self.memo.get("roles_of")
        if table is None:  # every person's at once: the rules ask about each of them many times
            table = self.memo["roles_of"] = {id(p): (p, self._expand(p.roles)) for p in self.deal.people}
        found = table.get(id(person))
        if found is None or found[0] is not person:
            found = table[id(person)] = (person, self._expand(person.roles))
        return found[1]

    def roles_in_order(self) -> list[frozenset[str]]:
        """`expanded_roles` of each of the deal's people, in their order."""
        found = self.memo.get("roles_in_order")
        if found is None:
            found = self.memo["roles_in_order"] = [self.expanded_roles(p) for p in self.deal.people]
        return found

    def _expand(self, roles: list[str]) -> frozenset[str]:
        expanded: set[str] = set()
        for role in roles:
            expanded |= self.catalog.equivalent(role)
        return frozenset(expanded)

    def wanted_roles(self, roles: list[str]) -> set[str]:
        return set(self.expanded_wanted(tuple(roles)))

    def expanded_wanted(self, roles: tuple[str, ...]) -> frozenset[str]:
        key = ("wanted", roles)
        found = self.memo.get(key)
        if found is None:
            wanted: set[str] = set()
            for role in roles:
                wanted |= self.catalog.equivalent(role)
            found = self.memo[key] = frozenset(wanted)
        return found

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
    return compiled(where)(person, situation)


PersonTest = Callable[[Person, Situation], bool]
Test = Callable[[Situation], bool]

# id(condition or filter) -> (it, its function, the key of what it says): the entry keeps the object
# alive, so an id is never reused for another while its entry exists; playbooks are few and cached
_COMPILED: dict[int, tuple[object, Callable, str, Callable | None]] = {}
_MAX_COMPILED = 5_000  # a playbook has a few hundred; filters built on the fly (position.py) must not pile up


def compiled(node: Condition | PersonFilter) -> Callable:
    """The function a condition (situation -> bool) or a people filter ((person, situation) -> bool)
    compiles to, built once per object."""
    return _compiled_entry(node)[1]


def _compiled_entry(node: Condition | PersonFilter) -> tuple[object, Callable, str, Callable | None]:
    entry = _COMPILED.get(id(node))
    if entry is None or entry[0] is not node:
        if len(_COMPILED) >= _MAX_COMPILED:  # many playbooks built and dropped (tests): start afresh
            _COMPILED.clear()
        if isinstance(node, PersonFilter):
            # the same filter written in several rules is one question per deal: keyed by what it says
            test, people = _compile_filter(node)
            # every field's value in order (a nested filter by its repr), without building the
            # model's serializer (~3 ms of a command's start-up)
            said = repr([node.__dict__[name] for name in PersonFilter.model_fields])
            entry = (node, test, said, _memoized(said, people))
        else:
            entry = (node, _compile_condition(node), "", None)
        _COMPILED[id(node)] = entry
    return entry


def _compile_filter(where: PersonFilter) -> tuple[PersonTest, Callable[[Situation], list[Person]]]:
    """The filter as (a test of one person, the list of the deal's people it matches).

    Both are written out as Python source and compiled once per filter: a pipeline review asks each
    filter of every person of every deal, and calling one small function per check of a person was
    most of the rules' time. The source holds only fixed field names (the filter's own keys); every
    value the playbook gives (the allowed values, the role ids) is passed by name in the namespace,
    never written into the source."""
    namespace: dict[str, object] = {}

    def const(value: object) -> str:
        name = f"c{len(namespace)}"
        namespace[name] = value
        return name

    prelude = ""  # worked out once per call of `people`, once per person by `test`
    terms: list[str] = []
    # the cheap checks first: most people fail one of them before their roles are looked at
    for name, allowed in where.value_checks:
        if name not in Person.model_fields:  # a field name of PersonFilter.value_checks, never data
            raise ValueError(f"a person filter cannot check {name!r}")
        terms.append(f"p.{name} in {const(allowed)}")
    if where.roles:
        prelude = f"    wanted = s.expanded_wanted({const(tuple(where.roles))})\n"
        terms.append("not ROLES.isdisjoint(wanted)")
    if where.level_recorded is not None:
        terms.append(f"(p.level is not None) == {const(where.level_recorded)}")
    if where.roles_recorded is not None:
        terms.append(f"bool(p.roles) == {const(where.roles_recorded)}")
    if where.reports_to is not None:
        terms.append(f"{const(_boss_matches)}(p, s, {const(where.reports_to)})")
    if where.new is not None:
        terms.append(f"p.new == {const(where.new)}")
    if where.has_plan is not None:
        terms.append(f"bool(p.plan) == {const(where.has_plan)}")
    if where.linked_to is not None:
        terms.append(f"{const(_linked)}(p, {const(where.linked_to)}, s)")
    if where.not_linked_to is not None:
        terms.append(f"not {const(_linked)}(p, {const(where.not_linked_to)}, s)")
    if where.asks_qualification:
        terms += _qualification_terms(where, const)
    if where.asks_politics:
        terms += _politics_terms(where, const)
    test = " and ".join(f"({term})" for term in terms) or "True"
    source = (f"def test(p, s):\n{prelude}    return {test.replace('ROLES', 's.expanded_roles(p)')}\n"
              f"def people(s):\n{prelude}    return [p for p, roles in zip(s.deal.people, s.roles_in_order())"
              f" if {test.replace('ROLES', 'roles')}]\n")
    exec(_filter_code(source), namespace)  # noqa: S102 (see the docstring)
    return namespace["test"], namespace["people"]  # type: ignore[return-value]


@lru_cache(maxsize=1024)
def _filter_code(source: str):
    """Filters of the same shape have the same source (values are passed by name): compiled once
    (a playbook's 82 filters are 36 sources; each compile ~70 µs of every command's start-up)."""
    return compile(source, "<person filter>", "exec")


def _boss_matches(p: Person, s: Situation, boss_filter: PersonFilter) -> bool:
    boss = s.deal.person(p.reports_to) if p.reports_to else None
    return boss is not None and compiled(boss_filter)(boss, s)


def _politics_terms(where: PersonFilter, const: Callable[[object], str]) -> list[str]:
    """The politics and needs part of a filter, as terms of `_compile_filter` (circle, boss relations
    and the other enum fields are `value_checks`): factions, KPI, personal needs, the increment."""
    terms = []
    if where.circle_recorded is not None:
        terms.append(f"(p.circle is not None) == {const(where.circle_recorded)}")
    if where.faction_recorded is not None:
        terms.append(f"bool(p.faction) == {const(where.faction_recorded)}")
    if where.kpi is not None:
        terms.append(f"bool(p.kpi) == {const(where.kpi)}")
    if where.needs:
        terms.append(f"not {const(frozenset(where.needs))}.isdisjoint(p.needs)")
    if where.needs_recorded is not None:
        terms.append(f"bool(p.needs) == {const(where.needs_recorded)}")
    if where.same_faction_as is not None:
        terms.append(f"{const(_same_faction)}(p, {const(where.same_faction_as)}, s)")
    if where.other_faction_than is not None:
        terms.append(f"{const(_other_faction)}(p, {const(where.other_faction_than)}, s)")
    if where.increment_open is not None:
        terms.append(f"bool({const(increment_open)}(p, s.playbook)) == {const(where.increment_open)}")
    return terms


def _same_faction(person: Person, role: str, situation: Situation) -> bool:
    return bool(person.faction) and person.faction in _factions_of(role, person, situation)


def _other_faction(person: Person, role: str, situation: Situation) -> bool:
    theirs = _factions_of(role, person, situation)
    return bool(person.faction) and bool(theirs) and person.faction not in theirs


def _qualification_terms(where: PersonFilter, const: Callable[[object], str]) -> list[str]:
    """The insider's qualification and the leader's style, as terms of `_compile_filter`; will and
    ability not assessed count as `unknown`."""
    terms = []
    for field in ("motive", "style"):
        if getattr(where, field):
            terms.append(f"p.{field} in {const(frozenset(getattr(where, field)))}")
    for field in ("will", "ability"):
        if getattr(where, field):
            terms.append(f"(p.{field} or 'unknown') in {const(frozenset(getattr(where, field)))}")
    if where.motive_recorded is not None:
        terms.append(f"(p.motive is not None) == {const(where.motive_recorded)}")
    if where.support_shown is not None:
        terms.append(f"bool(p.support) == {const(where.support_shown)}")
    if where.delegate is not None:
        terms.append(f"p.delegate == {const(where.delegate)}")
    return terms


def criteria_match(where: CriteriaFilter, deal: Deal) -> bool:
    """The deal's purchase criteria as recorded; `favours` is `unknown` when nothing is recorded."""
    state = deal.criteria.state if deal.criteria else None
    favours = deal.criteria.favours if deal.criteria else "unknown"
    if where.recorded is not None and (state is not None) != where.recorded:
        return False
    if where.state and state not in where.state:
        return False
    return not where.favours or favours in where.favours


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
    wanted = situation.expanded_wanted((role,))
    if any(not situation.expanded_roles(boss).isdisjoint(wanted) for boss in situation.bosses(person)):
        return True
    return any(p.reports_to == person.name and not situation.expanded_roles(p).isdisjoint(wanted)
               for p in situation.deal.people)


def people_matching(where: PersonFilter, situation: Situation) -> list[Person]:
    return list(_matching(where)(situation))


def _matching(where: PersonFilter) -> Callable[[Situation], list[Person]]:
    """The deal's people the filter matches, worked out once per deal (the list is shared: not to be
    changed)."""
    return _compiled_entry(where)[3]  # type: ignore[return-value]


def _memoized(said: str, people: Callable[[Situation], list[Person]]) -> Callable[[Situation], list[Person]]:
    key = ("people", said)  # equal filters of different rules share the answer

    def matching(s: Situation) -> list[Person]:
        found = s.memo.get(key)
        if found is None:
            found = s.memo[key] = people(s)
        return found

    return matching


def people_holding(roles: list[str], situation: Situation) -> list[Person]:
    """The people holding any of `roles` (or an equivalent): `people_matching` of a filter on roles
    alone, without building the filter each time."""
    key = ("holding", tuple(roles))
    found = situation.memo.get(key)
    if found is None:
        wanted = situation.expanded_wanted(tuple(roles))
        found = situation.memo[key] = [p for p in situation.deal.people
                                       if not situation.expanded_roles(p).isdisjoint(wanted)]
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
    value = _FACTS[fact](deal)
    return value is not None and value != [] and value != {} and value != ""


# each fact an evidence condition may name (`known: [...]`), read from the deal only when asked
_FACTS: dict[str, Callable[[Deal], object]] = {
    "amount": lambda deal: deal.amount, "budget": lambda deal: deal.budget, "our-cost": lambda deal: deal.our_cost,
    "expected-close": lambda deal: deal.expected_close, "industry": lambda deal: deal.industry,
    "pains": lambda deal: deal.pains, "confirmed-pains": lambda deal: [p for p in deal.pains if p.confirmed],
    "competitors": lambda deal: deal.competitors,
    "competitor-comparison": lambda deal: [c for c in (deal.opportunity.comparisons if deal.opportunity else [])
                                           if c.scores],
    "assessment": lambda deal: deal.assessment, "grade": lambda deal: deal.manual_grade or deal.computed_grade,
    "opportunity-information": lambda deal: deal.opportunity.information if deal.opportunity else None,
}


def customer_process_started(situation: Situation) -> bool:
    """stable-ids.md: the customer's step is past the first, or anyone on the buying side has been met."""
    return situation.customer_index > 0 or any(p.met for p in situation.deal.people)


def holds(condition: Condition, situation: Situation) -> bool:
    return compiled(condition)(situation)


def _compile_condition(condition: Condition) -> Test:
    kind = condition.kind()
    value = getattr(condition, kind)
    if kind in ("all", "any"):
        tests = [compiled(child) for child in value]
        if kind == "all":
            def every(s: Situation) -> bool:
                for test in tests:
                    if not test(s):
                        return False
                return True
            return every

        def some(s: Situation) -> bool:
            for test in tests:
                if test(s):
                    return True
            return False
        return some
    if kind == "not_":
        inner = compiled(value)
        return lambda s: not inner(s)
    if kind == "customer_ahead":
        return lambda s: (s.customer_index > s.stage_index) == value
    if kind == "customer_at_or_after":
        return lambda s: s.customer_index >= s.playbook.step_index(value)
    if kind == "stage_at_or_after":
        return lambda s: s.stage_index >= s.playbook.stage_index(value)
    if kind == "stage_before":
        return lambda s: s.stage_index < s.playbook.stage_index(value)
    if kind == "done":
        return lambda s: value in s.done
    if kind == "not_done":
        return lambda s: value not in s.done
    if kind == "later_stage_work_done":
        return lambda s: bool(later_stage_work(s)) == value
    if kind == "exists":
        matching = _matching(value)
        return lambda s: bool(matching(s))
    if kind == "none":
        matching = _matching(value)
        return lambda s: not matching(s)
    if kind == "count_at_most":
        matching, most = _matching(value.where), value.n
        return lambda s: len(matching(s)) <= most
    if kind == "count_at_least":
        matching, least = _matching(value.where), value.n
        return lambda s: len(matching(s)) >= least
    if kind == "customer_process_started":
        return lambda s: customer_process_started(s) == value
    if kind == "activity":
        return lambda s: len(activities_matching(value, s)) >= value.at_least
    if kind == "competitors_recorded":
        return lambda s: bool(s.deal.competitors) == value
    if kind == "known":
        return lambda s: all(fact_recorded(fact, s.deal) for fact in value)
    if kind == "criteria":
        return lambda s: criteria_match(value, s.deal)
    if kind == "culture":
        return lambda s: s.deal.culture in value
    raise AssertionError(f"unhandled condition {kind}")  # the model admits no other kind


def later_stage_work(situation: Situation) -> list[str]:
    """Ids the rep ticked that belong to a stage after the one we are really in. Facts that evidence
    a later item (people met early, say) are not work done out of order."""
    stages = _item_stages(situation.playbook)
    return sorted(item for item in situation.deal.done_ids() if stages.get(item, -1) > situation.stage_index)


_ITEM_STAGES: dict[int, tuple[Playbook, dict[str, int]]] = {}


def _item_stages(playbook: Playbook) -> dict[str, int]:
    """Every item a rep can mark done -> the index of its stage, worked out once per playbook."""
    found = _ITEM_STAGES.get(id(playbook))
    if found is None or found[0] is not playbook:
        if len(_ITEM_STAGES) > 256:  # playbooks loaded and dropped (tests)
            _ITEM_STAGES.clear()
        stages = {item: playbook.stage_index(stage) for item, stage in playbook.checkable_ids().items()}
        found = _ITEM_STAGES[id(playbook)] = (playbook, stages)
    return found[1]


_DESCRIBED: dict[int, tuple[Condition, str]] = {}


def describe(condition: Condition) -> str:
    """The condition as a compact expression, shown as 'the rule that fired' (worked out once per
    condition: a rule fires for thousands of deals)."""
    entry = _DESCRIBED.get(id(condition))
    if entry is None or entry[0] is not condition:
        if len(_DESCRIBED) >= _MAX_COMPILED:
            _DESCRIBED.clear()
        entry = _DESCRIBED[id(condition)] = (condition, _describe(condition))
    return entry[1]


def _describe(condition: Condition) -> str:
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
    if isinstance(value, (ActivityFilter, CriteriaFilter)):
        return f"{kind}{_describe_filter(value)}"
    if isinstance(value, list):
        return f"{kind}: {', '.join(value)}"
    return f"{kind}: {value}"


def _describe_filter(where: PersonFilter | ActivityFilter | CriteriaFilter) -> str:
    parts = []
    for key, item in _said(where):
        if isinstance(item, BaseModel):  # a nested filter: `with` of an activity, `reports_to` of a person
            item = _describe_filter(item)
        parts.append(f"{key}={'|'.join(item) if isinstance(item, list) else item}")
    return "[" + " ".join(parts) + "]" if parts else "[any]"


def _said(where: BaseModel) -> list[tuple[str, object]]:
    """(key, value) of each field the playbook set, as `model_dump(exclude_defaults=True,
    by_alias=True)` has them but nested filters left as models: read from the fields, without
    building the model's serializer (~3 ms of a command's start-up)."""
    return [(field.alias or name, value) for name, field in type(where).model_fields.items()
            if (value := getattr(where, name)) != field.get_default(call_default_factory=True)]


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
    if kind == "criteria" and situation.deal.criteria is not None:
        return [criteria_line(situation.deal, lang)]
    return []


def criteria_line(deal: Deal, lang) -> str:
    """采购标准：半确定型，有利于我方（每个配件分给2~3家供应商）: what the deal records about them."""
    from dealcoach.i18n import message

    criteria = deal.criteria
    if criteria is None or criteria.state is None:
        return message("criteria.line_unrecorded", lang)
    items = ("；" if lang != "en" else "; ").join(criteria.items)
    return message("criteria.line", lang, state=message(f"criteria_state.{criteria.state}", lang),
                   favours=message(f"favours.{criteria.favours}", lang),
                   items=(f"（{items}）" if lang != "en" else f" ({items})") if items else "")


def role_name(catalog: RoleCatalog, role_id: str, lang) -> str:
    for role in catalog.roles:
        if role.id == role_id:
            return role.name.get(lang)
    for group in catalog.equivalences:
        if group.id == role_id:
            return group.name.get(lang)
    return role_id
