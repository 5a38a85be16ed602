"""Where a deal really stands, what is missing, what to do next. Pure functions; no terminal.

- Our sales stage is the first stage whose key milestone or exit criteria are not all met.
- The customer's step is what the rep observed, else the latest step whose signals were seen, else
  assumed to match our stage (the output says which).
- Warnings come from the playbook's declarative rules (coaching/rules.py).
- Next actions are ordered: what the warnings demand first, then the missing key milestone, exit
  criteria and work items of the current stage, then the people the stage needs.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from dealcoach.coaching.rules import Situation, describe, holds, later_stage_work, people_matching
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook, RoleCatalog, Stage
from dealcoach.textfill import fill

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


class StepRef(BaseModel):
    id: str
    name: str
    index: int
    confidence: str


class CustomerStepRef(StepRef):
    source: Literal["observed", "signals", "assumed"]
    signals: list[str] = []


class SalesStageRef(StepRef):
    completed: bool = False


class ProcessRow(BaseModel):
    """One line of the side-by-side view: customer step i <-> sales stage i."""

    index: int
    customer_step: StepRef
    sales_stage: StepRef
    key_milestone: str
    gate_met: int
    gate_total: int
    status: Literal["passed", "current", "ahead"]
    confidence: str
    customer_here: bool
    we_are_here: bool


class MissingItem(BaseModel):
    id: str
    kind: Literal["key_milestone", "exit_criterion"]
    stage: str
    stage_name: str
    text: str
    verify: str | None = None


class Warning(BaseModel):
    id: str
    severity: Literal["high", "medium", "low"]
    message: str
    rule: str
    condition: str
    people: list[str] = []
    source: str


class NextAction(BaseModel):
    text: str
    why: str
    how: str | None = None
    source: str


class Diagnosis(BaseModel):
    deal: str
    deal_id: int | None
    playbook: str
    playbook_name: str
    sales_stage: SalesStageRef
    customer_step: CustomerStepRef
    processes: list[ProcessRow]
    missing: list[MissingItem]
    warnings: list[Warning]
    next_actions: list[NextAction]
    advice: list[str]
    reconstructed: bool
    notes: list[str]


def current_stage_index(playbook: Playbook, done: set[str]) -> tuple[int, bool]:
    """(index of the first stage whose gate is not met, whether every stage is complete)."""
    for index, stage in enumerate(playbook.stages):
        if not all(item in done for item in stage.gate_ids()):
            return index, False
    return len(playbook.stages) - 1, True


def customer_position(deal: Deal, playbook: Playbook, stage_index: int) -> tuple[int, str, list[str]]:
    if deal.customer_step:
        return playbook.step_index(deal.customer_step), "observed", []
    seen = set(deal.signals)
    latest, evidence = -1, []
    for index, step in enumerate(playbook.customer_steps):
        hits = [s.id for s in step.signals if s.id in seen]
        if hits:
            latest, evidence = index, hits
    if latest >= 0:
        return latest, "signals", evidence
    return stage_index, "assumed", []


def diagnose(deal: Deal, playbook: Playbook, catalog: RoleCatalog, lang: Lang) -> Diagnosis:
    done = deal.done_ids()
    stage_index, completed = current_stage_index(playbook, done)
    customer_index, customer_source, evidence = customer_position(deal, playbook, stage_index)
    situation = Situation(deal, playbook, catalog, stage_index, customer_index, frozenset(done))
    stage = playbook.stages[stage_index]
    step = playbook.customer_steps[customer_index]

    rows = []
    for index, (row_step, row_stage) in enumerate(zip(playbook.customer_steps, playbook.stages, strict=True)):
        gate = row_stage.gate_ids()
        rows.append(ProcessRow(
            index=index,
            customer_step=_ref(row_step, index, lang),
            sales_stage=_ref(row_stage, index, lang),
            key_milestone=row_stage.key_milestone.text.get(lang),
            gate_met=sum(item in done for item in gate),
            gate_total=len(gate),
            status="passed" if index < stage_index or completed else "current" if index == stage_index else "ahead",
            confidence=playbook.pair_confidence(row_stage),
            customer_here=index == customer_index,
            we_are_here=index == stage_index,
        ))

    missing = _missing(playbook, done, stage_index, customer_index, lang) if not completed else []
    warnings = _warnings(situation, lang)
    actions = _next_actions(situation, stage, missing, warnings, completed, lang)

    notes = []
    if customer_source == "assumed":
        notes.append(message("note.customer_assumed", lang))
    reconstructed = playbook.pair_confidence(stage) == "inferred" or step.confidence == "inferred"
    if reconstructed:
        notes.append(message("note.reconstructed", lang))
    if completed:
        notes.append(message("note.completed", lang))

    return Diagnosis(
        deal=deal.name,
        deal_id=deal.id,
        playbook=playbook.id,
        playbook_name=playbook.name.get(lang),
        sales_stage=SalesStageRef(**_ref(stage, stage_index, lang).model_dump(), completed=completed),
        customer_step=CustomerStepRef(**_ref(step, customer_index, lang).model_dump(), source=customer_source,
                                      signals=evidence),
        processes=rows,
        missing=missing,
        warnings=warnings,
        next_actions=actions,
        advice=[a.text.get(lang) for a in stage.advice],
        reconstructed=reconstructed,
        notes=notes,
    )


def _ref(item, index: int, lang: Lang) -> StepRef:
    return StepRef(id=item.id, name=item.name.get(lang), index=index, confidence=item.confidence)


def _missing(playbook: Playbook, done: set[str], stage_index: int, customer_index: int, lang: Lang) -> list[MissingItem]:
    """Unmet gates of the current stage, and of every later stage the customer has already passed,
    or that later work skipped over."""
    owner = playbook.checkable_ids()
    furthest_done = max((playbook.stage_index(owner[i]) for i in done if i in owner), default=stage_index)
    last = max(stage_index, min(customer_index, len(playbook.stages) - 1), furthest_done)
    missing = []
    for stage in playbook.stages[stage_index:last + 1]:
        if stage.key_milestone.id not in done:
            missing.append(MissingItem(id=stage.key_milestone.id, kind="key_milestone", stage=stage.id,
                                       stage_name=stage.name.get(lang), text=stage.key_milestone.text.get(lang),
                                       verify=stage.key_milestone.verify.get(lang)))
        for criterion in stage.exit_criteria:
            if criterion.id not in done:
                missing.append(MissingItem(id=criterion.id, kind="exit_criterion", stage=stage.id,
                                           stage_name=stage.name.get(lang), text=criterion.text.get(lang),
                                           verify=criterion.verify.get(lang) if criterion.verify else None))
    return missing


def _fields(situation: Situation, people: list[str], lang: Lang) -> dict[str, str]:
    playbook = situation.playbook
    stage = playbook.stages[situation.stage_index]
    step = playbook.customer_steps[situation.customer_index]
    separator = "、" if lang != "en" else ", "
    return {
        "people": separator.join(people) if people else message("people.none", lang),
        "stage": stage.name.get(lang),
        "customer_step": step.name.get(lang),
        "later_work": separator.join(later_stage_work(situation)),
    }


def _warnings(situation: Situation, lang: Lang) -> list[Warning]:
    fired = []
    for rule in situation.playbook.rules:
        if not holds(rule.when, situation):
            continue
        people = [p.name for p in situation.deal.people
                  if any(p in people_matching(where, situation) for where in rule.names)]
        fired.append(Warning(
            id=rule.id, severity=rule.severity, rule=rule.id, condition=describe(rule.when), people=people,
            message=fill(rule.message.get(lang), _fields(situation, people, lang)), source=rule.source,
        ))
    return sorted(fired, key=lambda w: SEVERITY_ORDER[w.severity])


def _next_actions(situation: Situation, stage: Stage, missing: list[MissingItem], warnings: list[Warning],
                  completed: bool, lang: Lang) -> list[NextAction]:
    rules = {r.id: r for r in situation.playbook.rules}
    actions: list[NextAction] = []
    for warning in warnings:
        rule = rules[warning.rule]
        if rule.action:
            text = fill(rule.action.get(lang), _fields(situation, warning.people, lang))
            why = message("why.rule", lang, id=rule.id, source=rule.source)
            actions.append(NextAction(text=text, why=why, source=f"rule:{rule.id}"))
    if completed:
        return actions
    for item in missing:
        if item.stage != stage.id:
            continue
        label = "action.reach_milestone" if item.kind == "key_milestone" else "action.meet_criterion"
        why = "why.milestone_gates" if item.kind == "key_milestone" else "why.criterion_gates"
        actions.append(NextAction(text=message(label, lang, text=item.text), how=item.verify,
                                  why=message(why, lang, stage=stage.name.get(lang)), source=f"{item.kind}:{item.id}"))
    for work in stage.work_items:
        if work.id not in situation.done:
            actions.append(NextAction(text=work.text.get(lang), how=work.how_to.get(lang),
                                      why=message("why.work_item", lang, stage=stage.name.get(lang)),
                                      source=f"work_item:{work.id}"))
    actions += _people_actions(situation, stage, lang)
    return actions


def _people_actions(situation: Situation, stage: Stage, lang: Lang) -> list[NextAction]:
    """The roles this stage needs, naming the people who hold them, or asking to find them."""
    from dealcoach.playbook.models import PersonFilter

    actions = []
    for focus in stage.key_roles:
        holders = people_matching(PersonFilter(roles=[focus.role]), situation)
        role_name = _role_name(situation.catalog, focus.role, lang)
        if not holders:
            actions.append(NextAction(text=message("action.find_role", lang, role=role_name),
                                      why=focus.why.get(lang), source=f"role:{focus.role}"))
            continue
        unmet = [p for p in holders if not p.met or p.contact == "brief"]
        if unmet:
            names = [f"{p.name} ({role_name})" for p in unmet]
            fields = _fields(situation, names, lang)
            actions.append(NextAction(text=fill(focus.action.get(lang), fields), why=focus.why.get(lang),
                                      source=f"role:{focus.role}"))
    return actions


def _role_name(catalog: RoleCatalog, role_id: str, lang: Lang) -> str:
    for role in catalog.roles:
        if role.id == role_id:
            return role.name.get(lang)
    for group in catalog.equivalences:
        if group.id == role_id:
            return group.name.get(lang)
    return role_id
