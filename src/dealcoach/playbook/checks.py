"""Cross-references the models cannot see: unique ids, the 1:1 ordered step<->stage mapping, known
roles, stages and items in rules and scripts, a consistent grading table, known placeholders, and
Chinese text without the spaces a YAML line fold leaves between two characters.

Each check returns (path, message) pairs; the loader turns the path into `file:line:col: a.b.c`.
"""

from __future__ import annotations

from pydantic import BaseModel

from dealcoach.playbook.models import (
    GRADE_ORDER,
    NEXT_STEP,
    SCRIPT_PLACEHOLDERS,
    SCRIPT_STEP_IDS,
    Grading,
    Playbook,
    RoleCatalog,
    Text,
)


def _duplicates(ids: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def check_catalog(catalog: RoleCatalog) -> list[str]:
    problems = []
    role_ids = [r.id for r in catalog.roles]
    for dup in _duplicates(role_ids):
        problems.append(f"roles: duplicate id {dup!r}")
    model_ids = {m.id for m in catalog.models}
    for index, role in enumerate(catalog.roles):
        if role.model not in model_ids:
            problems.append(f"roles.{index}.model: unknown role model {role.model!r}")
    departments = {d.id for d in catalog.departments}
    for index, role in enumerate(catalog.roles):
        if role.department and role.department not in departments:
            problems.append(f"roles.{index}.department: unknown department {role.department!r}")
    for index, group in enumerate(catalog.equivalences):
        for role_id in group.roles:
            if role_id not in role_ids:
                problems.append(f"equivalences.{index}.roles: unknown role {role_id!r}")
    known_roles = set(role_ids) | {g.id for g in catalog.equivalences}
    for index, principle in enumerate(catalog.principles):
        for f_index, person_filter in enumerate(principle.applies_to):
            problems += [f"{'.'.join(map(str, loc))}: {text}" for loc, text in
                         _check_filter(person_filter, ("principles", index, "applies_to", f_index), known_roles)]
    problems += [f"{'.'.join(map(str, loc))}: {text}" for loc, text in _check_cjk_spaces(catalog, ())]
    return problems


def check_playbook(playbook: Playbook, catalog: RoleCatalog) -> list[tuple[tuple, str]]:
    """Cross-references the models cannot see: unique ids, the 1:1 ordered mapping, known roles; and
    the playbook each industry variant makes, checked whole (the loader checks once per file:
    playbook/cache.py remembers the files that passed)."""
    return _cross_references(playbook, catalog, thorough=True)


def _cross_references(playbook: Playbook, catalog: RoleCatalog, thorough: bool) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    step_ids = [s.id for s in playbook.customer_steps]
    for index, step in enumerate(playbook.customer_steps):
        if step_ids.index(step.id) != index:
            problems.append((("customer_steps", index, "id"), f"duplicate id {step.id!r}"))
    seen_ids: dict[str, tuple] = {}
    for s_index, stage in enumerate(playbook.stages):
        owned = [(("stages", s_index, "id"), stage.id)]
        owned += [(("stages", s_index, "work_items", i, "id"), w.id) for i, w in enumerate(stage.work_items)]
        owned.append((("stages", s_index, "key_milestone", "id"), stage.key_milestone.id))
        owned += [(("stages", s_index, "exit_criteria", i, "id"), c.id) for i, c in enumerate(stage.exit_criteria)]
        for loc, item_id in owned:
            if item_id in seen_ids:
                problems.append((loc, f"duplicate id {item_id!r} (also at {'.'.join(map(str, seen_ids[item_id]))})"))
            else:
                seen_ids[item_id] = loc
    # the mapping: stage i <-> customer step i, one to one, in order
    if len(playbook.stages) != len(playbook.customer_steps):
        problems.append((("stages",), f"{len(playbook.stages)} sales stages for "
                         f"{len(playbook.customer_steps)} customer steps; the mapping must be one to one"))
    for index, stage in enumerate(playbook.stages):
        loc = ("stages", index, "customer_step")
        if stage.customer_step not in step_ids:
            problems.append((loc, f"unknown customer step {stage.customer_step!r}"))
        elif index < len(step_ids) and stage.customer_step != step_ids[index]:
            problems.append((loc, f"stage {index + 1} maps to {stage.customer_step!r}, expected "
                             f"{step_ids[index]!r}: stages must follow the customer steps one to one, in order"))
    role_ids = {r.id for r in catalog.roles} | {g.id for g in catalog.equivalences}
    for s_index, stage in enumerate(playbook.stages):
        for r_index, focus in enumerate(stage.key_roles):
            if focus.role not in role_ids:
                problems.append((("stages", s_index, "key_roles", r_index, "role"), f"unknown role {focus.role!r}"))
    rule_ids = [r.id for r in playbook.rules]
    stage_ids = {s.id for s in playbook.stages}
    for index, rule in enumerate(playbook.rules):
        if rule_ids.index(rule.id) != index:
            problems.append((("rules", index, "id"), f"duplicate id {rule.id!r}"))
        for loc, problem in _check_condition(rule.when, ("rules", index, "when"), playbook, role_ids, stage_ids):
            problems.append((loc, problem))
        for f_index, person_filter in enumerate(rule.names):
            problems += _check_filter(person_filter, ("rules", index, "names", f_index), role_ids)
        problems += _check_rule_texts(rule, ("rules", index))
        checkable = playbook.checkable_ids()
        for c_index, covered in enumerate(rule.covers):
            if covered not in role_ids and covered not in checkable:
                problems.append((("rules", index, "covers", c_index), f"unknown role or item {covered!r}"))
    problems += _check_evidence(playbook, role_ids, stage_ids)
    if playbook.grading:
        problems += _check_grading(playbook)
    if playbook.phone_invitation:
        problems += _check_phone_invitation(playbook, role_ids, stage_ids)
    if playbook.visit:
        problems += _check_placeholders(playbook.visit, ("visit",))
    if playbook.objections:
        problems += _check_objections(playbook.objections, role_ids, stage_ids)
    if playbook.follow_up:
        problems += _check_borrow(playbook, role_ids, stage_ids)
    if playbook.value:
        problems += _check_value(playbook)
    problems += _check_shaping(playbook, role_ids, stage_ids)
    case_ids = {c.id for c in playbook.cases} | {c.id for s in playbook.stages for c in s.cases}
    if playbook.opportunity_analysis and playbook.opportunity_analysis.case:
        if playbook.opportunity_analysis.case not in case_ids:
            problems.append((("opportunity_analysis", "case"), f"unknown case {playbook.opportunity_analysis.case!r}"))
    problems += _check_cjk_spaces(playbook, ())
    return problems + _check_industries(playbook, catalog, role_ids, stage_ids, thorough, problems)


def _check_industries(playbook: Playbook, catalog: RoleCatalog, role_ids, stage_ids, thorough: bool,
                      general_problems: list[tuple[tuple, str]]) -> list[tuple[tuple, str]]:
    """Each industry variant adds items to known stages, with ids of its own and evidence naming
    known roles and items; `thorough` (not for the playbook a variant made, which has none): it names
    what it changes and makes a playbook that passes every check the general one does."""
    from dealcoach.playbook.variants import made_with

    problems: list[tuple[tuple, str]] = []
    variant_ids = [v.id for v in playbook.industries]
    general = playbook.checkable_ids()
    for index, variant in enumerate(playbook.industries):
        loc = ("industries", index)
        if variant_ids.index(variant.id) != index:
            problems.append(((*loc, "id"), f"duplicate id {variant.id!r}"))
        for s_index, added in enumerate(variant.stages):
            if added.stage not in stage_ids:
                problems.append(((*loc, "stages", s_index, "stage"), f"unknown stage {added.stage!r}"))
            for key in ("work_items", "exit_criteria"):
                for i_index, item in enumerate(getattr(added, key)):
                    where = (*loc, "stages", s_index, key, i_index)
                    if item.id in general:
                        problems.append(((*where, "id"),
                                         f"id {item.id!r} is already an item of stage {general[item.id]!r}"))
                    if item.evidence is not None:
                        problems += list(_check_condition(item.evidence, (*where, "evidence"), playbook, role_ids,
                                                          stage_ids))
        if not thorough or problems:
            continue
        made, unresolved = made_with(playbook, variant)
        problems += [((*loc, *where), message) for where, message in unresolved]
        if unresolved or made is None:
            continue
        said = set(general_problems)  # what the general playbook's own check already says
        problems += [(loc, f"with industry {variant.id!r}, {'.'.join(map(str, where))}: {message}")
                     for where, message in _cross_references(made, catalog, thorough=False)
                     if where[:1] != ("industries",) and (where, message) not in said]
    return problems


def _check_condition(cond, loc, playbook: Playbook, role_ids, stage_ids):
    kind = cond.kind()
    value = getattr(cond, kind)
    step_ids = {s.id for s in playbook.customer_steps}
    checkable = playbook.checkable_ids()
    key = "not" if kind == "not_" else kind
    if kind in ("all", "any"):
        for index, child in enumerate(value):
            yield from _check_condition(child, (*loc, key, index), playbook, role_ids, stage_ids)
    elif kind == "not_":
        yield from _check_condition(value, (*loc, key), playbook, role_ids, stage_ids)
    elif kind == "customer_at_or_after" and value not in step_ids:
        yield ((*loc, key), f"unknown customer step {value!r}")
    elif kind in ("stage_at_or_after", "stage_before") and value not in stage_ids:
        yield ((*loc, key), f"unknown sales stage {value!r}")
    elif kind in ("done", "not_done") and value not in checkable:
        yield ((*loc, key), f"unknown work item, key milestone or exit criterion {value!r}")
    elif kind in ("exists", "none"):
        yield from _check_filter(value, (*loc, key), role_ids)
    elif kind in ("count_at_most", "count_at_least"):
        yield from _check_filter(value.where, (*loc, key, "where"), role_ids)
    elif kind == "activity" and value.with_ is not None:
        yield from _check_filter(value.with_, (*loc, key, "with"), role_ids)


# Conditions about where the deal stands: meaningless as evidence that an item is done (and circular:
# the stage is worked out from what is done).
_POSITION_CONDITIONS = frozenset({"customer_ahead", "customer_at_or_after", "stage_at_or_after", "stage_before",
                                  "later_stage_work_done", "customer_process_started"})


def _check_evidence(playbook: Playbook, role_ids, stage_ids) -> list[tuple[tuple, str]]:
    """Evidence conditions name known roles, items and facts, and never a position."""
    problems: list[tuple[tuple, str]] = []
    for s_index, stage in enumerate(playbook.stages):
        located = [(("stages", s_index, "work_items", i), w) for i, w in enumerate(stage.work_items)]
        located.append((("stages", s_index, "key_milestone"), stage.key_milestone))
        located += [(("stages", s_index, "exit_criteria", i), c) for i, c in enumerate(stage.exit_criteria)]
        for loc, item in located:
            if item.evidence is None:
                continue
            problems += list(_check_condition(item.evidence, (*loc, "evidence"), playbook, role_ids, stage_ids))
            problems += [(where, f"{kind} says where the deal stands, not what is on record: "
                                 "evidence may only name recorded facts")
                         for where, kind in _condition_kinds(item.evidence, (*loc, "evidence"))
                         if kind in _POSITION_CONDITIONS]
        for a_index, advice in enumerate(stage.advice):
            if advice.applies is not None:
                problems += list(_check_condition(advice.applies, ("stages", s_index, "advice", a_index, "applies"),
                                                  playbook, role_ids, stage_ids))
    return problems


def _check_borrow(playbook: Playbook, role_ids, stage_ids) -> list[tuple[tuple, str]]:
    """Whom to borrow strength from is decided by recorded facts only: `followup` plans many deals
    and works out no stage for them."""
    problems: list[tuple[tuple, str]] = []
    from dealcoach.textfill import placeholders

    guide = playbook.follow_up
    texts = [(("follow_up", "milestone", key), getattr(guide.milestone, key), {"date", "days", "cadence"})
             for key in ("before", "after")]
    texts += [(("follow_up", "persistence", i, "text"), step.text, {"touch", "contact"})
              for i, step in enumerate(guide.persistence)]
    texts += [(("follow_up", "borrow", i, "ask"), borrow.ask, {"people"}) for i, borrow in enumerate(guide.borrow)]
    for loc, text, allowed in texts:
        for lang in ("zh", "en"):
            unknown = sorted(placeholders(getattr(text, lang)) - allowed)
            if unknown:
                problems.append(((*loc, lang), f"unknown placeholder {{{unknown[0]}}} (allowed: "
                                 f"{', '.join('{' + p + '}' for p in sorted(allowed))})"))
    ids = [b.id for b in guide.borrow]
    problems += [(("follow_up", "borrow", i, "id"), f"duplicate id {b!r}") for i, b in enumerate(ids) if ids.index(b) != i]
    for index, borrow in enumerate(guide.borrow):
        loc = ("follow_up", "borrow", index, "when")
        problems += list(_check_condition(borrow.when, loc, playbook, role_ids, stage_ids))
        for f_index, person_filter in enumerate(borrow.names):
            problems += _check_filter(person_filter, ("follow_up", "borrow", index, "names", f_index), role_ids)
        problems += [(where, f"{kind} says where the deal stands, not what is on record: "
                             "whom to borrow strength from may only name recorded facts")
                     for where, kind in _condition_kinds(borrow.when, loc) if kind in _POSITION_CONDITIONS]
    return problems


def _check_value(playbook: Playbook) -> list[tuple[tuple, str]]:
    """Increment question ids are unique (answers are stored by them) and a frame fills only {answer}."""
    from dealcoach.textfill import placeholders

    problems: list[tuple[tuple, str]] = []
    ids = [q.id for q in playbook.value.increment]
    for index, question in enumerate(playbook.value.increment):
        if ids.index(question.id) != index:
            problems.append((("value", "increment", index, "id"), f"duplicate id {question.id!r}"))
        for lang in ("zh", "en"):
            unknown = sorted(placeholders(getattr(question.frame, lang)) - {"answer"})
            if unknown:
                problems.append((("value", "increment", index, "frame", lang),
                                 f"unknown placeholder {{{unknown[0]}}} (allowed: {{answer}})"))
    types = [t.id for t in playbook.value.need_types]
    problems += [(("value", "need_types", i, "id"), f"duplicate id {t!r}") for i, t in enumerate(types) if types.index(t) != i]
    return problems


def _condition_kinds(cond, loc):
    kind = cond.kind()
    key = "not" if kind == "not_" else kind
    yield (*loc, key), kind
    value = getattr(cond, kind)
    if kind in ("all", "any"):
        for index, child in enumerate(value):
            yield from _condition_kinds(child, (*loc, key, index))
    elif kind == "not_":
        yield from _condition_kinds(value, (*loc, key))


def _check_rule_texts(rule, loc) -> list[tuple[tuple, str]]:
    """A rule's message and action may use only the placeholders the diagnosis fills."""
    from dealcoach.playbook.models import RULE_PLACEHOLDERS
    from dealcoach.textfill import placeholders

    problems = []
    for key in ("message", "action"):
        text = getattr(rule, key)
        for lang in ("zh", "en") if text else ():
            unknown = sorted(placeholders(getattr(text, lang)) - RULE_PLACEHOLDERS)
            if unknown:
                problems.append(((*loc, key, lang), f"unknown placeholder {{{unknown[0]}}} (allowed: "
                                 f"{', '.join('{' + p + '}' for p in sorted(RULE_PLACEHOLDERS))})"))
    return problems


def _check_filter(person_filter, loc, role_ids):
    problems = []
    for index, role in enumerate(person_filter.roles):
        if role not in role_ids:
            problems.append(((*loc, "roles", index), f"unknown role {role!r}"))
    for key in ("linked_to", "not_linked_to", "same_faction_as", "other_faction_than"):
        role = getattr(person_filter, key)
        if role and role not in role_ids:
            problems.append(((*loc, key), f"unknown role {role!r}"))
    if person_filter.reports_to is not None:
        problems += _check_filter(person_filter.reports_to, (*loc, "reports_to"), role_ids)
    return problems


def _check_grading(playbook: Playbook) -> list[tuple[tuple, str]]:
    grading = playbook.grading
    assert grading is not None
    problems = []
    if sorted(g.id for g in grading.grades) != ["A", "B", "C", "D"]:
        problems.append((("grading", "grades"), "grades must define A, B, C and D once each"))
    windows = [w.id for w in grading.close_windows]
    if set(grading.table) != set(windows):
        problems.append((("grading", "table"), f"the table needs one row per close window: {', '.join(windows)}"))
    for window, row in grading.table.items():
        if len(row) != len(grading.probability_bands):
            problems.append((("grading", "table", window),
                             f"{len(row)} grades for {len(grading.probability_bands)} probability bands"))
    bounds = [w.max_days for w in grading.close_windows]
    if any(b is None for b in bounds[:-1]) or bounds[:-1] != sorted(bounds[:-1]):  # type: ignore[type-var]
        problems.append((("grading", "close_windows"), "windows must be in order of max_days, open-ended last"))
    mins = [b.min for b in grading.probability_bands]
    if mins != sorted(mins, reverse=True) or mins[-1] != 0:
        problems.append((("grading", "probability_bands"), "bands must go from the highest min down to min 0"))
    if not problems:
        problems += grading_table_problems(grading)
    factor_ids = [f.id for f in grading.assessment.factors]
    for dup in _duplicates(factor_ids):
        problems.append((("grading", "assessment", "factors"), f"duplicate id {dup!r}"))
    return problems


def grading_table_problems(grading: Grading) -> list[tuple[tuple, str]]:
    """Where the table breaks monotonicity: a sooner window or a higher band must never grade worse."""
    windows = [w.id for w in grading.close_windows]
    bands = [b.id for b in grading.probability_bands]
    rank = GRADE_ORDER.index
    problems: list[tuple[tuple, str]] = []
    for w_index, window in enumerate(windows):
        row = grading.table.get(window)
        if row is None or len(row) != len(bands):
            problems.append((("grading", "table", window), f"needs one grade per probability band ({', '.join(bands)})"))
            continue
        for b_index in range(1, len(bands)):
            if rank(row[b_index]) < rank(row[b_index - 1]):
                problems.append((("grading", "table", window), f"{bands[b_index]} ({row[b_index]}) grades better "
                                 f"than {bands[b_index - 1]} ({row[b_index - 1]})"))
        if w_index:
            before = grading.table.get(windows[w_index - 1])
            if before is None or len(before) != len(bands):
                continue
            for b_index, band in enumerate(bands):
                if rank(row[b_index]) < rank(before[b_index]):
                    problems.append((("grading", "table"), f"{window}/{band} ({row[b_index]}) grades better than the "
                                     f"sooner {windows[w_index - 1]}/{band} ({before[b_index]})"))
    return problems


def _check_phone_invitation(playbook: Playbook, role_ids: set[str], stage_ids: set[str]) -> list[tuple[tuple, str]]:
    """The call script relies on these: the three step ids, known roles, stages and items, known placeholders."""
    invitation = playbook.phone_invitation
    assert invitation is not None
    base = ("phone_invitation",)
    problems: list[tuple[tuple, str]] = []
    step_ids = [s.id for s in invitation.steps]
    if step_ids != list(SCRIPT_STEP_IDS):
        problems.append(((*base, "steps"), f"the steps must be {', '.join(SCRIPT_STEP_IDS)} in this order "
                         f"(found: {', '.join(step_ids)})"))
    for key, ids in (("pre_call", [c.id for c in invitation.pre_call]),
                     ("pain_questions", [q.id for q in invitation.pain_questions]),
                     ("audiences", [a.id for a in invitation.audiences]),
                     ("objections", [c.id for c in invitation.objections]),
                     ("after_call", [a.outcome for a in invitation.after_call])):
        for dup in _duplicates(ids):
            problems.append(((*base, key), f"duplicate id {dup!r}"))
    defaults = [a.id for a in invitation.audiences if not a.roles and not a.levels]
    if len(defaults) > 1:
        problems.append(((*base, "audiences"), f"only one audience may match everyone (no roles, no levels): "
                         f"{', '.join(defaults)}"))
    for a_index, audience in enumerate(invitation.audiences):
        loc = (*base, "audiences", a_index)
        for r_index, role in enumerate(audience.roles):
            if role not in role_ids:
                problems.append(((*loc, "roles", r_index), f"unknown role {role!r}"))
        for s_index, adaptation in enumerate(audience.steps):
            if adaptation.step not in step_ids:
                problems.append(((*loc, "steps", s_index, "step"), f"unknown script step {adaptation.step!r}"))
    seen_stages: set[str] = set()
    for a_index, adaptation in enumerate(invitation.stages):
        for s_index, stage_id in enumerate(adaptation.stages):
            loc = (*base, "stages", a_index, "stages", s_index)
            if stage_id not in stage_ids:
                problems.append((loc, f"unknown sales stage {stage_id!r}"))
            elif stage_id in seen_stages:
                problems.append((loc, f"stage {stage_id!r} is adapted twice"))
            seen_stages.add(stage_id)
    checkable = playbook.checkable_ids()
    for index, item_id in enumerate(invitation.on_meeting_booked):
        if item_id not in checkable:
            problems.append(((*base, "on_meeting_booked", index),
                             f"unknown work item, key milestone or exit criterion {item_id!r}"))
    if invitation.likely_pains:
        for dup in _duplicates([i.id for i in invitation.likely_pains.industries]):
            problems.append(((*base, "likely_pains", "industries"), f"duplicate id {dup!r}"))
    objection_ids = [o.id for cause in invitation.objections for o in cause.objections]
    for dup in _duplicates(objection_ids):
        problems.append(((*base, "objections"), f"duplicate objection id {dup!r}"))
    problems += _check_call_answers(invitation, base)
    problems += _check_meeting_builds_on_pains(invitation, base)
    return problems + _check_placeholders(invitation, base)


def _check_meeting_builds_on_pains(invitation, base: tuple) -> list[tuple[tuple, str]]:
    """Step 3 proposes the meeting on what the contact said in step 2: its lines, and every
    audience's own lines for it, name {pains} (in zh and en)."""
    from dealcoach.textfill import placeholders

    def names_pains(lines) -> bool:
        return all(any("pains" in placeholders(getattr(line, lang)) for line in lines) for lang in ("zh", "en"))

    problems: list[tuple[tuple, str]] = []
    message = "the meeting is proposed on the problems the contact just told you of: a line here must use {pains}"
    for index, step in enumerate(invitation.steps):
        if step.id == "meeting" and not names_pains(step.say):
            problems.append(((*base, "steps", index, "say"), message))
    for a_index, audience in enumerate(invitation.audiences):
        for s_index, adaptation in enumerate(audience.steps):
            if adaptation.step == "meeting" and adaptation.say and not names_pains(adaptation.say):
                problems.append(((*base, "audiences", a_index, "steps", s_index, "say"), message))
    return problems


def _check_call_answers(invitation, base: tuple) -> list[tuple[tuple, str]]:
    """The answers of the live call fit their question: "did it get through?" is answered with
    reached (go on) or not reached, and only there; once the rep is talking, "no answer" is not an
    answer; every step but the last can go on; only the meeting step books the meeting."""
    problems: list[tuple[tuple, str]] = []
    questions = [(("reach",), invitation.reach, None)]
    questions += [(("steps", index, "check"), step.check, step) for index, step in enumerate(invitation.steps)]
    last = len(invitation.steps) - 1
    for loc, question, step in questions:
        loc = (*base, *loc)
        for dup in _duplicates([a.id for a in question.answers]):
            problems.append(((*loc, "answers"), f"duplicate answer id {dup!r}"))
        leads = [a.then for a in question.answers]
        for index, answer in enumerate(question.answers):
            where = (*loc, "answers", index, "then")
            if step is not None and answer.then == "no-answer":
                problems.append((where, "no-answer is not an answer once the call got through: it belongs to "
                                 "`reach` (did the call get through?)"))
            if answer.then == "meeting-booked" and (step is None or step.id != "meeting"):
                problems.append((where, "only the meeting step's question can book the meeting"))
            if step is invitation.steps[last] and answer.then == NEXT_STEP:
                problems.append((where, f"{NEXT_STEP}: the last step has no next step; end with an outcome"))
        if step is None and not {NEXT_STEP, "no-answer"} <= set(leads):
            problems.append(((*loc, "answers"), f"`reach` needs an answer leading to {NEXT_STEP} (got through) and "
                             "one leading to no-answer (did not)"))
        if step is not None and step is not invitation.steps[last] and NEXT_STEP not in leads:
            problems.append(((*loc, "answers"), f"needs an answer leading to {NEXT_STEP}: the call must be able "
                             "to go on"))
    return problems


def _check_placeholders(node, loc: tuple) -> list[tuple[tuple, str]]:
    """Every `{name}` in a script text must be one the call script fills (a typo would print as is)."""
    from dealcoach.textfill import placeholders

    problems: list[tuple[tuple, str]] = []
    if isinstance(node, Text):
        for lang in ("zh", "en"):
            unknown = sorted(placeholders(getattr(node, lang)) - SCRIPT_PLACEHOLDERS)
            if unknown:
                problems.append(((*loc, lang), f"unknown placeholder {{{unknown[0]}}} (allowed: "
                                 f"{', '.join('{' + p + '}' for p in sorted(SCRIPT_PLACEHOLDERS))})"))
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            problems += _check_placeholders(getattr(node, name), (*loc, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            problems += _check_placeholders(item, (*loc, index))
    return problems


def _check_cjk_spaces(node, loc: tuple) -> list[tuple[tuple, str]]:
    """A folded YAML line (`>-`) joins lines with a space; between Chinese characters it shows."""
    from dealcoach.typeset import cjk_spaces

    problems: list[tuple[tuple, str]] = []
    if isinstance(node, Text):
        spaces = cjk_spaces(node.zh)
        if spaces:
            at = spaces[0]
            problems.append(((*loc, "zh"), f"a space between Chinese characters at '{node.zh[max(at - 6, 0):at + 7]}' "
                             "(a line fold: join the lines, or end the line without a break)"))
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            problems += _check_cjk_spaces(getattr(node, name), (*loc, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            problems += _check_cjk_spaces(item, (*loc, index))
    return problems


def _check_objections(section, role_ids: set[str], stage_ids: set[str]) -> list[tuple[tuple, str]]:
    """Known stages and roles; each cause, risk, trust level and contact level once."""
    problems: list[tuple[tuple, str]] = []
    for key in ("causes", "risks", "trust_levels", "blockers", "objections"):
        ids = [entry.id for entry in getattr(section, key)]
        for index, entry_id in enumerate(ids):
            if ids.index(entry_id) != index:
                problems.append((("objections", key, index, "id"), f"duplicate id {entry_id!r}"))
    contacts = [c for level in section.trust_levels for c in level.contact]
    for missing in sorted({"none", "brief", "regular", "deep"} - set(contacts)):
        problems.append((("objections", "trust_levels"), f"no trust level for contact {missing!r}"))
    for index, level in enumerate(section.trust_levels):
        for c_index, contact in enumerate(level.contact):
            if contacts.count(contact) > 1:
                problems.append((("objections", "trust_levels", index, "contact", c_index),
                                 f"contact {contact!r} is in more than one trust level"))
    for key in ("objections", "blockers"):
        for index, entry in enumerate(getattr(section, key)):
            for r_index, role in enumerate(entry.who.roles):
                if role not in role_ids:
                    problems.append((("objections", key, index, "who", "roles", r_index), f"unknown role {role!r}"))
    for index, entry in enumerate(section.objections):
        for s_index, stage in enumerate(entry.stages):
            if stage not in stage_ids:
                problems.append((("objections", "objections", index, "stages", s_index), f"unknown stage {stage!r}"))
    return problems


def _check_shaping(playbook: Playbook, role_ids: set[str], stage_ids: set[str]) -> list[tuple[tuple, str]]:
    """`purchase_criteria`, `insider_ladder`, `decision_culture`: each id once, the ladder's
    conditions name known roles and items, its texts only the placeholders the coach fills."""
    from dealcoach.playbook.models import LADDER_PLACEHOLDERS
    from dealcoach.textfill import placeholders

    problems: list[tuple[tuple, str]] = []
    lists = []
    if playbook.purchase_criteria:
        lists.append((("purchase_criteria", "states"), playbook.purchase_criteria.states))
        if playbook.purchase_criteria.tender_step not in {s.id for s in playbook.customer_steps}:
            problems.append((("purchase_criteria", "tender_step"),
                             f"unknown customer step {playbook.purchase_criteria.tender_step!r}"))
    if playbook.decision_culture:
        lists.append((("decision_culture", "cultures"), playbook.decision_culture.cultures))
        lists.append((("decision_culture", "styles"), playbook.decision_culture.styles))
    ladder = playbook.insider_ladder
    if ladder:
        lists.append((("insider_ladder", "motives"), ladder.motives))
        lists.append((("insider_ladder", "rungs"), ladder.rungs))
        for index, rung in enumerate(ladder.rungs):
            loc = ("insider_ladder", "rungs", index)
            problems += list(_check_condition(rung.reached, (*loc, "reached"), playbook, role_ids, stage_ids))
            for f_index, person_filter in enumerate(rung.names):
                problems += _check_filter(person_filter, (*loc, "names", f_index), role_ids)
            for lang in ("zh", "en"):
                unknown = sorted(placeholders(getattr(rung.climb, lang)) - LADDER_PLACEHOLDERS)
                if unknown:
                    problems.append(((*loc, "climb", lang), f"unknown placeholder {{{unknown[0]}}} (allowed: "
                                     f"{', '.join('{' + p + '}' for p in sorted(LADDER_PLACEHOLDERS))})"))
    for loc, entries in lists:
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.id in seen:
                problems.append(((*loc, index, "id"), f"duplicate id {entry.id!r}"))
            seen.add(entry.id)
    return problems
